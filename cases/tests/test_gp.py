"""Vordingborg's GP collaboration: the batch of consenting patients, the next meeting three weeks on,
and the GP request clock (due in 8 days, breached by the sweep when unanswered, met by the answer)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.gp import services as gp
from cases.models import AccessLog, Case, Deadline, GpMeeting, GpPatient, GpPractice, Notification
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
    assert "Række 4" in " ".join(refused.value.messages) and "samtykke" in " ".join(refused.value.messages)
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


def _batch_post(rows: list[dict], held_at: str) -> dict:
    data = {"held_at": held_at, "p-TOTAL_FORMS": str(len(rows)), "p-INITIAL_FORMS": str(len(rows)),
            "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"p-{index}-{key}"] = value
    return data


def test_the_batch_form_refuses_a_row_without_consent_and_keeps_everything_typed(client, consultant, practice):
    client.force_login(consultant)
    url = reverse("gp:meeting_new", args=[practice.pk])
    page = client.get(url).content.decode()
    assert page.count('name="p-') >= 12 * 7  # twelve empty rows to begin with
    cpr = next_cpr()
    rows = [{"name": f"Patient {n}", "consent": "on", "outcome": "advice", "feedback": f"Svar {n}"} for n in range(11)]
    rows.append({"name": "Mette Stressø", "cpr": cpr, "consent": "on", "outcome": "case_opened",
                 "note": "Stress på jobbet"})
    del rows[4]["consent"]
    held = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, _batch_post(rows, held))
    page = response.content.decode()
    assert response.status_code == 400
    assert "samtykke" in page  # the Danish refusal on the row
    for n in range(11):
        assert f'value="Patient {n}"' in page and f"Svar {n}" in page
    assert cpr in page and "Stress på jobbet" in page  # nothing typed is lost
    assert GpMeeting.objects.count() == 0 and not Case.objects.filter(source=Case.Source.GP).exists()
    rows[4]["consent"] = "on"
    response = client.post(url, _batch_post(rows, held))
    assert response.status_code == 302
    meeting = GpMeeting.objects.get()
    assert meeting.patients.count() == 12
    assert Case.objects.get(source=Case.Source.GP).employee.cpr == cpr
    # The batch page: a logged read; the CPR is masked, never in the URL.
    before = AccessLog.objects.count()
    page = client.get(response.url).content.decode()
    assert AccessLog.objects.count() == before + 1 and AccessLog.objects.latest("id").purpose == "sagsbehandling"
    assert cpr not in page and f"{cpr[:6]}-XXXX" in page and cpr not in response.url
    # The practice page proposes the next meeting three weeks on.
    page = client.get(reverse("gp:practice", args=[practice.pk])).content.decode()
    assert 'id="next-meeting"' in page and "21" in page


def test_more_rows_keeps_what_was_typed(client, consultant, practice):
    client.force_login(consultant)
    data = _batch_post([{"name": "Anna", "consent": "on", "outcome": "advice"}], "2026-01-05T10:00")
    data["more"] = "1"
    page = client.post(reverse("gp:meeting_new", args=[practice.pk]), data).content.decode()
    assert 'value="Anna"' in page and 'name="p-5-name"' in page
    assert GpMeeting.objects.count() == 0


def test_a_gp_request_from_the_case_page_and_its_answer(client, team, consultant, practice):
    case = make_case(team=team, consultant=consultant)
    client.force_login(consultant)
    assert client.get(reverse("gp:request_new", args=[case.reference])).status_code == 200
    sent = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("gp:request_new", args=[case.reference]), {
        "kind": "medical_certificate", "practice": practice.pk, "sent_at": sent, "question": "Funktionsniveau?"})
    assert response.status_code == 302
    request = case.gp_requests.get()
    assert request.deadline.kind == "gp_request"
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert 'id="gp-requests"' in page and practice.name in page
    client.post(reverse("gp:request_answer", args=[case.reference, request.pk]),
                {"answered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "note": "Modtaget"})
    request.refresh_from_db()
    assert request.is_answered and request.deadline.state == Deadline.State.MET


def test_a_practice_of_another_team_is_not_found(client, practice):
    other = make_user(team=make_team("Andet team"))
    client.force_login(other)
    assert client.get(reverse("gp:practice", args=[practice.pk])).status_code == 404
    meeting = gp.gp_meeting_register(actor=make_user(team=practice.team), practice=practice, held_at=timezone.now(),
                                     rows=[gp.PatientRow(name="A", consent=True, outcome=Outcome.ADVICE)])
    assert client.get(reverse("gp:meeting", args=[meeting.pk])).status_code == 404


def test_the_practice_list_query_count_does_not_grow_with_practices(client, team, consultant,
                                                                      django_assert_max_num_queries):
    client.force_login(consultant)

    def add(n):
        for i in range(n):
            practice = GpPractice.objects.create(name=f"Praksis {i}", team=team)
            gp.gp_meeting_register(actor=consultant, practice=practice, held_at=timezone.now() - timedelta(days=i),
                                   rows=[gp.PatientRow(name="A", consent=True, outcome=Outcome.ADVICE)])

    add(1)
    with django_assert_max_num_queries(20) as one:
        assert client.get(reverse("gp:practices")).status_code == 200
    add(8)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("gp:practices")).content.decode()
    assert page.count('href="/laeger/') >= 9


def test_retention_anonymises_gp_rows_of_a_closed_case_and_old_rows_without_a_case(team, consultant, practice,
                                                                                   settings):
    from cases import services
    from cases.retention import retention_run

    case = make_case(team=team, consultant=consultant)
    held = timezone.now() - timedelta(days=400)
    gp.gp_meeting_register(actor=consultant, practice=practice, held_at=timezone.now(), rows=[
        gp.PatientRow(name="Linket", consent=True, outcome=Outcome.EARLY_INTERVENTION, case_reference=case.reference,
                      note="Angst", feedback="Tilbudt samtaler")])
    old = gp.gp_meeting_register(actor=consultant, practice=practice, held_at=held, rows=[
        gp.PatientRow(name="Gammel", consent=True, outcome=Outcome.ADVICE, cpr=next_cpr(), note="Ryg")])
    gp.gp_meeting_register(actor=consultant, practice=practice, held_at=timezone.now() - timedelta(days=30), rows=[
        gp.PatientRow(name="Ny", consent=True, outcome=Outcome.ADVICE, note="Ny note")])
    request = gp.gp_request_send(case=case, actor=consultant, kind="medical_certificate", gp_name="Læge Hansen",
                                 question="Funktionsniveau?")
    gp.gp_request_answer(request=request, actor=consultant, note="Kan arbejde 20 timer")
    services.case_close(case=case, actor=consultant, outcome="retained", closed_on=timezone.localdate() - timedelta(days=800))
    settings.RETENTION_CLOSED_CASE_DAYS = 365
    retention_run()
    linked = GpPatient.objects.get(case=case)
    assert (linked.name, linked.cpr, linked.note, linked.feedback) == ("anonymiseret", "", "", "")
    request.refresh_from_db()
    assert request.question == request.answer_note == ""
    gone = old.patients.get()
    assert (gone.name, gone.cpr, gone.note) == ("anonymiseret", "", "") and gone.outcome == Outcome.ADVICE
    assert GpPatient.objects.get(name="Ny").note == "Ny note"  # a recent row without a case is kept
