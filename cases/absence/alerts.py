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
    Team,
)
from ..notifications import outbox_enqueue
from ..services import ContactData, EmployeeData, EmployerData, case_open
from .periods import Spell
from .rules import rule_hits


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
    for start in range(0, len(ids), 500):
        raised += _evaluate_chunk(ids[start:start + 500], rules=rules, settings=settings, team=team, today=today,
                                  oldest=oldest)
    return raised


def _evaluate_chunk(ids, *, rules, settings, team, today, oldest) -> list[AbsenceAlert]:
    rows = AbsenceSpell.objects.filter(employee_id__in=ids).values_list(
        "pk", "employee_id", "employer_id", "first_day", "last_day", "source__team_id", "updated_at")
    spells: dict[int, list] = defaultdict(list)
    for pk, employee, employer, first, last, source_team, updated in rows:
        spells[employee].append((pk, employer, Spell(first, last), source_team, updated))
    existing = set(AbsenceAlert.objects.filter(employee_id__in=ids).values_list("rule_id", "employee_id", "key_day"))
    raised = []
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
                alert = _raise(rule=rule, employee_id=employee, employer_id=latest[1], team_id=alert_team, hit=hit,
                               spell_ids=[item[0] for item in involved])
                if alert is not None:
                    raised.append(alert)
    return raised


def _raise(*, rule, employee_id, employer_id, team_id, hit, spell_ids) -> AbsenceAlert | None:
    contact = (ContactPerson.objects.filter(employer_id=employer_id).exclude(email="").order_by("name", "pk").first())
    try:
        with transaction.atomic():
            alert = AbsenceAlert.objects.create(
                rule=rule, employee_id=employee_id, employer_id=employer_id, contact=contact, team_id=team_id,
                key_day=hit.key, triggered_on=hit.triggered_on, raised_at=timezone.now(),
                rule_text=rule_sentence(rule)[:200])
            alert.spells.set(spell_ids)
            alert_mail_enqueue(alert)
    except IntegrityError:  # a concurrent evaluation raised it first
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


def manager_mail_facts(alert: AbsenceAlert) -> ManagerAlertMail:
    who = sender()
    return ManagerAlertMail(
        manager_name=alert.contact.name if alert.contact else "", employee_name=alert.employee.name,
        employer_name=alert.employer.name, rule=alert.rule_text, team_phone=who.phone, team_email=who.email,
        job_centre=who.name)


def alert_mail_enqueue(alert: AbsenceAlert) -> None:
    if alert.contact is None or not alert.contact.email:
        return
    facts = manager_mail_facts(alert)
    with override("da"):
        subject = _("Time to act: %(name)s %(rule)s") % {"name": facts.employee_name, "rule": facts.rule}
        text = render_to_string("cases/absence/mail/manager_alert.txt", {"m": facts})
    outbox_enqueue(to=alert.contact.email, subject=subject, text=text, dedup_key=f"absence-alert:{alert.pk}:manager")


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
