"""Lyngby-Taarbæk's week-6 screening: the information meeting's list at its edges, the consultant's
marks, start conversations booked in one go (consecutive working-day times, no employer, a case opened
from the sickness period, the first-meeting clock met when held), the three questions with the
employee's answers, and the reads logged per person."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.infomeeting import PURPOSE_SCREENING
from cases.infomeeting.selectors import monday_of, screening_rows
from cases.models import AbsenceSpell, AccessLog, Case, Deadline, DeadlinePolicy, Employee, OutboxMessage, ScreeningMark
from cases.tests.absence_factories import make_absence_world
from cases.tests.factories import make_case, make_team, make_user, next_cpr
from roundtable import services
from roundtable.models import Meeting, Participant, StartAnswer
from roundtable.screening_forms import week_value
from roundtable.services.screening import StartPlan, consecutive_starts, start_answers_save, start_conversations_book

pytestmark = pytest.mark.django_db
D = timedelta(days=1)
CPH = ZoneInfo("Europe/Copenhagen")


def _person(w, name: str, first: date, last: date | None = None) -> Employee:
    employee = Employee.objects.create(cpr=next_cpr(), name=name, email=f"{name.split()[0].lower()}@post.example")
    AbsenceSpell.objects.create(employee=employee, employer=w.employer, first_day=first, last_day=last, source=w.source)
    return employee


@pytest.fixture
def w():
    return make_absence_world()


@pytest.fixture
def monday():
    return monday_of(timezone.localdate())


def _mark(client, monday, employee, *, target=True, reasons=("stress",), note=""):
    row = next(r for r in screening_rows(monday) if r.employee == employee)
    prefix = f"m{row.key}"
    data = {"week": week_value(monday), "key": row.key, f"{prefix}-target": "target" if target else "not_target",
            f"{prefix}-reasons": list(reasons), f"{prefix}-note": note}
    return client.post(reverse("roundtable:screening_mark"), data)


# --- the list --------------------------------------------------------------------------------------


def test_the_list_holds_sick_weeks_5_to_7_on_the_chosen_monday(client, w, monday):
    week4 = _person(w, "Fie Fire", monday - 21 * D)
    week5 = _person(w, "Frank Fem", monday - 28 * D)
    week7 = _person(w, "Svend Syv", monday - 48 * D)
    week8 = _person(w, "Otto Otte", monday - 49 * D)
    ended = _person(w, "Else Endt", monday - 35 * D, last=monday - 3 * D)  # would be week 6, but back at work
    rows = {row.employee: row.week for row in screening_rows(monday)}
    assert rows == {week5: 5, week7: 7}
    assert week4 not in rows and week8 not in rows and ended not in rows
    # Any day of the week gives the week's list.
    assert {r.employee for r in screening_rows(monday + 3 * D)} == {week5, week7}

    client.force_login(w.consultant)
    page = client.get(reverse("roundtable:screening"), {"week": week_value(monday)}).content.decode()
    assert "Frank Fem" in page and "Svend Syv" in page and "Otto Otte" not in page and "Else Endt" not in page
    assert week5.cpr_masked in page and week5.cpr not in page
    assert "ingen åben sag" in page


def test_the_page_defaults_to_this_week_and_refuses_a_typed_non_week_in_danish(client, w, monday):
    _person(w, "Frank Fem", monday - 30 * D)
    client.force_login(w.consultant)
    page = client.get(reverse("roundtable:screening")).content.decode()
    assert "Frank Fem" in page and week_value(monday) in page
    response = client.get(reverse("roundtable:screening"), {"week": "uge seks"})
    assert response.status_code == 200
    assert "Skriv en uge som 2026-W48" in response.content.decode()
    assert "Frank Fem" in response.content.decode()  # this week instead


def test_each_person_shown_is_a_logged_read_in_constant_queries(client, w, monday, django_assert_max_num_queries):
    people = [_person(w, f"Person {i}", monday - (30 + i) * D) for i in range(3)]
    case = make_case(team=w.team, consultant=w.consultant, cpr=people[0].cpr, name=people[0].name)
    client.force_login(w.consultant)
    client.get(reverse("roundtable:screening"))  # warm caches (session, settings)
    before = AccessLog.objects.count()
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("roundtable:screening"))
    logs = list(AccessLog.objects.order_by("id")[before:])
    assert {log.employee for log in logs} == set(people) and len(logs) == 3
    assert all(log.purpose == PURPOSE_SCREENING and log.user == w.consultant for log in logs)
    assert next(log for log in logs if log.employee == people[0]).case == case
    for i in range(3, 9):
        _person(w, f"Person {i}", monday - (30 + i) * D)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("roundtable:screening"))


# --- marking ---------------------------------------------------------------------------------------


def test_marking_is_stored_and_can_be_changed(client, w, monday):
    frank = _person(w, "Frank Fem", monday - 30 * D)
    client.force_login(w.consultant)
    response = _mark(client, monday, frank, reasons=("stress", "work_related"), note="Travlt på lageret")
    assert response.status_code == 302
    mark = ScreeningMark.objects.get(employee=frank)
    assert mark.in_target_group and mark.reasons == ["work_related", "stress"] and mark.note == "Travlt på lageret"
    assert mark.period_first_day == monday - 30 * D and mark.marked_by == w.consultant
    page = client.get(response["Location"]).content.decode()
    assert "I målgruppen" in page and "arbejdsrelateret sygdom, stress" in page

    assert _mark(client, monday, frank, target=False, reasons=()).status_code == 302
    mark.refresh_from_db()
    assert not mark.in_target_group and mark.reasons == []
    assert ScreeningMark.objects.count() == 1


def test_a_refused_mark_keeps_what_was_typed_and_saves_nothing(client, w, monday):
    frank = _person(w, "Frank Fem", monday - 30 * D)
    client.force_login(w.consultant)
    response = _mark(client, monday, frank, reasons=(), note="Vil gerne tale om opgaverne")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vælg mindst én årsag" in page and "Vil gerne tale om opgaverne" in page
    assert not ScreeningMark.objects.exists()
    response = _mark(client, monday, frank, target=False, reasons=("anxiety",))
    assert response.status_code == 400 and not ScreeningMark.objects.exists()


# --- booking ---------------------------------------------------------------------------------------


def _working_day(day: date) -> bool:
    return day.weekday() < 5 and day != date(2026, 12, 25)


def test_times_follow_each_other_on_working_days():
    first = datetime(2026, 12, 24, 14, 0, tzinfo=CPH)  # a Thursday; the 25th is closed, then a weekend
    starts = consecutive_starts(first, 4, duration=timedelta(minutes=45), gap=timedelta(minutes=15),
                                day_end=time(16, 0), is_working_day=_working_day)
    assert [s.strftime("%a %d %H:%M") for s in starts] == [
        "Thu 24 14:00", "Thu 24 15:00", "Mon 28 14:00", "Mon 28 15:00"]
    saturday = datetime(2026, 12, 5, 9, 0, tzinfo=CPH)
    assert consecutive_starts(saturday, 1, duration=timedelta(minutes=60), gap=timedelta(0), day_end=time(16, 0),
                              is_working_day=_working_day)[0].strftime("%a %d %H:%M") == "Mon 07 09:00"


def _next_working_morning() -> datetime:
    day = timezone.localdate() + D
    while day.weekday() >= 5:
        day += D
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _book(client, monday, **extra):
    data = {"week": week_value(monday), "first_at": _next_working_morning().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45, "gap_minutes": 15, "day_end": "16:00", "place_kind": "job_centre",
            "place": "Jobcenter Lyngby, mødelokale 3", "online_link": "", **extra}
    return client.post(reverse("roundtable:screening_book"), data)


def test_start_conversations_are_booked_in_one_go(client, w, monday):
    frank = _person(w, "Frank Fem", monday - 30 * D)  # no case yet
    svend = _person(w, "Svend Syv", monday - 45 * D)
    existing = make_case(team=w.team, consultant=w.consultant, cpr=svend.cpr, name=svend.name)
    otto = _person(w, "Otto Outside", monday - 33 * D)
    client.force_login(w.consultant)
    _mark(client, monday, frank, reasons=("depression",))
    _mark(client, monday, svend, reasons=("work_related",))
    _mark(client, monday, otto, target=False, reasons=())

    response = _book(client, monday)
    assert response.status_code == 302
    meetings = list(Meeting.objects.filter(kind=Meeting.Kind.START).order_by("starts_at"))
    assert len(meetings) == 2
    first = _next_working_morning()
    assert [m.starts_at for m in meetings] == [first, first + timedelta(hours=1)]  # 45 min + 15 min gap
    assert {m.case.employee for m in meetings} == {frank, svend}
    for meeting in meetings:
        assert {p.role for p in meeting.participants.all()} == {Participant.Role.EMPLOYEE, Participant.Role.CONSULTANT}
        assert [a.question for a in meeting.start_answers.all()] == [
            "Hvilken situation kommer du fra?", "Hvor skal du hen?", "Hvad siger arbejdsgiver?"]
    # No mail to the employer's manager; the employee and the consultant are invited.
    recipients = {address for message in OutboxMessage.objects.all() for address in message.to}
    assert w.manager.email not in recipients
    assert {"frank@post.example", w.consultant.email} <= recipients
    # Frank's case was opened from the screening, with the period's first day: the clocks run from it.
    case = Case.objects.get(employee=frank)
    assert case.source == Case.Source.INFO_MEETING and case.first_absence_day == monday - 30 * D
    assert case.consultant == w.consultant and case.team == w.team
    assert case.deadlines.filter(kind=DeadlinePolicy.Kind.ORDINARY_FOLLOW_UP).exists()
    assert Meeting.objects.get(case=existing).kind == Meeting.Kind.START  # the open case was used
    assert not Meeting.objects.filter(case__employee=otto).exists()
    # Booking again books nobody twice.
    _book(client, monday)
    assert Meeting.objects.filter(kind=Meeting.Kind.START).count() == 2

    # Held, the start conversation meets the first-meeting clock.
    meeting = Meeting.objects.get(case=case)
    held_at = timezone.now().replace(microsecond=0)
    services.meeting_hold(meeting=meeting, actor=w.consultant, at=held_at)
    clock = case.deadlines.get(kind=DeadlinePolicy.Kind.FIRST_MEETING)
    assert clock.state == Deadline.State.MET and clock.met_at == held_at
    page = client.get(reverse("roundtable:screening"), {"week": week_value(monday)}).content.decode()
    assert reverse("roundtable:detail", args=[case.reference, meeting.pk]) in page


def test_who_cannot_be_booked_keeps_a_danish_reason_and_the_rest_are_booked(client, w, monday):
    frank = _person(w, "Frank Fem", monday - 30 * D)
    svend = _person(w, "Svend Syv", monday - 45 * D)
    other = make_team("Team Syd")
    make_case(team=other, consultant=make_user(team=other), cpr=svend.cpr, name=svend.name)
    client.force_login(w.consultant)
    _mark(client, monday, frank)
    _mark(client, monday, svend)
    response = _book(client, monday)
    assert Meeting.objects.filter(kind=Meeting.Kind.START, case__employee=frank).exists()
    assert not Meeting.objects.filter(case__employee=svend).exists()
    mark = ScreeningMark.objects.get(employee=svend)
    assert "åben sag i et andet team" in mark.booking_problem
    page = client.get(response["Location"]).content.decode()
    assert "Ikke booket" in page and "åben sag i et andet team" in page


def test_a_time_after_the_first_meeting_deadline_needs_the_confirmation(w, monday):
    frank = _person(w, "Frank Fem", monday - 30 * D)
    ScreeningMark.objects.create(employee=frank, employer=w.employer, period_first_day=monday - 30 * D,
                                 in_target_group=True, reasons=["stress"], marked_by=w.consultant,
                                 marked_at=timezone.now())
    late = StartPlan(first_at=_next_working_morning() + 20 * D, place_kind=Meeting.PlaceKind.JOB_CENTRE)
    result = start_conversations_book(monday=monday, actor=w.consultant, plan=late)
    assert not result.booked and len(result.not_booked) == 1
    assert "fristen" in ScreeningMark.objects.get().booking_problem
    assert not Case.objects.filter(employee=frank).exists()  # the case opening was rolled back with it
    result = start_conversations_book(monday=monday, actor=w.consultant, plan=late, accept_late=True)
    assert len(result.booked) == 1 and ScreeningMark.objects.get().booking_problem == ""


def test_a_refused_booking_form_loses_nothing(client, w, monday):
    frank = _person(w, "Frank Fem", monday - 30 * D)
    client.force_login(w.consultant)
    _mark(client, monday, frank)
    response = _book(client, monday, first_at="2020-01-06T09:00", place="Mødelokale 7")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mødet kan ikke lægges i fortiden" in page and "Mødelokale 7" in page
    assert not Meeting.objects.exists() and ScreeningMark.objects.get().in_target_group
    response = _book(client, monday, first_at=_next_working_morning().replace(hour=15, minute=45).strftime(
        "%Y-%m-%dT%H:%M"))
    assert response.status_code == 400 and "dagens sidste tidspunkt" in response.content.decode()


# --- the three questions -------------------------------------------------------------------------


def test_the_meeting_page_shows_the_three_questions_and_keeps_the_answers(client, w, monday):
    frank = _person(w, "Frank Fem", monday - 30 * D)
    client.force_login(w.consultant)
    _mark(client, monday, frank)
    _book(client, monday)
    meeting = Meeting.objects.get(kind=Meeting.Kind.START)
    url = reverse("roundtable:detail", args=[meeting.case.reference, meeting.pk])
    page = client.get(url).content.decode()
    assert "Hvilken situation kommer du fra?" in page and "Hvad siger arbejdsgiver?" in page
    response = client.post(reverse("roundtable:start_answers", args=[meeting.case.reference, meeting.pk]),
                           {"q1": "Har været sygemeldt med stress", "q2": "Tilbage på nedsat tid", "q3": ""})
    assert response.status_code == 302
    assert list(StartAnswer.objects.filter(meeting=meeting).values_list("answer", flat=True)) == [
        "Har været sygemeldt med stress", "Tilbage på nedsat tid", ""]
    assert "Har været sygemeldt med stress" in client.get(url).content.decode()
    # The timeline says that answers were recorded, never what they are.
    assert not meeting.case.events.filter(summary__contains="stress").exists()
    too_long = client.post(reverse("roundtable:start_answers", args=[meeting.case.reference, meeting.pk]),
                           {"q1": "x" * 4001, "q2": "Beholdes"})
    assert too_long.status_code == 400 and "Beholdes" in too_long.content.decode()


def test_the_demo_shows_a_screening_week(settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("seed_demo")
    rows = screening_rows(monday_of(timezone.localdate()))
    assert len(rows) >= 6
    assert sum(1 for r in rows if r.mark is None) >= 1 and sum(1 for r in rows if r.in_target_group) == 3
    starts = Meeting.objects.filter(kind=Meeting.Kind.START, case__source=Case.Source.INFO_MEETING)
    assert starts.count() == 3 and all(m.start_answers.count() == 3 for m in starts)
    assert any(r.case is not None and r.mark is None for r in rows)  # a demo case on the list, linked


def test_retention_empties_the_marks_and_the_answers(client, w, monday):
    from cases import services as case_services
    from cases.retention import RetentionPeriods, case_anonymise, retention_run

    frank = _person(w, "Frank Fem", monday - 30 * D)
    otto = _person(w, "Otto Outside", monday - 33 * D)
    client.force_login(w.consultant)
    _mark(client, monday, frank, reasons=("stress",), note="Travlt")
    _mark(client, monday, otto, target=False, reasons=(), note="Brækket arm")
    _book(client, monday)
    meeting = Meeting.objects.get(kind=Meeting.Kind.START)
    start_answers_save(meeting=meeting, actor=w.consultant, answers={1: "Stress på jobbet"})
    mark = ScreeningMark.objects.get(employee=frank)
    assert mark.case == meeting.case
    case = case_services.case_close(case=meeting.case, actor=w.consultant, outcome=Case.Outcome.RETAINED,
                                    closed_on=timezone.localdate())
    assert case_anonymise(case=case)
    mark.refresh_from_db()
    assert mark.reasons == [] and mark.note == ""
    assert set(StartAnswer.objects.values_list("answer", flat=True)) == {""}
    # Otto's mark led to no case: deleted once older than the closed-case period.
    periods = RetentionPeriods(closed_case_days=30, rejected_referral_days=30, sent_mail_days=30)
    retention_run(now=timezone.now() + timedelta(days=31), periods=periods)
    assert not ScreeningMark.objects.filter(employee=otto).exists()
    assert ScreeningMark.objects.filter(employee=frank).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_bookings_at_once_book_each_person_once():
    """A double click on "Book": the second request waits on each mark's row and finds the first's meeting."""
    from django.db import connection

    from cases.tests.concurrency import race

    assert connection.vendor == "postgresql"
    w = make_absence_world()
    monday = monday_of(timezone.localdate())
    frank = _person(w, "Frank Fem", monday - 30 * D)  # no case: one is opened
    svend = _person(w, "Svend Syv", monday - 45 * D)
    make_case(team=w.team, consultant=w.consultant, cpr=svend.cpr, name=svend.name)
    for row in screening_rows(monday):
        ScreeningMark.objects.create(employee=row.employee, employer=row.employer, period_first_day=row.first_day,
                                     in_target_group=True, reasons=["stress"], marked_by=w.consultant,
                                     marked_at=timezone.now(), case=row.case)
    plan = StartPlan(first_at=_next_working_morning(), place_kind=Meeting.PlaceKind.JOB_CENTRE)
    first, second = race(lambda: start_conversations_book(monday=monday, actor=w.consultant, plan=plan),
                         lambda: start_conversations_book(monday=monday, actor=w.consultant, plan=plan))
    assert len(first.booked) + len(second.booked) == 2
    assert Meeting.objects.filter(kind=Meeting.Kind.START).count() == 2
    assert Case.objects.filter(employee=frank).count() == 1


def test_the_employer_never_sees_the_start_conversation(w, monday):
    """Whether a start conversation takes place says the person is in a target group defined by health:
    the employer's view of the case's meetings (the fast-track status page) leaves it out."""
    from cases.ports import meetings as meetings_port
    from roundtable.tests.factories import make_meeting

    case = make_case(team=w.team, consultant=w.consultant)
    roundtable = make_meeting(case=case, actor=w.consultant, starts_in=3 * D, accept_late=True)
    make_meeting(case=case, actor=w.consultant, kind=Meeting.Kind.START, starts_in=D)
    shown = meetings_port.provider().employer_meetings(case, employer_names=[]).meetings
    assert [m.starts_at for m in shown] == [roundtable.starts_at]
