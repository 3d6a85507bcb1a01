"""Alerts: the rules (data) evaluated over each employee's spells; the manager's mail; the consultant's
decision (open a case with the spells attached, or close the alert with a reason).

Evaluation is idempotent: an alert's identity is (rule, employee, period or window start), guarded by a
unique constraint, and its mail's dedup key is the alert's id, so evaluating again, a second worker or a
retried task never raises or sends anything twice. It runs after each import and nightly (Celery beat),
because an ongoing spell reaches its 7th day without any new import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from ..audit import event_record
from ..identity import sender
from ..models import (
    AbsenceAlert,
    AbsenceAlertRule,
    AbsenceSettings,
    AbsenceSpell,
    Case,
    ContactPerson,
    Employee,
    Employer,
    Team,
)
from ..notifications import outbox_enqueue_many, outbox_message
from ..services import ContactData, EmployeeData, EmployerData, case_open
from .periods import Spell
from .rules import rule_hits

CHUNK = 2000  # employees per evaluation step: a few queries and one commit each


def rule_sentence(rule: AbsenceAlertRule) -> str:
    """What was met, in plain Danish, without any health information."""
    with override("da"):
        if rule.kind == AbsenceAlertRule.Kind.CONSECUTIVE_DAYS:
            return ngettext("has been absent due to illness for %(n)d day in a row",
                            "has been absent due to illness for %(n)d days in a row", rule.days) % {"n": rule.days}
        return ngettext("has had %(k)d absences due to illness within %(m)d month",
                        "has had %(k)d absences due to illness within %(m)d months", rule.months) % {
            "k": rule.count, "m": rule.months}


def _default_team(settings: AbsenceSettings) -> Team | None:
    if settings.team_id:
        return settings.team
    return Team.objects.filter(receives_fast_track=True).first() or Team.objects.order_by("pk").first()


def alerts_evaluate(*, employee_ids: Iterable[int] | None = None, today: date | None = None) -> list[AbsenceAlert]:
    """Raise the alerts that the active rules now give for these employees (all with recent spells when
    None). Returns the new alerts; each has mailed the workplace's manager (through the outbox)."""
    today = today or timezone.localdate()
    settings = AbsenceSettings.current()
    rules = list(AbsenceAlertRule.objects.filter(active=True))
    if not rules:
        return []
    team = _default_team(settings)
    oldest = today - timedelta(days=settings.alert_max_age_days)
    if employee_ids is None:
        horizon = today - timedelta(days=31 * max([r.months for r in rules] + [1]) + settings.gap_days)
        employee_ids = (AbsenceSpell.objects.filter(Q(last_day__isnull=True) | Q(last_day__gte=horizon))
                        .values_list("employee_id", flat=True).distinct())
    ids = sorted(set(employee_ids))
    raised: list[AbsenceAlert] = []
    for start in range(0, len(ids), CHUNK):
        raised += _evaluate_chunk(ids[start:start + CHUNK], rules=rules, settings=settings, team=team, today=today,
                                  oldest=oldest)
    return raised


@dataclass
class _Candidate:
    rule: AbsenceAlertRule
    employee_id: int
    employer_id: int
    team_id: int
    hit: object
    spell_ids: list[int]


def _evaluate_chunk(ids, *, rules, settings, team, today, oldest) -> list[AbsenceAlert]:
    rows = AbsenceSpell.objects.filter(employee_id__in=ids).values_list(
        "pk", "employee_id", "employer_id", "first_day", "last_day", "source__team_id", "updated_at")
    spells: dict[int, list] = defaultdict(list)
    for pk, employee, employer, first, last, source_team, updated in rows:
        spells[employee].append((pk, employer, Spell(first, last), source_team, updated))
    existing = _existing_keys(ids)
    candidates: list[_Candidate] = []
    for employee, items in spells.items():
        plain = [spell for _pk, _e, spell, _t, _u in items]
        for rule in rules:
            for hit in rule_hits(rule.kind, plain, days=rule.days, count=rule.count, months=rule.months,
                                 gap_days=settings.gap_days, today=today):
                if (rule.pk, employee, hit.key) in existing or hit.triggered_on < oldest:
                    continue
                members = set(hit.spells)
                involved = [item for item in items if item[2] in members]
                latest = max(involved, key=lambda item: (item[2].first_day, item[4]))
                alert_team = latest[3] or (team.pk if team else None)
                if alert_team is None:
                    continue  # no team to queue it for: raised once a team exists
                candidates.append(_Candidate(rule, employee, latest[1], alert_team, hit, [item[0] for item in involved]))
    if not candidates:
        return []
    try:
        with transaction.atomic():
            return _raise_many(candidates)
    except IntegrityError:  # a concurrent evaluation raised some of them first: one by one
        return [alert for candidate in candidates if (alert := _raise_one(candidate)) is not None]


