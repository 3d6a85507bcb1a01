"""Clocks follow the facts: the case edit form really saves, and corrected dates move the clocks that
start from them (cases/deadline_facts.py)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases import deadlines, services
from cases.deadline_facts import deadlines_follow_facts
from cases.deadlines import deadline_invariant_violations
from cases.models import Case, Deadline
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


@pytest.fixture
def world(time_machine):
    time_machine.move_to(local(2026, 3, 16, 12, 0), tick=False)  # Monday
    team = make_team("Nord")
    mette = make_user("mette", team=team, email="mette@kommune.example")
    case = make_case(team=team, consultant=mette, first_contact_at=local(2026, 3, 16, 9, 0), first_absence_day=None)
    return {"team": team, "mette": mette, "case": case}


def edit_data(case: Case, **changes) -> dict:
    data = {
        "source": case.source,
        "first_contact_at": case.first_contact_at.astimezone(CPH).strftime("%Y-%m-%dT%H:%M"),
        "first_absence_day": case.first_absence_day.isoformat() if case.first_absence_day else "",
        "functional_limitations": case.functional_limitations,
        "health_note": case.health_note,
    }
    data.update(changes)
    return data


def test_the_case_edit_form_saves_what_was_typed(client, world):
    case = world["case"]
    client.force_login(world["mette"])
    response = client.post(reverse("cases:edit", args=[case.reference]), edit_data(case, health_note="Rygskade, opereret"))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).health_note == "Rygskade, opereret"
    assert case.events.filter(kind="case_edited").exists()


def test_correcting_first_contact_recomputes_the_first_meeting_clock_with_the_reason(client, world):
    case = world["case"]
    first = case.deadlines.get(kind="first_meeting")
    assert first.due_at == local(2026, 3, 18, 9, 0)
    client.force_login(world["mette"])
    client.post(reverse("cases:edit", args=[case.reference]), edit_data(case, first_contact_at="2026-03-13T15:00"))
    first.refresh_from_db()
    assert first.start_at == local(2026, 3, 13, 15, 0)
    assert first.due_at == local(2026, 3, 17, 15, 0)  # Fri 15:00 + 48 working hours
    assert first.occurrence == 2 and first.state == Deadline.State.OPEN
    event = case.events.get(kind="deadline_recomputed")
    assert "første kontakt blev rettet fra 16/03/2026 09:00 til 13/03/2026 15:00" in event.summary
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "første kontakt blev rettet" in page  # in the derivation and on the timeline


def test_a_met_clock_stays_untouched(world):
    case, mette = world["case"], world["mette"]
    deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=local(2026, 3, 16, 11, 0), by="møde")
    met = case.deadlines.get(kind="first_meeting")
    services.case_update(case=case, actor=mette, fields={"first_contact_at": local(2026, 3, 16, 8, 0)})
    after = Deadline.objects.get(pk=met.pk)
    assert (after.state, after.due_at, after.start_at, after.occurrence) == (met.state, met.due_at, met.start_at, 1)


def test_a_first_absence_day_added_later_starts_the_waiting_clocks(world):
    case, mette = world["case"], world["mette"]
    assert not case.deadlines.filter(kind__in=["ordinary_follow_up", "absence_conversation"]).exists()
    services.case_update(case=case, actor=mette, fields={"first_absence_day": date(2026, 3, 2)})
    follow = case.deadlines.get(kind="ordinary_follow_up")
    talk = case.deadlines.get(kind="absence_conversation")
    assert follow.due_at.astimezone(CPH).date() == date(2026, 4, 27)  # end of week 8: day 1 + 55 days
    assert talk.due_at.astimezone(CPH).date() == date(2026, 3, 30)  # 2/3 + 28 days = Mon 30/3
    # Corrected again: the same clocks are recomputed, not doubled.
    services.case_update(case=case, actor=mette, fields={"first_absence_day": date(2026, 3, 4)})
    assert case.deadlines.filter(kind="absence_conversation").count() == 1
    # SDL § 7 a "senest 4 uger efter første fraværsdag": 4/3 + 28 days = 1/4 (danish-review.md L10).
    assert case.deadlines.get(kind="absence_conversation").due_at.astimezone(CPH).date() == date(2026, 4, 1)
    assert deadline_invariant_violations() == []


def test_removing_the_first_absence_day_cancels_its_clocks_and_adding_it_starts_them_again(world):
    case, mette = world["case"], world["mette"]
    services.case_update(case=case, actor=mette, fields={"first_absence_day": date(2026, 3, 2)})
    services.case_update(case=case, actor=mette, fields={"first_absence_day": None})
    assert not case.deadlines.unfinished().filter(kind="absence_conversation").exists()
    services.case_update(case=case, actor=mette, fields={"first_absence_day": date(2026, 3, 3)})
    assert case.deadlines.unfinished().filter(kind="absence_conversation").count() == 1


def test_the_fast_track_request_time_moves_the_fast_track_clock(world):
    case, mette = world["case"], world["mette"]
    clock = deadlines.deadline_open(case=case, kind="fast_track_conversation", start=local(2026, 3, 16, 9, 0))
    deadlines_follow_facts(case=case, actor=mette, changed={
        "fast_track_request_at": (local(2026, 3, 16, 9, 0), local(2026, 3, 12, 9, 0))})
    clock.refresh_from_db()
    assert clock.start_at == local(2026, 3, 12, 9, 0) and clock.due_at.astimezone(CPH).date() == date(2026, 3, 26)


def test_bad_dates_get_a_danish_message_next_to_the_field_and_keep_the_input(client, world):
    case = world["case"]
    deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=local(2026, 3, 16, 11, 0), by="møde")
    client.force_login(world["mette"])
    response = client.post(reverse("cases:edit", args=[case.reference]),
                           edit_data(case, first_contact_at="2026-03-16T11:30", health_note="Bevar mig"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Første kontakt kan ikke ligge efter det første møde (16/03/2026 11:00)." in page
    assert "Bevar mig" in page
    assert Case.objects.get(pk=case.pk).first_contact_at == local(2026, 3, 16, 9, 0)
    future = (datetime.now(CPH) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(reverse("cases:edit", args=[case.reference]), edit_data(case, first_contact_at=future)).content.decode()
    assert "Første kontakt kan ikke ligge i fremtiden." in page


def test_the_edit_form_corrects_the_fast_track_request_time(client, world):
    case = world["case"]
    clock = deadlines.deadline_open(case=case, kind="fast_track_conversation", start=local(2026, 3, 16, 9, 0))
    client.force_login(world["mette"])
    form = client.get(reverse("cases:edit", args=[case.reference])).content.decode()
    assert 'name="fast_track_request_at"' in form and "Anmodning om fast track modtaget" in form
    client.post(reverse("cases:edit", args=[case.reference]), edit_data(case, fast_track_request_at="2026-03-12T09:00"))
    clock.refresh_from_db()
    assert clock.start_at == local(2026, 3, 12, 9, 0)
    assert "tidspunktet for anmodningen om fast track blev rettet" in case.events.get(kind="deadline_recomputed").summary
