"""Aftercare (Come-back's "efterværn") and relapse.

When a case closes as retained in the job, check-ins can be planned (by default 2, 6 and 12 weeks after
the closing). Each check-in is a clock of the deadline engine (kind "aftercare_check_in", own date), so
the sweep warns and breaches it even though the case is closed; a short check-in note in the journal
meets it.

A relapse opens a NEW case linked to the earlier course (Case.relapse_of), rather than reopening the
closed one: the earlier course keeps its outcome and closing date (Hedensted's "retained" count stays
true to what happened), the results can count relapses within 6 and 12 months of the closing, and the
new course starts its own clocks (first meeting within 48 hours). Both timelines record the link, and
the earlier course's remaining check-ins are cancelled.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import deadlines
from .audit import event_record
from .models import Case, Deadline, DeadlinePolicy, JournalEntry

KIND = DeadlinePolicy.Kind.AFTERCARE_CHECK_IN
AFTERCARE_WEEKS = (2, 6, 12)
MAX_WEEKS = 104
# A check-in "in week 6" is due at the end of that working day, as a follow-up task is.
DUE_TIME = time(16, 0)


# --- pure date arithmetic ------------------------------------------------------------------------


def aftercare_due_dates(closed_on: date, weeks: Iterable[int]) -> list[date]:
    """The check-in days: the closing date plus each number of weeks, earliest first, no repeats."""
    return [closed_on + timedelta(weeks=n) for n in sorted(set(weeks))]


def parse_weeks(text: str) -> tuple[int, ...]:
    """'2, 6, 12' -> (2, 6, 12). A Danish message for anything else."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise ValidationError(_("Write at least one number of weeks, e.g. 2, 6, 12."))
    weeks = []
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= MAX_WEEKS:
            raise ValidationError(_("“%(value)s” is not a number of weeks between 1 and %(max)s.") % {
                "value": part[:20], "max": MAX_WEEKS})
        weeks.append(int(part))
    return tuple(sorted(set(weeks)))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- aftercare -----------------------------------------------------------------------------------


def check_in_title(weeks: int) -> str:
    return ngettext("Aftercare check-in %(n)s week after closing", "Aftercare check-in %(n)s weeks after closing",
                    weeks) % {"n": weeks}


def aftercare_clocks(case: Case):
    return case.deadlines.filter(kind=KIND).order_by("due_at", "pk")


@transaction.atomic
def aftercare_plan(*, case: Case, actor, weeks: Iterable[int] = AFTERCARE_WEEKS) -> list[Deadline]:
    """Plan the check-ins of a case closed as retained. Refused on an open case, on another outcome, and
    when check-ins are already running (a double submit plans nothing twice)."""
    case.refresh_from_db(from_queryset=Case.objects.select_for_update(of=("self",)))
    if case.is_open:
        raise ValidationError(_("Aftercare is planned when the case is closed."))
    if case.outcome not in Case.RETAINED_OUTCOMES:
        raise ValidationError(_("Aftercare is for a case closed as retained in the job."))
    if case.deadlines.unfinished().filter(kind=KIND).exists():
        raise ValidationError(_("Aftercare check-ins are already planned for this case."))
    weeks = sorted(set(weeks))
    start = deadlines.start_of_day(case.closed_on)
    planned = []
    for n, day in zip(weeks, aftercare_due_dates(case.closed_on, weeks), strict=True):
        due_at = timezone.make_aware(datetime.combine(day, DUE_TIME))
        clock = deadlines.deadline_open(case=case, kind=KIND, start=min(start, due_at), actor=actor,
                                        title=check_in_title(n), due_at=due_at)
        if clock is None:
            raise ValidationError(_("Aftercare check-ins are switched off by the administrator."))
        planned.append(clock)
    event_record(case=case, actor=actor, kind="aftercare_planned", summary=_("Aftercare planned: check-ins %(days)s.") % {
        "days": ", ".join(timezone.localtime(d.due_at).strftime("%d/%m/%Y") for d in planned)})
    return planned