def _existing_keys(employee_ids) -> set[tuple]:
    """(rule, employee, key day) of the alerts already raised. Read without a lock: a concurrent evaluation
    may raise one after this read, which the unique constraint then refuses (see `_evaluate_chunk`)."""
    return set(AbsenceAlert.objects.filter(employee_id__in=employee_ids).values_list("rule_id", "employee_id",
                                                                                      "key_day"))


def _contacts(employer_ids) -> dict[int, ContactPerson]:
    """The manager each workplace's alert goes to: its first contact person with an e-mail."""
    found: dict[int, ContactPerson] = {}
    for contact in ContactPerson.objects.filter(employer_id__in=set(employer_ids)).exclude(email="").order_by(
            "employer_id", "name", "pk"):
        found.setdefault(contact.employer_id, contact)
    return found


def _build(candidate: _Candidate, contact: ContactPerson | None, now, sentences: dict | None = None) -> AbsenceAlert:
    sentences = {} if sentences is None else sentences
    if candidate.rule.pk not in sentences:
        sentences[candidate.rule.pk] = rule_sentence(candidate.rule)[:200]
    return AbsenceAlert(
        rule=candidate.rule, employee_id=candidate.employee_id, employer_id=candidate.employer_id, contact=contact,
        team_id=candidate.team_id, key_day=candidate.hit.key, triggered_on=candidate.hit.triggered_on, raised_at=now,
        rule_text=sentences[candidate.rule.pk])


def _raise_many(candidates: list[_Candidate]) -> list[AbsenceAlert]:
    """A chunk's alerts, their spells and their mails in a handful of queries."""
    now = timezone.now()
    contacts = _contacts(c.employer_id for c in candidates)
    sentences: dict = {}
    alerts = AbsenceAlert.objects.bulk_create([_build(c, contacts.get(c.employer_id), now, sentences)
                                               for c in candidates])
    if any(alert.pk is None for alert in alerts):  # a database that returns no ids: read them back
        keys = {(a.rule_id, a.employee_id, a.key_day): a for a in alerts}
        for pk, rule, employee, key in AbsenceAlert.objects.filter(
                employee_id__in={a.employee_id for a in alerts}, raised_at=now).values_list(
                "pk", "rule_id", "employee_id", "key_day"):
            if (rule, employee, key) in keys:
                keys[(rule, employee, key)].pk = pk
    Through = AbsenceAlert.spells.through
    Through.objects.bulk_create([Through(absencealert_id=alert.pk, absencespell_id=spell)
                                 for alert, c in zip(alerts, candidates) for spell in c.spell_ids])
    _mails_enqueue(alerts)
    return alerts


def _raise_one(candidate: _Candidate) -> AbsenceAlert | None:
    try:
        with transaction.atomic():
            alert = _build(candidate, _contacts([candidate.employer_id]).get(candidate.employer_id), timezone.now())
            alert.save()
            alert.spells.set(candidate.spell_ids)
            _mails_enqueue([alert])
    except IntegrityError:
        return None
    return alert


# --- the manager's mail: an allow-list projection --------------------------------------------------


@dataclass(frozen=True)
class ManagerAlertMail:
    """Everything the manager's mail may show. No diagnosis, no case notes, no dates of illness beyond the
    rule that was met; the template gets only this (sentinel contract test: roundtable/tests/
    test_contract_employer.py)."""

    manager_name: str
    employee_name: str
    employer_name: str
    rule: str
    team_phone: str
    team_email: str
    job_centre: str


