"""The meeting page's three goals at the table: each goal's form posts with htmx and gets only its section
back (saved or refused, errors next to the field, nothing typed lost); without htmx the same POST redirects
or re-renders the full page. Every rendering is a logged read; locked minutes refuse edits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog
from roundtable import services
from roundtable.models import Agreement, Placement
from roundtable.tests.factories import held_meeting_with_goals, make_meeting, setup_case, step

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _reads(user, case):
    return AccessLog.objects.filter(user=user, case=case, action=AccessLog.Action.VIEW).count()


def _goal1_post(meeting, **extra):
    """What the placements form sends: its current selects plus the tap."""
    data = {f"goal1-{p.party}": str(p.step_id) for p in meeting.placements.all()}
    data["goal1-agreed"] = str(meeting.agreed_step_id or "")
    data.update(extra)
    return data


def _open_meeting():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    return user, case, meeting


def test_tapping_a_step_places_the_chosen_party_and_returns_only_goal1_as_a_logged_read(client):
    user, case, meeting = _open_meeting()
    client.force_login(user)
    url = reverse("roundtable:placements", args=[case.reference, meeting.pk])
    services.placements_save(meeting=meeting, actor=user, placements={"employee": step(5), "employer": None,
                                                                       "consultant": None}, agreed=None)
    before = _reads(user, case)
    response = client.post(url, _goal1_post(meeting, **{"goal1-party": "employer", "goal1-tap": "3"}), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="goal1"' in body
    assert "Mål 1 gemt." in body and 'data-testid="mismatch"' in body  # employee on 5, employer on 3
    # The employer is placed; the employee's placement is kept; the next tap places the employer again.
    placed = {p.party: p.step.position for p in Placement.objects.filter(meeting=meeting).select_related("step")}
    assert placed == {"employee": 5, "employer": 3}
    assert 'id="tap-party-employer" value="employer" checked' in body
    assert _reads(user, case) == before + 1


def test_tapping_works_without_javascript_as_a_plain_form(client):
    user, case, meeting = _open_meeting()
    client.force_login(user)
    url = reverse("roundtable:placements", args=[case.reference, meeting.pk])
    response = client.post(url, _goal1_post(meeting, **{"goal1-party": "agreed", "goal1-tap": "4"}))
    assert response.status_code == 302 and response["Location"].endswith("#goal1")
    meeting.refresh_from_db()
    assert meeting.agreed_step_position == 4


def test_a_tap_on_an_unknown_step_is_refused_in_the_section_with_a_danish_message(client):
    user, case, meeting = _open_meeting()
    client.force_login(user)
    url = reverse("roundtable:placements", args=[case.reference, meeting.pk])
    before = _reads(user, case)
    response = client.post(url, _goal1_post(meeting, **{"goal1-party": "consultant", "goal1-tap": "99"}), **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body and "Det trin findes ikke på trappemodellen." in body
    assert not Placement.objects.filter(meeting=meeting, party="consultant").exists()
    assert _reads(user, case) == before + 1


def _plan_post(weeks):
    data = {"goal2-plan_text": "Gradvis optrapning", "weeks-TOTAL_FORMS": str(len(weeks)), "weeks-INITIAL_FORMS": "0",
            "weeks-MIN_NUM_FORMS": "0", "weeks-MAX_NUM_FORMS": "1000"}
    for i, (week, hours, tasks) in enumerate(weeks):
        data.update({f"weeks-{i}-week": week, f"weeks-{i}-hours": hours, f"weeks-{i}-tasks": tasks})
    return data


def test_plan_with_rows_added_in_place_is_saved_in_one_go_and_returns_goal2(client):
    user, case, meeting = _open_meeting()
    client.force_login(user)
    url = reverse("roundtable:plan", args=[case.reference, meeting.pk])
    page = client.get(reverse("roundtable:detail", args=[case.reference, meeting.pk])).content.decode()
    # The "Add week" button and the row it clones are on the page (hidden until JavaScript enables it).
    assert "Tilføj uge" in page and "data-week-template" in page and "weeks-__prefix__-week" in page
    weeks = [("1", "10", "Formiddage"), ("2", "15", ""), ("3", "20", ""), ("4", "25", "Uden gårdvagt")]
    response = client.post(url, _plan_post(weeks), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="goal2"' in body and "Mål 2 gemt." in body
    assert [(w.week, int(w.hours)) for w in meeting.plan_weeks.order_by("week")] == [(1, 10), (2, 15), (3, 20), (4, 25)]


def test_a_refused_plan_row_keeps_what_was_typed_next_to_the_field(client):
    user, case, meeting = _open_meeting()
    client.force_login(user)
    url = reverse("roundtable:plan", args=[case.reference, meeting.pk])
    response = client.post(url, _plan_post([("1", "10", ""), ("2", "", "Eftermiddage")]), **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body and "Eftermiddage" in body and "Gradvis optrapning" in body
    assert not meeting.plan_weeks.exists()


def test_agreement_is_added_in_place_and_a_refusal_keeps_what_was_typed(client):
    user, case, meeting = _open_meeting()
    client.force_login(user)
    url = reverse("roundtable:agreement_add", args=[case.reference, meeting.pk])
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(url, {"goal3-who": "Tina Tillid", "goal3-what": "", "goal3-due_on": due}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body and "Skriv, hvad der er aftalt." in body and 'value="Tina Tillid"' in body
    before = _reads(user, case)
    response = client.post(url, {"goal3-who": "Tina Tillid", "goal3-what": "Fjerner gårdvagt", "goal3-due_on": due},
                           **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="goal3"' in body and "Tina Tillid" in body and 'value="Tina Tillid"' not in body  # a fresh form
    assert Agreement.objects.filter(meeting=meeting, what="Fjerner gårdvagt").count() == 1
    assert _reads(user, case) == before + 1


def test_locked_minutes_refuse_edits_from_the_table(client):
    _team, user, case, meeting = held_meeting_with_goals()
    services.minutes_finalise(meeting=meeting, actor=user)
    client.force_login(user)
    count = meeting.agreements.count()
    response = client.post(reverse("roundtable:agreement_add", args=[case.reference, meeting.pk]),
                           {"goal3-who": "Lone", "goal3-what": "Ny aftale"}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Referatet er godkendt og låst. Start en rettelse for at ændre det." in body
    assert 'data-testid="goal3-refused"' in body and "hx-post" not in body
    assert meeting.agreements.count() == count
    response = client.post(reverse("roundtable:placements", args=[case.reference, meeting.pk]),
                           _goal1_post(meeting, **{"goal1-party": "employee", "goal1-tap": "1"}), **HTMX)
    assert response.status_code == 400
    assert Placement.objects.get(meeting=meeting, party="employee").step.position == 5
