"""Vordingborg's GP collaboration: the batch of consenting patients, the next meeting three weeks on,
and the GP request clock (due in 8 days, breached by the sweep when unanswered, met by the answer)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.gp import services as gp
from cases.models import Case, Deadline, GpMeeting, GpPatient, GpPractice, Notification
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user, next_cpr

pytestmark = pytest.mark.django_db

Outcome = GpPatient.Outcome


@pytest.fixture
def team():
    return make_team("Fastholdelse Vordingborg")


@pytest.fixture
def consultant(team):
    return make_user(team=team, first_name="Susanne", last_name="Birksteen")


@pytest.fixture
def practice(team):
    return GpPractice.objects.create(name="Lægehuset Algade", address="Algade 12, 4760 Vordingborg",
                                     phone="55 37 00 00", email="algade@laeger.example", team=team)


def twelve_rows(*, opened_cpr: str) -> list[gp.PatientRow]:
    outcomes = [Outcome.ADVICE] * 6 + [Outcome.EARLY_INTERVENTION] * 5
    rows = [gp.PatientRow(name=f"Patient {n}", consent=True, outcome=outcome, feedback="Tilbagemelding sendt.")
            for n, outcome in enumerate(outcomes, start=1)]
    rows.append(gp.PatientRow(name="Mette Stressø", consent=True, outcome=Outcome.CASE_OPENED, cpr=opened_cpr,
                              note="Stress, risiko for sygemelding", feedback="Sag oprettet, kontakt i morgen."))
    return rows


def test_a_batch_of_twelve_patients_registers_outcomes_and_opens_one_case_with_source_gp(consultant, practice):
    held = timezone.now() - timedelta(hours=2)
    cpr = next_cpr()
    meeting = gp.gp_meeting_register(actor=consultant, practice=practice, held_at=held, rows=twelve_rows(opened_cpr=cpr))
    patients = list(meeting.patients.all())
    assert len(patients) == 12
    assert all(p.consent for p in patients)
    assert sorted({p.outcome for p in patients}) == sorted(Outcome.values)
    opened = [p for p in patients if p.outcome == Outcome.CASE_OPENED]
    assert len(opened) == 1 and opened[0].case is not None
    case = opened[0].case
    assert case.source == Case.Source.GP and case.employee.cpr == cpr and case.first_contact_at == held
    assert case.consultant == consultant
    # The case's first-meeting clock runs from the GP meeting (a real case, opened via the services).
    assert case.deadlines.filter(kind="first_meeting").exists()
    assert case.events.filter(kind="gp_meeting").exists()


def test_a_row_without_consent_refuses_the_whole_batch_in_danish(consultant, practice):
    rows = twelve_rows(opened_cpr=next_cpr())
    rows[3].consent = False
    with pytest.raises(ValidationError) as refused:
        gp.gp_meeting_register(actor=consultant, practice=practice, held_at=timezone.now(), rows=rows)
    assert "Row 4" in " ".join(refused.value.messages)
    assert GpMeeting.objects.count() == 0 and Case.objects.count() == 0


def test_the_next_meeting_is_proposed_three_weeks_on(consultant, practice):
    assert gp.next_meeting_on(date(2026, 11, 2)) == date(2026, 11, 23)
    # A closed end day moves to the next working day: 21 days after 4 December is Christmas Day.
    assert gp.next_meeting_on(date(2026, 12, 4)) == date(2026, 12, 28)
    assert gp.next_meeting_proposal(practice) is None
    held = timezone.now() - timedelta(days=1)
    gp.gp_meeting_register(actor=consultant, practice=practice, held_at=held,
                           rows=[gp.PatientRow(name="A", consent=True, outcome=Outcome.ADVICE)])
    proposal = gp.next_meeting_proposal(practice)
    expected = gp.next_meeting_on(timezone.localtime(held).date())
    assert timezone.localtime(proposal).date() == expected
    assert (expected - timezone.localtime(held).date()).days >= 21


def test_a_gp_request_is_due_in_eight_days_breached_by_the_sweep_and_met_by_the_answer(team, consultant):
    case = make_case(team=team, consultant=consultant)
    sent = timezone.now() - timedelta(days=12)
    request = gp.gp_request_send(case=case, actor=consultant, kind="medical_certificate", gp_name="Læge Hansen",
                                 sent_at=sent)
    deadline = request.deadline
    assert deadline.kind == "gp_request" and deadline.owner == consultant
    assert deadline.due_at == gp.request_due_default(sent)
    assert (timezone.localtime(deadline.due_at).date() - timezone.localtime(sent).date()).days >= 8
    sweep_deadlines()
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.BREACHED
    assert Notification.objects.filter(recipient=consultant, kind="deadline_breach", deadline=deadline).exists()
    gp.gp_request_answer(request=request, actor=consultant, note="LÆ 285 modtaget.")
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET and deadline.met_at > deadline.due_at  # met late


def test_an_answer_in_time_meets_the_clock_on_time(team, consultant):
    case = make_case(team=team, consultant=consultant)
    request = gp.gp_request_send(case=case, actor=consultant, kind="possibility_statement", gp_name="Læge Hansen")
    answered = gp.gp_request_answer(request=request, actor=consultant)
    assert answered.deadline.state == Deadline.State.MET and answered.deadline.met_at <= answered.deadline.due_at
    # A second registration changes nothing.
    assert gp.gp_request_answer(request=request, actor=consultant).answered_at == answered.answered_at