def manager_mail_facts(alert: AbsenceAlert, *, who=None, employee_name: str | None = None,
                       employer_name: str | None = None) -> ManagerAlertMail:
    who = who or sender()
    return ManagerAlertMail(
        manager_name=alert.contact.name if alert.contact else "",
        employee_name=alert.employee.name if employee_name is None else employee_name,
        employer_name=alert.employer.name if employer_name is None else employer_name,
        rule=alert.rule_text, team_phone=who.phone, team_email=who.email, job_centre=who.name)


def _mails_enqueue(alerts: list[AbsenceAlert]) -> None:
    """The managers' mails, through the outbox (one insert; the dedup key is the alert: never twice)."""
    alerts = [alert for alert in alerts if alert.contact is not None and alert.contact.email]
    if not alerts:
        return
    who = sender()
    employees = dict(Employee.objects.filter(pk__in={a.employee_id for a in alerts}).values_list("pk", "name"))
    employers = dict(Employer.objects.filter(pk__in={a.employer_id for a in alerts}).values_list("pk", "name"))
    messages = []
    with override("da"):
        for alert in alerts:
            facts = manager_mail_facts(alert, who=who, employee_name=employees[alert.employee_id],
                                       employer_name=employers[alert.employer_id])
            subject = _("Time to act: %(name)s %(rule)s") % {"name": facts.employee_name, "rule": facts.rule}
            text = render_to_string("cases/absence/mail/manager_alert.txt", {"m": facts})
            messages.append(outbox_message(to=alert.contact.email, subject=subject, text=text,
                                           dedup_key=f"absence-alert:{alert.pk}:manager"))
    outbox_enqueue_many(messages)


# --- the consultant's decision ----------------------------------------------------------------------


def _lock_open(alert: AbsenceAlert) -> AbsenceAlert:
    locked = AbsenceAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.state != AbsenceAlert.State.OPEN:
        raise ValidationError(_("The alert has already been handled."))
    return locked


@transaction.atomic
def alert_open_case(*, alert: AbsenceAlert, actor, consultant=None) -> Case:
    """Open a case from the alert (source "fraværsadvis"): the sickness period's first day is the first
    absence day (so the week-8 and week-22 clocks derive from the spells), the spells are attached."""
    from .clocks import case_follow_spells, period_for_case, spells_of

    locked = _lock_open(alert)
    employee, employer = locked.employee, locked.employer
    contact = locked.contact
    settings = AbsenceSettings.current()
    spells = spells_of([employee.pk]).get(employee.pk, [])
    period = period_for_case(Case(first_contact_at=timezone.now()), [s for _pk, s in spells],
                             gap_days=settings.gap_days)
    case = case_open(
        actor=actor, employee=EmployeeData(cpr=employee.cpr, name=employee.name), team=locked.team,
        source=Case.Source.ABSENCE_ALERT, consultant=consultant or actor,
        first_absence_day=period.first_day if period else None,
        employer=EmployerData(cvr=employer.cvr, name=employer.name, p_number=employer.p_number),
        contact=ContactData(name=contact.name, role=contact.role, phone=contact.phone, email=contact.email)
        if contact else None,
    )
    case_follow_spells(case=case, spells=spells, actor=actor, gap_days=settings.gap_days)
    AbsenceSpell.objects.filter(pk__in=locked.spells.values("pk"), case__isnull=True).update(case=case)
    locked.state, locked.case = AbsenceAlert.State.CASE_OPENED, case
    locked.handled_at, locked.handled_by = timezone.now(), actor
    locked.save(update_fields=["state", "case", "handled_at", "handled_by"])
    with override("da"):
        event_record(case=case, actor=actor, kind="absence_alert_case",
                     summary=_("Opened from an absence alert: the employee %(rule)s.") % {"rule": locked.rule_text})
    case.refresh_from_db()
    return case


@transaction.atomic
def alert_close(*, alert: AbsenceAlert, actor, reason: str, note: str = "") -> AbsenceAlert:
    if reason not in AbsenceAlert.CloseReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    locked = _lock_open(alert)
    locked.state, locked.close_reason, locked.close_note = AbsenceAlert.State.CLOSED, reason, note.strip()
    locked.handled_at, locked.handled_by = timezone.now(), actor
    locked.save(update_fields=["state", "close_reason", "close_note", "handled_at", "handled_by"])
    return locked
