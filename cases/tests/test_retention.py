"""Retention: closed cases anonymised after the period (statistics kept), rejected referrals
anonymised, sent mails emptied; every run recorded; the insight export says who read what."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import retention, services
from cases.fasttrack import services as fasttrack
from cases.models import (
    AccessLog,
    Case,
    CaseEvent,
    Employee,
    JournalEntry,
    Notification,
    OutboxMessage,
    Referral,
    RetentionRun,
)
from cases.notifications import outbox_enqueue
from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user
from cases.tests.test_fasttrack import form_data
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db

PERIODS = retention.RetentionPeriods(closed_case_days=100, rejected_referral_days=30, sent_mail_days=10)
SENTINEL = "SENTINEL-HELBRED-5150"


def closed_case(*, days_ago: int, cpr: str | None = None, **kwargs) -> Case:
    team = kwargs.pop("team", None) or make_team()
    consultant = make_user(team=team)
    case = make_case(team=team, consultant=consultant, cpr=cpr, health_note=f"Stress {SENTINEL}",
                     functional_limitations=f"Kan ikke løfte {SENTINEL}", **kwargs)
    services.case_screen(case=case, actor=consultant, screening=services.Screening(
        little_contact=True, mental_health=True, note=f"Angst {SENTINEL}"))
    services.journal_add(case=case, actor=consultant, kind=JournalEntry.Kind.NOTE, text=f"Ringede {SENTINEL}")
    services.case_close(case=case, actor=consultant, outcome=Case.Outcome.RETAINED,
                        closed_on=timezone.localdate() - timedelta(days=days_ago), note=f"Slut {SENTINEL}")
    case.refresh_from_db()
    return case


def test_a_closed_case_past_the_period_is_anonymised_and_statistics_stay():
    case = closed_case(days_ago=101)
    person_pk, complexity = case.employee_id, case.complexity
    run = retention.retention_run(periods=PERIODS)
    case.refresh_from_db()
    person = Employee.objects.get(pk=person_pk)
    assert (run.cases_anonymised, run.state) == (1, RetentionRun.State.DONE)
    assert case.anonymised_at is not None
    for name in ("health_note", "risk_note", "functional_limitations", "closing_note"):
        assert getattr(case, name) == ""
    assert case.risk_mental_health is False
    assert (person.name, person.phone, person.email) == ("anonymiseret", "", "")
    assert not person.cpr.isdigit()  # a placeholder, never a CPR
    assert (case.status, case.outcome, case.complexity, case.source) == (
        Case.Status.CLOSED, Case.Outcome.RETAINED, complexity, Case.Source.PHONE_CALL)
    assert case.closed_on and case.first_contact_at and case.team_id and case.consultant_id
    assert case.deadlines.exists()  # the KPIs read them
    texts = [*JournalEntry.objects.filter(case=case).values_list("text", flat=True),
             *CaseEvent.objects.filter(case=case).values_list("summary", flat=True)]
    assert texts and not any(SENTINEL in text or "Søren" in text for text in texts)
    assert not Notification.objects.filter(case=case).exists()
    # Idempotent: a second run finds nothing to do.
    assert retention.retention_run(periods=PERIODS).cases_anonymised == 0


def test_open_and_recently_closed_cases_are_left_alone():
    recent = closed_case(days_ago=99)
    team = make_team()
    open_case = make_case(team=team, consultant=make_user(team=team), health_note=SENTINEL)
    assert retention.retention_run(periods=PERIODS).cases_anonymised == 0
    recent.refresh_from_db()
    open_case.refresh_from_db()
    assert SENTINEL in recent.health_note and SENTINEL in open_case.health_note
    assert recent.employee.name == "Søren Østergård"


def test_a_person_with_a_newer_case_keeps_their_data_and_the_old_case_gets_a_placeholder():
    old = closed_case(days_ago=400, cpr="0101701234")
    team = make_team()
    newer = make_case(team=team, consultant=make_user(team=team), cpr="0101701234")
    assert newer.employee_id == old.employee_id
    retention.retention_run(periods=PERIODS)
    old.refresh_from_db()
    newer.refresh_from_db()
    assert old.employee_id != newer.employee_id
    assert old.employee.name == "anonymiseret"
    assert (newer.employee.cpr, newer.employee.name) == ("0101701234", "Søren Østergård")


def _decided_referral(client, *, reject: bool, decided_days_ago: int) -> Referral:
    team = Referral.objects.first().team if Referral.objects.exists() else None
    if team is None:
        team = make_team("Modtagere")
        team.receives_fast_track = True
        team.save()
        make_user(team=team)
    client.post(reverse("fasttrack:form"), form_data(employee_cpr=f"0203{60 + Referral.objects.count()}2468"),
                REMOTE_ADDR=f"192.0.2.{90 + Referral.objects.count()}")
    referral = Referral.objects.order_by("-pk").first()
    actor = team.members.first()
    if reject:
        fasttrack.referral_reject(referral=referral, actor=actor, reason="Ikke omfattet af fast track")
    else:
        fasttrack.referral_accept(referral=referral, actor=actor)
    Referral.objects.filter(pk=referral.pk).update(decided_at=timezone.now() - timedelta(days=decided_days_ago))
    return referral


def test_rejected_referrals_past_the_period_are_anonymised(client):
    old = _decided_referral(client, reject=True, decided_days_ago=31)
    recent = _decided_referral(client, reject=True, decided_days_ago=29)
    accepted = _decided_referral(client, reject=False, decided_days_ago=300)
    run = retention.retention_run(periods=PERIODS)
    assert run.referrals_anonymised == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    accepted.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.employee_name, old.employee_cpr, old.employee_cpr_hash, old.contact_email, old.affected_functions,
            old.rejection_reason) == ("", "", "", "", "", "")
    assert (old.cvr, old.state, old.first_absence_day) == ("13585628", Referral.State.REJECTED, recent.first_absence_day)
    assert recent.employee_name == "Jørgen Ærø" and recent.anonymised_at is None
    assert accepted.anonymised_at is None  # follows its case


def test_handled_mails_lose_body_and_attachments_after_the_period():
    def mail(key):
        return outbox_enqueue(to="a@b.example", subject="Referat", text=f"Tekst {SENTINEL}", dedup_key=key,
                              attachments=[("referat.pdf", b"%PDF-1.4", "application/pdf")])

    old, recent, pending = mail("old"), mail("recent"), mail("pending")
    now = timezone.now()
    OutboxMessage.objects.filter(pk=old.pk).update(state=OutboxMessage.State.SENT, sent_at=now - timedelta(days=11))
    OutboxMessage.objects.filter(pk=recent.pk).update(state=OutboxMessage.State.SENT, sent_at=now - timedelta(days=9))
    OutboxMessage.objects.filter(pk=pending.pk).update(created_at=now - timedelta(days=50))
    assert retention.retention_run(periods=PERIODS).mails_purged == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    pending.refresh_from_db()
    assert (old.text, old.html, old.attachments) == ("", "", []) and old.payload_purged_at is not None
    assert (old.to, old.subject) == (["a@b.example"], "Referat")  # the record that it was sent stays
    assert SENTINEL in recent.text and recent.attachments
    assert SENTINEL in pending.text and pending.attachments  # not sent yet: never touched


def test_a_failing_case_is_reported_and_the_others_go_on(monkeypatch):
    first, second = closed_case(days_ago=200), closed_case(days_ago=200)
    real = retention.case_anonymise

    def flaky(*, case, now=None):
        if case.pk == first.pk:
            raise RuntimeError(f"boom {SENTINEL}")
        return real(case=case, now=now)

    monkeypatch.setattr(retention, "case_anonymise", flaky)
    run = retention.retention_run(periods=PERIODS)
    assert run.state == RetentionRun.State.DONE_WITH_ERRORS
    assert run.cases_anonymised == 1
    assert f"case {first.pk}: RuntimeError" in run.errors and SENTINEL not in run.errors
    second.refresh_from_db()
    assert second.anonymised_at is not None


def test_beat_runs_the_job_nightly_and_the_task_records_a_run():
    from cases.tasks import retention_run_task

    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == retention_run_task.name == "cases.tasks.retention_run"
    assert entry["schedule"].hour == {2}
    closed_case(days_ago=settings.RETENTION_CLOSED_CASE_DAYS + 1)
    run = RetentionRun.objects.get(pk=retention_run_task.delay().get())
    assert run.cases_anonymised == 1
    assert run.settings_used["closed_case_days"] == settings.RETENTION_CLOSED_CASE_DAYS


def test_the_admin_sees_the_runs_read_only(client):
    retention.retention_run(periods=PERIODS)
    client.force_login(make_user(role=Role.ADMIN, is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:cases_retentionrun_changelist"))
    assert listing.status_code == 200
    run = RetentionRun.objects.get()
    assert client.get(reverse("admin:cases_retentionrun_add")).status_code == 403
    change = client.post(reverse("admin:cases_retentionrun_change", args=[run.pk]), {"cases_anonymised": 99})
    assert change.status_code == 403
    assert RetentionRun.objects.get().cases_anonymised == 0


def test_the_insight_export_says_when_why_who_with_which_role_and_which_document(client):
    team = make_team("Nord")
    mette = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    case = make_case(team=team, consultant=mette, cpr="0101701234")
    services.access_record(user=mette, action=AccessLog.Action.DOWNLOAD, purpose="sagsbehandling", case=case,
                           detail="referat møde 1 v1 (fuld)")
    admin = make_user("admin1", role=Role.ADMIN, first_name="Ada", last_name="Admin")
    client.force_login(admin)
    response = client.post(reverse("cases:access_insight"), {"cpr": "010170-1234"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Tidspunkt", "Sag", "Handling", "Formål", "Hvem", "Rolle", "Dokument eller søgning"]
    download = next(row for row in rows if row[2] == danish("downloaded a document"))
    assert download[1] == case.reference
    assert (download[3], download[4], download[5], download[6]) == (
        "sagsbehandling", "Mette Jensen", "konsulent", "referat møde 1 v1 (fuld)")
    assert download[0] == timezone.localtime(AccessLog.objects.get(action="download").at).strftime("%Y-%m-%d %H:%M")


def test_a_bad_cpr_in_the_insight_form_gets_a_danish_message_and_is_kept(client):
    client.force_login(make_user("admin2", role=Role.ADMIN))
    response = client.post(reverse("cases:access_insight"), {"cpr": "3213701234"})
    html = response.content.decode()
    assert danish("The CPR number's birth date does not exist or lies in the future.").replace("'", "&#x27;") in html
    assert 'value="3213701234"' in html


def test_the_insight_export_finds_the_reads_of_a_decided_referral_by_its_keyed_hash(client):
    rejected = _decided_referral(client, reject=True, decided_days_ago=1)
    consultant = rejected.team.members.first()
    client.force_login(consultant)
    assert client.get(reverse("fasttrack:triage_detail", args=[rejected.pk])).status_code == 200
    rejected.refresh_from_db()
    assert len(rejected.employee_cpr) == 6  # the CPR itself is gone
    client.force_login(make_user("admin3", role=Role.ADMIN))
    response = client.post(reverse("cases:access_insight"), {"cpr": "020360-2468"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[6] for row in rows[1:]] == [rejected.reference]
    retention.retention_run(periods=retention.RetentionPeriods(0, 0, 0))  # anonymised: no longer findable
    again = client.post(reverse("cases:access_insight"), {"cpr": "020360-2468"})
    assert again.status_code == 200 and again["Content-Type"].startswith("text/html")


def test_anonymising_a_person_removes_their_verified_contact_points_and_codes():
    from cases.channel import codes, contacts
    from cases.models import ContactPoint, OneTimeCode

    team = make_team()
    consultant = make_user(team=team)
    case = make_case(team=team, consultant=consultant)
    contacts.contact_point_verify(case=case, actor=consultant, kind=ContactPoint.Kind.PHONE, value="31415161",
                                  method=ContactPoint.Method.MEETING)
    codes.code_hand_over(case=case, actor=consultant)
    person = case.employee
    assert ContactPoint.objects.filter(employee=person).exists() and OneTimeCode.objects.filter(employee=person).exists()
    services.case_close(case=case, actor=consultant, outcome=Case.Outcome.RETAINED,
                        closed_on=timezone.localdate() - timedelta(days=101))
    assert retention.retention_run(periods=PERIODS).cases_anonymised == 1
    assert not ContactPoint.objects.filter(employee=person).exists()
    assert not OneTimeCode.objects.filter(employee=person).exists()


def test_spent_one_time_codes_are_purged_after_a_day():
    from cases.channel import codes
    from cases.models import OneTimeCode

    team = make_team()
    consultant = make_user(team=team)
    case = make_case(team=team, consultant=consultant)
    codes.code_hand_over(case=case, actor=consultant)
    code = OneTimeCode.objects.get(employee=case.employee)
    retention.retention_run(periods=PERIODS)
    assert OneTimeCode.objects.filter(pk=code.pk).exists()  # still valid, or expired less than a day ago
    OneTimeCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(days=1, minutes=1))
    retention.retention_run(periods=PERIODS)
    assert not OneTimeCode.objects.filter(pk=code.pk).exists()
