"""Varde: employers book the roundtable themselves. Slots, links, booking, the first-meeting clock,
cancel and move within the notice, no double booking (SQLite: sequential; PostgreSQL: two threads at
once and the exclusion constraint itself), and no health text on the employer's page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import work_calendar
from cases.duetime import DEFAULT_EXTRA_CLOSED_DAYS, danish_calendar
from cases.models import Case, ClosedDay, Deadline, DeadlinePolicy, Notification, OutboxMessage
from cases.tests.concurrency import race
from cases.tests.factories import make_case, next_cpr
from roundtable import services as meetings
from roundtable.models import AvailabilityException, CalendarHold, Meeting
from roundtable.selfbooking import services
from roundtable.selfbooking.slots import Extra, Pattern, free_slots
from roundtable.tests.factories import SENTINEL_HEALTH, make_meeting
from roundtable.tests.selfbooking_factories import details, school_with_link

# --- the pure slot arithmetic ----------------------------------------------------------------------


def test_slots_follow_the_pattern_and_skip_closed_days_days_off_and_busy_times():
    # Weekends, public holidays and the default extra closed days (24 and 31 December).
    calendar = danish_calendar(years=[2026, 2027], extra_closed=DEFAULT_EXTRA_CLOSED_DAYS(2026))
    closed = lambda day: calendar.closed_reason(day) is not None  # noqa: E731
    earliest = datetime(2026, 12, 21, 0, 0, tzinfo=UTC)  # Monday 21 December 2026
    latest = earliest + timedelta(days=14)
    busy = [(datetime(2026, 12, 22, 8, 0, tzinfo=UTC), datetime(2026, 12, 22, 9, 30, tzinfo=UTC))]  # 9:00-10:30 local
    slots = free_slots(
        consultant_id=7, patterns=[Pattern(weekday, time(9, 0), time(12, 0), 60) for weekday in range(7)],
        extras=[Extra(date(2026, 12, 23), time(14, 0), 45), Extra(date(2026, 12, 25), time(10, 0), 60)],
        days_off={date(2026, 12, 28)}, closed=closed, busy=busy, earliest=earliest, latest=latest)
    days = {timezone.localtime(slot.starts_at).date() for slot in slots}
    # Christmas Eve, Christmas Day, the second day of Christmas, New Year's Eve and Day, weekends: closed.
    for closed_day in (date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27),
                       date(2026, 12, 31), date(2027, 1, 1)):
        assert closed_day not in days
    assert date(2026, 12, 28) not in days  # the consultant's day off
    tuesday = sorted(timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots
                     if timezone.localtime(s.starts_at).date() == date(2026, 12, 22))
    assert tuesday == ["11:00"]  # 9:00 and 10:00 overlap the busy 9:00-10:30
    wednesday = [s for s in slots if timezone.localtime(s.starts_at).date() == date(2026, 12, 23)]
    assert [(timezone.localtime(s.starts_at).strftime("%H:%M"), s.minutes) for s in wednesday] == [
        ("09:00", 60), ("10:00", 60), ("11:00", 60), ("14:00", 45)]


@pytest.mark.django_db
def test_an_admin_closed_day_is_never_offered_and_an_extra_slot_on_it_is_refused():
    _team, consultant, _school, _link = school_with_link()
    day = timezone.localdate() + timedelta(days=3)
    calendar = work_calendar(years=[day.year])
    while calendar.closed_reason(day) is not None:
        day += timedelta(days=1)
    ClosedDay.objects.create(date=day, name="Personaledag")
    offered = {timezone.localtime(slot.starts_at).date() for slot in services.free_slots_of([consultant.pk])}
    assert day not in offered and offered
    assert all(work_calendar(years=[d.year]).closed_reason(d) is None for d in offered)
    with pytest.raises(ValidationError):
        services.exception_add(consultant=consultant, kind=AvailabilityException.Kind.EXTRA, date=day,
                               start_time=time(10, 0))


@pytest.mark.django_db
def test_the_consultants_own_meetings_block_slots():
    team, consultant, _school, _link = school_with_link()
    first = services.free_slots_of([consultant.pk])[0]
    case = make_case(team=team, consultant=consultant)
    make_meeting(case=case, actor=consultant, starts_in=first.starts_at - timezone.now(), accept_late=True)
    assert first.key not in {slot.key for slot in services.free_slots_of([consultant.pk])}


# --- links ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_link_carries_no_cpr_and_opens_until_revoked_or_expired(client):
    _team, _consultant, _school, link = school_with_link()
    url = services.link_url(link)
    assert "Lone" not in url and "29189978" not in url
    path = url.removeprefix("http://testserver").split("//", 1)[-1]
    path = path[path.index("/book/"):]
    assert client.get(path).status_code == 200
    services.link_revoke(link=link)
    response = client.get(path)
    assert response.status_code == 410
    assert "lukket af jobcentret" in response.content.decode() and "Kontakt jobcentret" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_link_shows_a_clear_page_and_books_nothing(client):
    _team, _consultant, _school, link = school_with_link()
    token = services.link_token(link)
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    url = reverse("roundtable:booking", args=[token])
    assert "Linket er udløbet" in client.get(url).content.decode()
    slot = services.free_slots_of(services_ids(link))[0]
    response = client.post(url, {"slot": slot.key, "employee_name": "Søren", "employee_phone": "2030"})
    assert response.status_code == 410 and not CalendarHold.objects.exists()
    assert client.get(reverse("roundtable:booking", args=["forged"])).status_code == 404


def services_ids(link):
    return [user.pk for user in services.consultants_for(link.employer)]


# --- booking -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_booking_with_cpr_opens_the_case_books_the_roundtable_and_meets_the_first_meeting_clock():
    _team, consultant, school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[0]
    hold = services.booking_create(link=link, slot_key=slot.key, employee=details(cpr=next_cpr()))
    meeting = hold.meeting
    case = meeting.case
    assert case.source == Case.Source.EMPLOYER_CONTACT and case.employer == school and case.consultant == consultant
    assert meeting.kind == Meeting.Kind.ROUNDTABLE and meeting.starts_at == slot.starts_at
    assert meeting.organiser == consultant and meeting.place == school.address
    assert {p.role for p in meeting.participants.all()} == {"employee", "employer", "consultant"}
    clock = case.deadlines.get(kind=DeadlinePolicy.Kind.FIRST_MEETING)
    assert clock.state == Deadline.State.OPEN and meeting.starts_at <= clock.due_at
    assert meetings.clocks_missed(case=case, meeting_kind=meeting.kind, starts_at=meeting.starts_at) == []
    with time_machine.travel(meeting.ends_at, tick=False):
        meetings.meeting_hold(meeting=meeting, actor=consultant, at=meeting.starts_at)
    clock.refresh_from_db()
    assert clock.state == Deadline.State.MET
    assert Notification.objects.filter(recipient=consultant, kind="selfbooking_new").exists()
    assert case.events.filter(kind="meeting_self_booked").exists()


@pytest.mark.django_db
def test_a_booking_without_cpr_holds_the_time_until_the_consultant_adds_it():
    _team, consultant, _school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[0]
    hold = services.booking_create(link=link, slot_key=slot.key, employee=details())
    assert hold.awaits_identification and not Meeting.objects.exists()
    receipt = OutboxMessage.objects.get(dedup_key=f"selfbooking:{hold.pk}:reserved")
    assert receipt.to == ["lone@skolen.example"] and "Søren Østergård" in receipt.text
    assert "er reserveret" in receipt.text and services.link_url(link).split("/book/")[0] + "/book/" in receipt.text
    assert slot.key not in {s.key for s in services.free_slots_of([consultant.pk])}
    case = services.hold_identify(hold=hold, actor=consultant, cpr=next_cpr())
    hold.refresh_from_db()
    assert hold.meeting.case == case and case.first_contact_at == hold.created_at


@pytest.mark.django_db
def test_on_sqlite_or_postgres_a_second_booking_of_a_taken_slot_is_refused_with_danish_text():
    _team, consultant, _school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[0]
    services.booking_create(link=link, slot_key=slot.key, employee=details())
    with pytest.raises(ValidationError) as refused:
        services.booking_create(link=link, slot_key=slot.key, employee=details("Anna Holm"))
    assert refused.value.error_dict["slot"][0].code == services.SLOT_TAKEN
    assert CalendarHold.objects.filter(cancelled_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_loser_sees_a_danish_message_the_free_slots_and_keeps_what_they_typed(client):
    _team, consultant, _school, link = school_with_link()
    url = reverse("roundtable:booking", args=[services.link_token(link)])
    slot = services.free_slots_of([consultant.pk])[0]
    services.booking_create(link=link, slot_key=slot.key, employee=details())
    response = client.post(url, {"slot": slot.key, "employee_name": "Anna Holm", "employee_phone": "22 33 44 55"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "nogen andre har lige booket den tid" in page
    assert 'value="Anna Holm"' in page and 'value="22 33 44 55"' in page
    following = services.free_slots_of([consultant.pk])[0]
    assert f'value="{following.key}"' in page and f'value="{slot.key}"' not in page


@pytest.mark.django_db
def test_cancel_and_move_through_the_link_until_the_notice(client):
    _team, consultant, _school, link = school_with_link()
    slots = [s for s in services.free_slots_of([consultant.pk]) if s.starts_at > timezone.now() + timedelta(days=2)]
    hold = services.booking_create(link=link, slot_key=slots[0].key, employee=details(cpr=next_cpr()))
    token = services.link_token(link)
    response = client.post(reverse("roundtable:booking_move", args=[token, hold.pk]), {"slot": slots[3].key})
    assert response.status_code == 302
    hold.refresh_from_db()
    hold.meeting.refresh_from_db()
    assert hold.starts_at == slots[3].starts_at == hold.meeting.starts_at and hold.meeting.state == Meeting.State.MOVED
    client.post(reverse("roundtable:booking_cancel", args=[token, hold.pk]))
    hold.refresh_from_db()
    hold.meeting.refresh_from_db()
    assert hold.cancelled_at is not None and hold.meeting.state == Meeting.State.CANCELLED
    assert slots[3].key in {s.key for s in services.free_slots_of([consultant.pk])}


@pytest.mark.django_db
def test_after_the_notice_the_employer_cannot_cancel_or_move(client):
    _team, consultant, _school, link = school_with_link()
    link.notice_hours = 24 * 30
    link.save()
    slot = services.free_slots_of([consultant.pk])[0]
    hold = services.booking_create(link=link, slot_key=slot.key, employee=details(cpr=next_cpr()))
    with pytest.raises(ValidationError, match="Ring til jobcentret"):
        services.booking_cancel(link=link, hold=hold)
    token = services.link_token(link)
    response = client.post(reverse("roundtable:booking_cancel", args=[token, hold.pk]), follow=True)
    assert "Ring til jobcentret for at aflyse eller flytte" in response.content.decode()
    later = services.free_slots_of([consultant.pk])[-1]
    response = client.post(reverse("roundtable:booking_move", args=[token, hold.pk]), {"slot": later.key})
    assert response.status_code == 400
    hold.refresh_from_db()
    assert hold.cancelled_at is None and hold.starts_at == slot.starts_at and hold.meeting.state == Meeting.State.INVITED


@pytest.mark.django_db
def test_the_employer_page_shows_no_health_text(client):
    _team, consultant, _school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[0]
    hold = services.booking_create(link=link, slot_key=slot.key, employee=details(cpr=next_cpr()))
    case = hold.meeting.case
    Case.objects.filter(pk=case.pk).update(health_note=SENTINEL_HEALTH, risk_note=SENTINEL_HEALTH + "-risk",
                                          functional_limitations="SENTINEL-FUNKTION")
    meetings.meeting_note_save(meeting=hold.meeting, actor=consultant, text=SENTINEL_HEALTH + "-note")
    token = services.link_token(link)
    for url in (reverse("roundtable:booking", args=[token]), reverse("roundtable:booking_move", args=[token, hold.pk])):
        page = client.get(url).content.decode()
        assert "SENTINEL" not in page and case.reference not in page and case.employee.cpr not in page
        assert "Søren Østergård" in page


@pytest.mark.django_db
def test_the_consultant_page_sets_free_time_and_makes_and_revokes_links(client):
    _team, consultant, school, link = school_with_link()
    client.force_login(consultant)
    url = reverse("roundtable:calendar")
    page = client.get(url).content.decode()
    assert services.link_url(link).split("/book/")[0] in page and "Lone Madsen" in page
    day = timezone.localdate() + timedelta(days=5)
    assert client.post(url, {"action": "exception", "exc-kind": "day_off", "exc-date": day.isoformat(),
                             "exc-duration_minutes": "60"}).status_code == 302
    assert day not in {timezone.localtime(s.starts_at).date() for s in services.free_slots_of([consultant.pk])}
    assert client.post(url, {"action": "link", "link-employer": school.pk, "link-contact_name": "Per Holm"}).status_code == 302
    new = school.pk and type(link).objects.get(contact_name="Per Holm")
    client.post(url, {"action": "link_revoke", "pk": new.pk})
    new.refresh_from_db()
    assert new.revoked_at is not None
    response = client.post(url, {"action": "rule", "rule-weekday": "0", "rule-start_time": "12:00",
                                 "rule-end_time": "09:00", "rule-slot_minutes": "60"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_booking_page_costs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    _team, consultant, _school, link = school_with_link()
    url = reverse("roundtable:booking", args=[services.link_token(link)])
    for slot in services.free_slots_of([consultant.pk])[:3]:
        services.booking_create(link=link, slot_key=slot.key, employee=details())
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


# --- PostgreSQL: two bookings at the same instant ------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_one_slot_at_once_exactly_one_wins():
    assert connection.vendor == "postgresql"
    _team, consultant, _school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[0]
    first, second = race(
        lambda: services.booking_create(link=link, slot_key=slot.key, employee=details("Søren Østergård")),
        lambda: services.booking_create(link=link, slot_key=slot.key, employee=details("Anna Holm")),
    )
    outcomes = [first, second]
    won = [o for o in outcomes if isinstance(o, CalendarHold)]
    lost = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].error_dict["slot"][0].code == services.SLOT_TAKEN
    assert CalendarHold.objects.filter(cancelled_at__isnull=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_refuses_overlapping_live_holds_even_without_the_service():
    assert connection.vendor == "postgresql"
    _team, consultant, _school, link = school_with_link()
    start = timezone.now() + timedelta(days=2)
    row = dict(consultant=consultant, link=link, employee_name="X")
    CalendarHold.objects.create(starts_at=start, ends_at=start + timedelta(hours=1), **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarHold.objects.create(starts_at=start + timedelta(minutes=30), ends_at=start + timedelta(hours=2), **row)
    # Touching ends ([) ranges) and cancelled holds do not conflict.
    CalendarHold.objects.create(starts_at=start + timedelta(hours=1), ends_at=start + timedelta(hours=2), **row)
    CalendarHold.objects.create(starts_at=start, ends_at=start + timedelta(hours=1), cancelled_at=timezone.now(), **row)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_racing_past_the_lock_still_cannot_double_book(monkeypatch):
    """Without the calendar lock both requests pass the overlap check; the constraint decides."""
    assert connection.vendor == "postgresql"
    _team, consultant, _school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[0]
    monkeypatch.setattr(services, "_lock_calendar", lambda consultant_id: None)
    monkeypatch.setattr(services.BookingLink.objects, "select_for_update", lambda: services.BookingLink.objects)
    first, second = race(
        lambda: services.booking_create(link=link, slot_key=slot.key, employee=details("Søren Østergård")),
        lambda: services.booking_create(link=link, slot_key=slot.key, employee=details("Anna Holm")),
    )
    assert sorted(type(o).__name__ for o in (first, second)) == ["CalendarHold", "ValidationError"], (first, second)
    assert CalendarHold.objects.filter(cancelled_at__isnull=True).count() == 1


# --- the consultant changes a self-booked meeting on the meeting page -----------------------------


@pytest.mark.django_db
def test_the_consultants_own_cancel_or_move_of_the_meeting_takes_the_hold_along():
    _team, consultant, _school, link = school_with_link()
    slots = services.free_slots_of([consultant.pk])
    hold = services.booking_create(link=link, slot_key=slots[0].key, employee=details(cpr=next_cpr()))
    meetings.meeting_move(meeting=hold.meeting, actor=consultant, accept_late=True, slot=meetings.SlotData(
        starts_at=slots[2].starts_at, duration_minutes=45, place="Skolen, lokale 3"))
    hold.refresh_from_db()
    assert (hold.starts_at, hold.ends_at) == (slots[2].starts_at, slots[2].starts_at + timedelta(minutes=45))
    assert slots[0].key in {s.key for s in services.free_slots_of([consultant.pk])}
    meetings.meeting_cancel(meeting=hold.meeting, actor=consultant, reason="Medarbejderen er raskmeldt")
    hold.refresh_from_db()
    assert hold.cancelled_at is not None and services.bookings_of_link(link) == []


@pytest.mark.django_db
def test_anonymising_the_case_removes_what_the_employer_typed_about_the_employee():
    from roundtable.retention import ANONYMISED, meetings_anonymise

    _team, consultant, _school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[0]
    hold = services.booking_create(link=link, slot_key=slot.key, employee=details(cpr=next_cpr()))
    meetings_anonymise(hold.meeting.case)
    hold.refresh_from_db()
    assert (hold.employee_name, hold.employee_phone, hold.employee_email) == (ANONYMISED, "", "")


@pytest.mark.django_db
def test_the_calendar_page_costs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    _team, consultant, school, link = school_with_link()
    for slot in services.free_slots_of([consultant.pk])[:4]:
        services.booking_create(link=link, slot_key=slot.key, employee=details(cpr=next_cpr()))
    for name in ("Per Holm", "Anna Dal", "Kim Bæk"):
        services.link_create(actor=consultant, employer=school, contact_name=name)
    client.force_login(consultant)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("roundtable:calendar")).content.decode()
    assert page.count("Åbn mødet") == 4 and "Kim Bæk" in page


@pytest.mark.django_db
def test_a_double_click_books_once_and_says_booked_both_times(client):
    _team, consultant, _school, link = school_with_link()
    url = reverse("roundtable:booking", args=[services.link_token(link)])
    slot = services.free_slots_of([consultant.pk])[0]
    data = {"slot": slot.key, "employee_name": "Søren Østergård", "employee_phone": "20 30 40 50",
            "employee_cpr": next_cpr()}
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    assert CalendarHold.objects.count() == Meeting.objects.count() == 1
    assert Notification.objects.filter(kind="selfbooking_new").count() == 1


def test_a_pattern_keeps_the_copenhagen_wall_clock_across_the_summer_time_change():
    never_closed = lambda day: False  # noqa: E731
    slots = free_slots(consultant_id=1, patterns=[Pattern(0, time(9, 0), time(10, 0), 60)], closed=never_closed,
                       earliest=datetime(2026, 3, 22, tzinfo=UTC), latest=datetime(2026, 4, 1, tzinfo=UTC))
    # Monday 23 March (winter time, UTC+1) and Monday 30 March (summer time, UTC+2): 9:00 local both times.
    assert [s.starts_at for s in slots] == [datetime(2026, 3, 23, 8, 0, tzinfo=UTC), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)]
    assert slots[0].key == "1-20260323T0800"