@transaction.atomic
def aftercare_check_in(*, deadline: Deadline, actor, text: str, at: datetime | None = None) -> JournalEntry:
    """Record a check-in as a short journal note; it meets the check-in's clock at `at`."""
    if deadline.kind != KIND:
        raise ValidationError(_("Only an aftercare check-in can be recorded here."))
    if not text.strip():
        raise ValidationError({"text": _("Write a short note about the check-in.")})
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    row = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not row.is_unfinished:
        raise ValidationError(_("This check-in is already recorded or cancelled."))
    entry = JournalEntry.objects.create(case=row.case, kind=JournalEntry.Kind.AFTERCARE, text=text.strip(),
                                        author=actor, occurred_at=at)
    event_record(case=row.case, actor=actor, kind="aftercare_check_in",
                 summary=_("Aftercare check-in recorded: %(title)s.") % {"title": row.display_title})
    deadlines.deadline_meet_one(deadline=row, at=at, actor=actor, by=_("check-in note"))
    return entry


def aftercare_cancel(*, case: Case, actor, reason: str) -> None:
    for clock in case.deadlines.unfinished().filter(kind=KIND):
        deadlines.deadline_cancel(deadline=clock, actor=actor, reason=reason)


# --- relapse -------------------------------------------------------------------------------------


@transaction.atomic
def relapse_open(*, case: Case, actor, reason: str, first_absence_day: date | None = None) -> Case:
    """A relapse after a retained closing: a new case for the same person, employer and team, linked to
    the earlier course, with its own first-meeting clock. The earlier course's check-ins are cancelled."""
    if not reason.strip():
        raise ValidationError({"reason": _("Describe the relapse in a few words.")})
    if first_absence_day and first_absence_day > timezone.localdate():
        raise ValidationError({"first_absence_day": _("The first absence day cannot be in the future.")})
    earlier = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if earlier.is_open:
        raise ValidationError(_("The case is open: a relapse is registered on a closed case."))
    if earlier.outcome not in Case.RETAINED_OUTCOMES:
        raise ValidationError(_("A relapse follows a case closed as retained in the job. Reopen the case instead."))
    if first_absence_day and earlier.closed_on and first_absence_day < earlier.closed_on:
        raise ValidationError({"first_absence_day": _("The first absence day of a relapse lies after the closing.")})
    existing = Case.objects.filter(employee=earlier.employee, status=Case.Status.OPEN).first()
    if existing is not None:
        if existing.relapse_of_id == earlier.pk:
            return existing  # a double submit
        raise ValidationError(_("This person already has an open case (%(ref)s).") % {"ref": existing.reference})
    now = timezone.now()
    new = Case(
        reference="T-" + timezone.now().strftime("%f") + str(earlier.pk), employee=earlier.employee,
        employer=earlier.employer, employer_contact=earlier.employer_contact, team=earlier.team,
        consultant=earlier.consultant, source=earlier.source, first_contact_at=now,
        first_absence_day=first_absence_day, last_activity_at=now, relapse_of=earlier,
    )
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:
        raise ValidationError(_("This person already has an open case. Use that case instead.")) from None
    new.reference = f"FH-{timezone.localdate(now).year}-{new.pk:05d}"
    Case.objects.filter(pk=new.pk).update(reference=new.reference)
    event_record(case=new, actor=actor, kind="case_opened", at=now, summary=_(
        "Case opened after a relapse. Earlier course: %(ref)s, closed %(closed)s. %(reason)s") % {
        "ref": earlier.reference, "closed": earlier.closed_on.strftime("%d/%m/%Y"), "reason": reason.strip()})
    event_record(case=earlier, actor=actor, kind="relapse", at=now, summary=_(
        "Relapse: a new course was opened (%(ref)s). %(reason)s") % {"ref": new.reference, "reason": reason.strip()})
    aftercare_cancel(case=earlier, actor=actor, reason=_("relapse: new course %(ref)s") % {"ref": new.reference})
    deadlines.deadlines_on_case_open(case=new, actor=actor)
    return new
