"""Lyngby-Taarbæk's start conversations, booked in one go for the people marked at the week-6 screening,
and the three questions on each of them.

Times follow each other on working days from a chosen first time (duration plus a gap); a meeting that
would end after the day's last time moves to the next working day at the first time's clock time. The
participants are the employee and the consultant only: no employer. A person without an open case gets
one (source "informationsmøde", first absence day = the sickness period's first day). Whoever cannot be
booked keeps the Danish reason on the screening list; the others are booked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.deadlines import work_calendar
from cases.infomeeting.selectors import ScreeningRow, screening_rows
from cases.infomeeting.services import case_open_for_screening, mark_booking_problem
from cases.models import ScreeningMark
from cases.selectors import cases_visible_to
from cases.services import event_record

from ..models import Meeting, Participant, StartAnswer, StartQuestion
from .scheduling import ParticipantData, SlotData, meeting_schedule

# --- times (pure) --------------------------------------------------------------------------------


def fit_start(candidate: datetime, *, day_start: time, duration: timedelta, day_end: time,
              is_working_day: Callable[[date], bool]) -> datetime:
    """`candidate` (local, aware) if it is on a working day and the meeting ends by `day_end`; else the
    next working day at `day_start`."""
    tz = candidate.tzinfo
    day = candidate.date()
    if is_working_day(day) and candidate.replace(tzinfo=None) + duration <= datetime.combine(day, day_end):
        return candidate
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, day_start), tz)


def consecutive_starts(first: datetime, count: int, *, duration: timedelta, gap: timedelta, day_end: time,
                       is_working_day: Callable[[date], bool]) -> list[datetime]:
    """`count` start times from `first` (local, aware): each the previous plus duration plus gap, on
    working days and within the day. Pure: the tests give it the calendar."""
    day_start = first.time()
    starts: list[datetime] = []
    at = fit_start(first, day_start=day_start, duration=duration, day_end=day_end, is_working_day=is_working_day)
    for _i in range(count):
        starts.append(at)
        at = fit_start(at + duration + gap, day_start=day_start, duration=duration, day_end=day_end,
                       is_working_day=is_working_day)
    return starts


# --- booking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartPlan:
    first_at: datetime
    duration_minutes: int = 45
    gap_minutes: int = 15
    day_end: time = time(16, 0)
    place_kind: str = Meeting.PlaceKind.JOB_CENTRE
    place: str = ""
    online_link: str = ""


@dataclass
class BookingResult:
    booked: list[tuple[ScreeningRow, Meeting]] = field(default_factory=list)
    not_booked: list[tuple[ScreeningRow, str]] = field(default_factory=list)
    already: int = 0  # marked people who already have a start conversation


def start_meetings_of(case_ids) -> dict[int, Meeting]:
    """Each case's latest start conversation that is not cancelled (one query)."""
    found: dict[int, Meeting] = {}
    for meeting in (Meeting.objects.filter(case_id__in=list(case_ids), kind=Meeting.Kind.START)
                    .exclude(state=Meeting.State.CANCELLED).order_by("starts_at")):
        found[meeting.case_id] = meeting
    return found


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _participants(row: ScreeningRow, actor) -> list[ParticipantData]:
    return [
        ParticipantData(role=Participant.Role.EMPLOYEE, name=row.employee.name, email=row.employee.email),
        ParticipantData(role=Participant.Role.CONSULTANT, name=actor.get_full_name() or actor.get_username(),
                        email=actor.email or ""),
    ]


def start_conversations_book(*, monday: date, actor, plan: StartPlan, accept_late: bool = False) -> BookingResult:
    """Book a start conversation for everyone marked "in the target group" on the week's list who has
    none yet. Each person in their own transaction: one refusal (a case in another team, a time after a
    deadline without `accept_late`) keeps that person's reason and books the rest; the times of the
    booked stay consecutive."""
    rows = [row for row in screening_rows(monday) if row.in_target_group]
    existing = start_meetings_of(row.case.pk for row in rows if row.case)
    visible = set(cases_visible_to(actor).filter(pk__in=[row.case.pk for row in rows if row.case])
                  .values_list("pk", flat=True))
    duration, gap = timedelta(minutes=plan.duration_minutes), timedelta(minutes=plan.gap_minutes)
    first = timezone.localtime(plan.first_at)
    calendar = work_calendar(years=range(first.year, first.year + 2))
    at = fit_start(first, day_start=first.time(), duration=duration, day_end=plan.day_end,
                   is_working_day=calendar.is_working_day)
    result = BookingResult()
    for row in rows:
        if row.case and row.case.pk in existing:
            result.already += 1
            continue
        try:
            if row.case and row.case.pk not in visible:
                raise ValidationError(_("The person has an open case in another team (%(ref)s): its consultant "
                                        "books the start conversation.") % {"ref": row.case.reference})
            with transaction.atomic():
                # A double click: the second request waits for the first on the mark's row, then finds
                # the start conversation the first one booked.
                locked = ScreeningMark.objects.select_for_update().get(pk=row.mark.pk)
                if locked.case_id and start_meetings_of([locked.case_id]):
                    result.already += 1
                    continue
                case = row.case or case_open_for_screening(row=row, actor=actor)
                meeting = meeting_schedule(
                    case=case, actor=actor, kind=Meeting.Kind.START, participants=_participants(row, actor),
                    slot=SlotData(starts_at=at, duration_minutes=plan.duration_minutes, place_kind=plan.place_kind,
                                  place=plan.place, online_link=plan.online_link),
                    accept_late=accept_late)
                start_questions_attach(meeting)
                mark_booking_problem(mark=row.mark, problem="", case=case)
        except ValidationError as error:
            mark_booking_problem(mark=row.mark, problem=_message(error))
            result.not_booked.append((row, row.mark.booking_problem))
            continue
        result.booked.append((row, meeting))
        at = fit_start(at + duration + gap, day_start=first.time(), duration=duration, day_end=plan.day_end,
                       is_working_day=calendar.is_working_day)
    return result


# --- the three questions -------------------------------------------------------------------------


def start_questions_attach(meeting: Meeting) -> list[StartAnswer]:
    """Put the active questions, as worded today, on a start conversation (once)."""
    answers = list(meeting.start_answers.all())
    if answers or meeting.kind != Meeting.Kind.START:
        return answers
    return StartAnswer.objects.bulk_create([
        StartAnswer(meeting=meeting, position=q.position, question=q.text, guidance=q.guidance)
        for q in StartQuestion.objects.filter(active=True).order_by("position")])


def start_questions_of(meeting: Meeting) -> list[StartAnswer]:
    """The meeting's questions with their answers; for a start conversation booked without them (on the
    ordinary booking form), today's questions, unsaved."""
    answers = list(meeting.start_answers.all())
    if answers or meeting.kind != Meeting.Kind.START:
        return answers
    return [StartAnswer(meeting=meeting, position=q.position, question=q.text, guidance=q.guidance)
            for q in StartQuestion.objects.filter(active=True).order_by("position")]


ANSWER_MAX = 4000


@transaction.atomic
def start_answers_save(*, meeting: Meeting, actor, answers: dict[int, str]) -> list[StartAnswer]:
    """The consultant records the employee's answers (by question position). The timeline says that
    they were recorded, never what they are."""
    from . import _require_editable

    meeting = _require_editable(meeting)
    if meeting.kind != Meeting.Kind.START:
        raise ValidationError(_("Only a start conversation has the three questions."))
    start_questions_attach(meeting)
    rows = list(StartAnswer.objects.filter(meeting=meeting).order_by("position"))
    for row in rows:
        text = (answers.get(row.position) or "").strip()
        if len(text) > ANSWER_MAX:
            raise ValidationError(ngettext("An answer can be at most %(n)d character.",
                                           "An answer can be at most %(n)d characters.", ANSWER_MAX) % {"n": ANSWER_MAX})
        if text != row.answer:
            row.answer = text
            row.save(update_fields=["answer", "updated_at"])
    event_record(case=meeting.case, actor=actor, kind="start_answers",
                 summary=_("Start conversation: the employee's answers to the three questions recorded."))
    return rows
