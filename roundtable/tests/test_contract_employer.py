"""The sentinel contract: nothing reaches an outside party unless it is on the allow-list.

Every free-text field of the case file (found by introspecting the models, not by hand) is filled with
its own sentinel word, row by row. Then every output an employer or another outside participant gets
is rendered: the status page, the receipt page and referral documents, the employer-safe minutes PDF,
each mail to the employer's contact and to external participants with its attachments (.ics, PDF, text),
and the participant's answer page. Each output lists the fields it may show; any other sentinel in it
fails the test, naming the field.

A new CharField/TextField on a case-file model fails `test_every_text_field_is_classified` until it is
put in one of the two lists below, so a new field is considered before it can leak.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services as case_services
from cases.fasttrack import services as fasttrack
from cases.fasttrack import signing
from cases.models import AccessLog, Case, JournalEntry, OutboxMessage, PhoneCall, Question, Referral, ScreeningMark
from cases.tests.factories import make_team, make_user
from roundtable import services
from roundtable.models import Agreement, Meeting, MinutesVersion, Offer, Participant, StartAnswer
from roundtable.services import ParticipantData, SlotData, WeekData, answer_token

pytestmark = pytest.mark.django_db

APPS = ("cases", "roundtable")

# Text that a consultant, an employee, an employer on the public form, a specialist or an admin writes
# into the case file. Each gets a sentinel per row.
WRITTEN = {
    "cases.AccessLog": {"purpose", "detail"},
    "cases.Case": {"functional_limitations", "health_note", "risk_note", "closing_note"},
    "cases.CaseEvent": {"summary"},
    "cases.JournalEntry": {"text"},
    "cases.Deadline": {"title", "derivation", "met_by", "pause_reason"},
    "cases.DeadlineEvent": {"note"},
    "cases.Notification": {"title", "body"},
    "cases.Employer": {"name", "address"},
    "cases.ContactPerson": {"name", "role", "phone", "email"},
    "cases.Employee": {"name", "phone", "email", "job_title"},
    "cases.Referral": {
        "employer_name", "employer_address", "contact_name", "contact_role", "contact_phone", "contact_email",
        "employee_name", "employee_email", "employee_phone", "job_title", "affected_functions", "affected_duration",
        "work_adapted", "adjustments_tried", "meeting_wishes", "employee_functions", "employee_duration",
        "employee_adapted", "rejection_reason",
    },
    "cases.PhoneCall": {"caller_name", "caller_contact", "summary"},
    "cases.ContactPoint": {"value"},
    "cases.EmployerChange": {"summary"},
    "roundtable.Offer": {"name", "description", "provider", "contact", "employer_name"},
    "roundtable.Meeting": {"place", "online_link", "cancel_reason", "plan_text", "consultant_note", "correction_reason"},
    "roundtable.MeetingSlot": {"place", "online_link", "reason"},
    "roundtable.Participant": {"name", "email", "title", "answer_comment"},
    "roundtable.PlanWeek": {"tasks"},
    "roundtable.Agreement": {"who", "what"},
    "roundtable.SpecialistNote": {"author_name", "author_title", "text"},
    "roundtable.MinutesVersion": {"reason"},
    # Varde self-booking: what the workplace's contact person typed about themselves and the employee.
    "roundtable.BookingLink": {"contact_name", "contact_email", "contact_phone"},
    "roundtable.CalendarHold": {"employee_name", "employee_phone", "employee_email"},

    # The GP collaboration: patient rows and the GP's answers hold health information.
    "cases.GpPatient": {"name", "note", "feedback"},
    "cases.GpRequest": {"gp_name", "question", "answer_note"},

    "cases.AbsenceAlert": {"close_note"},
    # Lyngby-Taarbæk's screening: the consultant's note (health data) and why a booking failed; the employee's
    # answers in the start conversation (health data).
    "cases.ScreeningMark": {"note", "booking_problem"},
    "roundtable.StartAnswer": {"answer"},
}

# Not free text about a person: identifiers with a checked format, codes, hashes, the outbox itself
# (it *is* the output), and the admin's master data (team, policies, holidays, the step model).
NOT_WRITTEN = {
    "cases.AccessLog": {"actor_system"},  # the name of an API token's system, set by the admin
    # The admin's configuration of the systems that call the API: their names, a token prefix and hash.
    "cases.ApiToken": {"name", "key_prefix", "key_hash"},
    "cases.Case": {"reference"},
    "cases.CaseEvent": {"kind"},
    "cases.DeadlinePolicy": {"name", "legal_source"},
    "cases.ClosedDay": {"name"},
    "cases.DeadlineEvent": {"kind"},
    "cases.Notification": {"kind", "url", "dedup_key"},
    "cases.OutboxMessage": {"dedup_key", "subject", "text", "html", "last_error"},
    "cases.Team": {"name"},
    "cases.Employer": {"cvr", "p_number"},
    "cases.Employee": {"cpr", "name_folded"},
    "cases.Referral": {"reference", "cvr", "p_number", "employee_cpr", "employee_cpr_hash"},
    "cases.OneTimeCode": {"code_hash"},
    "cases.Deadline": {"sweep_error"},  # the sweep's own exception text
    "cases.SweepRun": {"name"},
    "roundtable.Step": {"name", "description"},
    "roundtable.Meeting": {"agreed_step_name"},  # a copy of the step's name
    "roundtable.Placement": {"step_name"},  # likewise
    "roundtable.MinutesVersion": {"pdf_full_sha256", "pdf_employer_sha256"},
    "cases.RetentionRun": {"errors"},  # row ids and exception types, written by the job
    # The job centre's own letterhead and the consultant's work phone: printed for outsiders on purpose.
    "cases.Organisation": {"municipality", "job_centre", "address", "phone", "email", "web", "fasttrack_intro",
                           "complaint_guidance", "mail_sender_name"},
    "cases.ConsultantProfile": {"phone"},
    # Outreach: what the job centre did to reach a workplace; names workplaces, never an employee.
    "cases.OutreachActivity": {"met", "presented", "follow_up"},
    # Helsingør's care-conversation campaign: the consultant's and the manager's shared planning text;
    # the invited person's name and contact details are copied to the case (its Employee) when invited.
    "roundtable.CareCampaign": {"concern", "goals", "plan", "roles"},
    "roundtable.CampaignMeeting": {"summary"},
    "roundtable.CampaignInvitee": {"name", "cpr", "email", "phone", "invite_error"},

    # GP practices and their contact persons: partner master data, like the job centre's own.
    "cases.GpPractice": {"name", "address", "phone", "email"},
    "cases.GpContact": {"name", "role", "phone", "email"},
    "cases.GpPatient": {"cpr"},  # an identifier with a checked format (masked when shown)

    # The screening questionnaire is the admin's master data; a case's answers are yes/no rows
    # (ScreeningAnswer, no text) and never leave the consultant's pages (test_coaching_and_screening_*).
    "cases.Questionnaire": {"name", "source"},
    "cases.Question": {"key", "text"},

    # Early detection: the admin's CSV mapping and rules, the file name, a payroll number, and the rule's
    # own sentence (generated from the rule, never typed).
    "cases.AbsenceSource": {"code", "name", "delimiter", "date_format", "col_cvr", "col_p_number", "col_cpr",
                            "col_employment_number", "col_name", "col_first_day", "col_last_day"},
    "cases.AbsenceAlertRule": {"name"},
    "cases.AbsenceImport": {"filename"},
    "cases.EmploymentNumber": {"number"},
    "cases.AbsenceAlert": {"rule_text"},
    # The admin's wording of the start conversation's three questions, and each meeting's copy of it.
    "roundtable.StartQuestion": {"text", "guidance"},
    "roundtable.StartAnswer": {"question", "guidance"},
}

# What the employer wrote on the public form: the employer's own text, shown back to the employer.
EMPLOYER_REFERRAL = {f"cases.Referral.{name}" for name in (
    "employer_name", "employer_address", "contact_name", "contact_role", "contact_phone", "contact_email",
    "employee_name", "employee_email", "employee_phone", "job_title", "affected_functions", "affected_duration",
    "work_adapted", "adjustments_tried", "meeting_wishes",
)}


def text_fields() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            names = {f.name for f in model._meta.concrete_fields
                     if isinstance(f, (models.CharField, models.TextField)) and not f.choices}
            if names:
                found[model._meta.label] = names
    return found


def test_every_text_field_is_classified():
    for label, names in text_fields().items():
        written, not_written = WRITTEN.get(label, set()), NOT_WRITTEN.get(label, set())
        assert not written & not_written, label
        assert names == written | not_written, (
            f"{label}: classify {sorted(names - written - not_written)} in WRITTEN (gets a sentinel) or NOT_WRITTEN")


# --- sentinels -----------------------------------------------------------------------------------

TOKEN = re.compile(r"qz(\d{4})w", re.IGNORECASE)


@dataclass
class Sentinels:
    """qz0001w, qz0002w ...: short, one word (survives PDF text extraction, .ics folding is undone),
    matched case-insensitively (templates capitalise)."""

    owners: dict[int, tuple[str, int | None]] = field(default_factory=dict)

    def new(self, label: str, pk: int | None = None) -> str:
        number = len(self.owners) + 1
        self.owners[number] = (label, pk)
        return f"qz{number:04d}w"

    def value(self, model_field: models.Field, label: str, pk: int | None) -> str:
        token = self.new(label, pk)
        if isinstance(model_field, models.EmailField):
            return f"{token}@x.example"
        if isinstance(model_field, models.URLField):
            return f"https://{token}.example/m"
        return token

    def plant(self, queryset) -> None:
        model = queryset.model
        names = WRITTEN.get(model._meta.label, set())
        for pk in queryset.values_list("pk", flat=True):
            values = {}
            for name in names:
                model_field = model._meta.get_field(name)
                values[name] = self.value(model_field, f"{model._meta.label}.{name}", pk)
                assert len(values[name]) <= (model_field.max_length or 10_000), name
            model.objects.filter(pk=pk).update(**values)

    def token_of(self, obj, name: str) -> str:
        value = getattr(obj, name)
        match = TOKEN.search(value)
        assert match, (obj, name, value)
        return match.group(0).lower()

    def found(self, text: str) -> set[tuple[str, int | None]]:
        return {self.owners[int(number)] for number in TOKEN.findall(text) if int(number) in self.owners}


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _attachment_text(attachment: dict) -> str:
    if not attachment.get("b64"):
        return attachment["content"]
    data = base64.b64decode(attachment["content"])
    if attachment["mimetype"] == "application/pdf":
        return _pdf_text(data)
    return data.decode().replace("\r\n ", "").replace("\n ", "")  # undo .ics line folding


# --- the world -----------------------------------------------------------------------------------


def _referral_data(s: Sentinels) -> dict:
    data = {name.split(".")[-1]: s.new(name) for name in EMPLOYER_REFERRAL}
    for name in ("contact_email", "employee_email"):
        data[name] = f"{data[name]}@x.example"
    return {**data, "cvr": "13585628", "p_number": "", "employee_cpr": "0203692468",
            "first_absence_day": timezone.localdate() - timedelta(weeks=3), "expected_over_8_weeks": True,
            "absence_conversation_held": False, "possibility_statement": False, "employee_told": True}


@pytest.fixture
def world(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    s = Sentinels()
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    consultant = make_user("mette", team=team, first_name="Mette", last_name="Jensen", email="mette@kommune.example")

    referral = fasttrack.referral_submit(data=_referral_data(s))
    fasttrack.referral_employee_answer(referral=referral, answer=fasttrack.EmployeeAnswer(
        consent=Referral.Consent.GIVEN, functions=s.new("cases.Referral.employee_functions"),
        duration=s.new("cases.Referral.employee_duration"), adapted=s.new("cases.Referral.employee_adapted")))
    case = fasttrack.referral_accept(referral=referral, actor=consultant)
    rejected = fasttrack.referral_submit(data=_referral_data(s))
    fasttrack.referral_reject(referral=rejected, actor=consultant, reason=s.new("cases.Referral.rejection_reason"))

    JournalEntry.objects.create(case=case, author=consultant, kind="note", text="x", occurred_at=timezone.now())
    PhoneCall.objects.create(team=team, received_at=timezone.now(), taken_by=consultant, caller_type="employee",
                             summary="x", case=case)
    case_services.access_record(user=consultant, action=AccessLog.Action.VIEW, purpose="x", case=case)

    people = [
        ParticipantData(role=Participant.Role.EMPLOYEE, name="e", email="e@x.example"),
        ParticipantData(role=Participant.Role.EMPLOYER, name="a", email="a@x.example", title="t"),
        ParticipantData(role=Participant.Role.UNION, name="u", email="u@x.example", title="t"),
        ParticipantData(role=Participant.Role.SPECIALIST, name="p", email="p@x.example", title="t"),
        ParticipantData(role=Participant.Role.GP, name="g", email="g@x.example", title="t"),
        ParticipantData(role=Participant.Role.CONSULTANT, name="Mette Jensen", email="mette@kommune.example"),
    ]

    def schedule(days: int, send: bool = True) -> Meeting:
        return services.meeting_schedule(accept_late=True,
            case=case, actor=consultant, kind=Meeting.Kind.ROUNDTABLE, participants=people, send=send,
            slot=SlotData(starts_at=timezone.now() + timedelta(days=days), place="x"))

    held, moved, cancelled = schedule(1), schedule(2), schedule(3)
    services.meeting_hold(meeting=held, actor=consultant)
    held.refresh_from_db()
    step = {position: services.Step.objects.get(position=position) for position in (3, 4, 5)}
    services.placements_save(meeting=held, actor=consultant, agreed=step[4],
                             placements={"employee": step[5], "employer": step[3], "consultant": step[4]})
    held.refresh_from_db()
    stress = Offer.objects.get(name="Stresscoaching (forløb på 6 samtaler)")
    mentor = Offer.objects.get(name="Mentor på arbejdspladsen")
    services.plan_save(meeting=held, actor=consultant, plan_text="x", weeks=[WeekData(week=1, hours=10, tasks="x")],
                       offers=[stress, mentor])
    due = timezone.localdate() + timedelta(days=3)
    for who in ("a", "e"):
        services.agreement_add(meeting=held, actor=consultant, who=who, what="x", due_on=due)
    services.specialist_note_add(meeting=held, actor=consultant, author_name="p", author_title="t", text="x")
    services.meeting_note_save(meeting=held, actor=consultant, text="x")
    # Come-back's coaching conversation: the employee and the consultant alone, held, with notes.
    coaching = services.meeting_schedule(
        accept_late=True, case=case, actor=consultant, kind=Meeting.Kind.COACHING, participants=[people[0], people[-1]],
        slot=SlotData(starts_at=timezone.now() + timedelta(hours=2), place="x"))
    services.meeting_hold(meeting=coaching, actor=consultant)
    services.meeting_note_save(meeting=coaching, actor=consultant, text="x")

    # Vordingborg: a GP meeting's patient row on the case and an answered GP request (health information).
    from cases.gp import services as gp
    from cases.models import GpPractice

    practice = GpPractice.objects.create(name="x", team=team)
    gp.gp_meeting_register(actor=consultant, practice=practice, held_at=timezone.now(), rows=[gp.PatientRow(
        name="x", consent=True, outcome="early_intervention", case_reference=case.reference, note="x", feedback="x")])
    gp_request = gp.gp_request_send(case=case, actor=consultant, kind="medical_certificate", gp_name="x", question="x")
    gp.gp_request_answer(request=gp_request, actor=consultant, note="x")

    # The week-6 screening's mark of the employee, and start-conversation answers on the held meeting: their
    # sentinels must reach none of the outputs below (minutes, mails, status and answer pages).
    ScreeningMark.objects.create(employee=case.employee, employer=case.employer, period_first_day=case.first_absence_day,
                                 in_target_group=True, reasons=["stress"], note="x", booking_problem="x",
                                 marked_by=consultant, marked_at=timezone.now())
    for position in (1, 2, 3):
        StartAnswer.objects.create(meeting=held, position=position, question=f"q{position}", answer="x")

    # Every written field of every row gets its own sentinel.
    for label in WRITTEN:
        s.plant(apps.get_model(label).objects.all())
    # ...with the shapes the rules depend on: the seeded offer names and the employer's agreement.
    Offer.objects.filter(pk=stress.pk).update(name=stress.name, employer_name="")  # shown by its category
    employer_rep = held.participants.get(role=Participant.Role.EMPLOYER)
    specialist = held.participants.get(role=Participant.Role.SPECIALIST)
    Participant.objects.filter(pk=specialist.pk).update(title=f"psykolog {s.token_of(specialist, 'title')}")
    employers_item = held.agreements.order_by("pk").first()
    Agreement.objects.filter(pk=employers_item.pk).update(who=employer_rep.name)
    case.refresh_from_db()
    referral.refresh_from_db()
    # From here on, every meeting mail carries sentinels (the triage mails carried them from the start).
    OutboxMessage.objects.exclude(dedup_key__startswith="fasttrack:").delete()

    # The outputs: invitations (new, moved, cancelled), minutes (a version and a correction).
    fresh = schedule(5, send=False)
    s.plant(fresh.participants.all())
    services._send_invitations(fresh, event="invite")
    services.meeting_move(accept_late=True, meeting=moved, actor=consultant, reason=s.new("roundtable.MeetingSlot.reason"),
                          slot=SlotData(starts_at=timezone.now() + timedelta(days=6), place=s.new("roundtable.Meeting.place", moved.pk)))
    services.meeting_cancel(meeting=cancelled, actor=consultant, reason=s.new("roundtable.Meeting.cancel_reason", cancelled.pk))
    services.minutes_finalise(meeting=held, actor=consultant)
    services.minutes_correct(meeting=held, actor=consultant, reason=s.new("roundtable.Meeting.correction_reason", held.pk))
    held.refresh_from_db()
    services.minutes_finalise(meeting=held, actor=consultant)
    return {"s": s, "case": case, "referral": referral, "rejected": rejected, "held": held,
            "employers_item": employers_item, "employer_rep": employer_rep, "consultant": consultant,
            "coaching": coaching, "people": people}


# --- allow-lists per output ----------------------------------------------------------------------


def _meeting_facts(meeting_pks) -> set:
    return {(f"roundtable.Meeting.{name}", pk) for name in ("place", "online_link") for pk in meeting_pks}


def _labels(found) -> set[str]:
    return {label for label, _pk in found}


def _assert_only(s: Sentinels, text: str, *, output: str, allowed_labels=(), allowed_rows=()) -> set:
    found = s.found(text)
    leaks = {(label, pk) for label, pk in found if label not in allowed_labels and (label, pk) not in allowed_rows}
    assert not leaks, f"{output} shows fields outside its allow-list: {sorted(leaks, key=str)}"
    assert "psykolog" not in text.lower() and "stresscoaching" not in text.lower(), output
    return found


def test_status_pages_show_only_meetings_and_the_employers_own_agreements(client, world):
    s, referral, rejected = world["s"], world["referral"], world["rejected"]
    meetings = Meeting.objects.filter(case=world["case"]).values_list("pk", flat=True)
    page = client.get(reverse("fasttrack:status", args=[signing.make_token(referral.pk, salt=signing.STATUS_SALT)]))
    assert page.status_code == 200
    found = _assert_only(s, page.content.decode(), output="status page",
                         allowed_rows=_meeting_facts(meetings) | {("roundtable.Agreement.what", world["employers_item"].pk)})
    assert ("roundtable.Agreement.what", world["employers_item"].pk) in found
    assert "roundtable.Meeting.place" in _labels(found)
    page = client.get(reverse("fasttrack:status", args=[signing.make_token(rejected.pk, salt=signing.STATUS_SALT)]))
    found = _assert_only(s, page.content.decode(), output="status page (rejected)",
                         allowed_labels={"cases.Referral.rejection_reason"})
    assert "cases.Referral.rejection_reason" in _labels(found)


def test_receipt_and_referral_documents_show_only_what_the_employer_wrote(client, world):
    s, referral = world["s"], world["referral"]
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    outputs = {name: client.get(reverse(f"fasttrack:{name}", args=[token])) for name in ("receipt", "text", "pdf")}
    for name, response in outputs.items():
        assert response.status_code == 200
        text = _pdf_text(response.content) if name == "pdf" else response.content.decode()
        found = _assert_only(s, text, output=name, allowed_labels=EMPLOYER_REFERRAL)
        assert "cases.Referral.affected_functions" in _labels(found), name


def test_employer_safe_minutes_pdf_holds_only_the_shared_outcome(world):
    s, held = world["s"], world["held"]
    allowed_labels = {"cases.Employee.name", "cases.Employer.name", "cases.Case.functional_limitations",
                      "roundtable.Offer.employer_name"}
    allowed_rows = _meeting_facts([held.pk]) | {
        (f"roundtable.{label}", row.pk)
        for label, rows in (("Participant.name", held.participants.all()), ("Agreement.who", held.agreements.all()),
                            ("Agreement.what", held.agreements.all()), ("PlanWeek.tasks", held.plan_weeks.all()))
        for row in rows
    } | {("roundtable.Meeting.plan_text", held.pk)}
    for version in MinutesVersion.objects.filter(meeting=held):
        with version.pdf_employer.open("rb") as handle:
            text = _pdf_text(handle.read())
        found = _assert_only(s, text, output=f"safe minutes v{version.number}", allowed_labels=allowed_labels,
                             allowed_rows=allowed_rows)
        assert {"roundtable.Meeting.plan_text", "roundtable.Offer.employer_name", "roundtable.Agreement.what"} <= _labels(found)
        assert "Støtte-/samtaleforløb" in text  # the stress-coaching offer, by its neutral category
        assert "Specialist" in text


def test_every_mail_to_an_outside_party_and_its_attachments(world):
    s, held = world["s"], world["held"]
    participants = {p.email: p for p in Participant.objects.filter(meeting__case=world["case"])}
    employee_addresses = {p.email for p in participants.values() if p.role == Participant.Role.EMPLOYEE}
    messages = list(OutboxMessage.objects.all())
    assert messages
    checked = {"invite": 0, "move": 0, "cancel": 0, "minutes": 0, "fasttrack": 0}
    for message in messages:
        (to,) = message.to
        if (message.dedup_key.startswith("minutes:") and to in employee_addresses) or message.dedup_key.startswith(
                "fasttrack:employee:"):
            continue  # the employee's own mails with health data: the citizen channel's concern
        text = "\n".join([message.subject, message.text] + [_attachment_text(a) for a in message.attachments])
        recipient = participants.get(to)
        if message.dedup_key.startswith("meeting:"):
            meeting_pk = int(Meeting.objects.get(uid=message.dedup_key.split(":")[1]).pk)
            allowed_rows = _meeting_facts([meeting_pk]) | {("roundtable.Participant.name", recipient.pk),
                                                           ("roundtable.Participant.email", recipient.pk)}
            found = _assert_only(s, text, output=f"invitation to {recipient.role}", allowed_labels={"cases.Employee.name"},
                                 allowed_rows=allowed_rows)
            assert ("roundtable.Participant.email", recipient.pk) in found  # its own ATTENDEE line
            checked[message.dedup_key.split(":")[3]] += 1
        elif message.dedup_key.startswith("minutes:"):
            allowed_rows = _meeting_facts([held.pk]) | {
                (f"roundtable.{label}", row.pk)
                for label, rows in (("Participant.name", held.participants.all()), ("Agreement.who", held.agreements.all()),
                                    ("Agreement.what", held.agreements.all()), ("PlanWeek.tasks", held.plan_weeks.all()))
                for row in rows} | {("roundtable.Meeting.plan_text", held.pk)}
            _assert_only(s, text, output=f"minutes to {recipient.role}", allowed_rows=allowed_rows, allowed_labels={
                "cases.Employee.name", "cases.Employer.name", "cases.Case.functional_limitations",
                "roundtable.Offer.employer_name"})
            checked["minutes"] += 1
        elif message.dedup_key.startswith("fasttrack:"):
            _assert_only(s, text, output=message.dedup_key, allowed_labels=EMPLOYER_REFERRAL | {"cases.Referral.rejection_reason"})
            checked["fasttrack"] += 1
    # Invitations to the six participants of the new meeting, the moved and the cancelled one (each with
    # an address); minutes v1 and v2 to the four outside parties; to the employer: two receipts, one
    # acceptance, one rejection.
    assert checked == {"invite": 6, "move": 6, "cancel": 6, "minutes": 8, "fasttrack": 4}


def test_the_answer_page_shows_a_participant_only_the_meeting_and_themselves(client, world):
    s = world["s"]
    meeting = Meeting.objects.filter(case=world["case"], state=Meeting.State.MOVED).get()
    for participant in meeting.participants.exclude(role=Participant.Role.EMPLOYEE):
        page = client.get(reverse("roundtable:answer", args=[answer_token(participant)]))
        assert page.status_code == 200
        found = _assert_only(s, page.content.decode(), output=f"answer page of {participant.role}",
                             allowed_rows=_meeting_facts([meeting.pk]) | {("roundtable.Participant.name", participant.pk)})
        assert ("roundtable.Meeting.place", meeting.pk) in found


def test_coaching_and_screening_never_reach_the_employer(client, world):
    """The coaching conversation (its notes, its place, that it took place) and the screening answers (the
    health questions' texts, the screening note) are in no employer output: the status page, a new
    roundtable's invitations to the outside parties, and the employer-safe minutes."""
    s, case, coaching = world["s"], world["case"], world["coaching"]
    assert set(coaching.participants.values_list("role", flat=True)) == {"employee", "consultant"}
    health = case_services.Screening(mental_health=True, job_health_mismatch=True, note="x")
    case_services.case_screen(case=case, actor=world["consultant"], screening=health)
    for question in Question.objects.filter(health=True):
        Question.objects.filter(pk=question.pk).update(text=s.new("cases.Question.text", question.pk))
    Case.objects.filter(pk=case.pk).update(risk_note=s.new("cases.Case.risk_note", case.pk))
    assert case.screening_answers.filter(yes=True, question__health=True).count() == 2
    forbidden = {"cases.Question.text", "cases.Case.risk_note"}

    page = client.get(reverse("fasttrack:status", args=[
        signing.make_token(world["referral"].pk, salt=signing.STATUS_SALT)])).content.decode()
    found = s.found(page)
    assert not {(label, pk) for label, pk in found if label.startswith("roundtable.Meeting.") and pk == coaching.pk}
    assert not _labels(found) & forbidden
    assert "coachende" not in page.lower()

    OutboxMessage.objects.all().delete()
    fresh = services.meeting_schedule(accept_late=True, case=case, actor=world["consultant"], kind=Meeting.Kind.ROUNDTABLE,
                                      participants=world["people"], send=True,
                                      slot=SlotData(starts_at=timezone.now() + timedelta(days=8), place="x"))
    outside = [m for m in OutboxMessage.objects.all() if m.to[0] not in {"e@x.example", "mette@kommune.example"}]
    assert len(outside) == 4
    for message in outside:
        text = "\n".join([message.subject, message.text] + [_attachment_text(a) for a in message.attachments])
        leaks = {(label, pk) for label, pk in s.found(text)
                 if label in forbidden or (label.startswith("roundtable.Meeting.") and pk == coaching.pk)}
        assert not leaks, (message.to, leaks)
    assert fresh.pk != coaching.pk
    for version in MinutesVersion.objects.filter(meeting__case=case):
        with version.pdf_employer.open("rb") as handle:
            text = _pdf_text(handle.read())
        assert not {(label, pk) for label, pk in s.found(text)
                    if label in forbidden or (label.startswith("roundtable.Meeting.") and pk == coaching.pk)}

def test_the_absence_alert_mail_to_the_manager_shows_only_who_and_the_rule(world):
    """Early detection: the manager's alert names the employee, the workplace and the manager, and says
    which rule was met; no case text, no health information (cases/absence/alerts.py ManagerAlertMail)."""
    from cases.absence import alerts
    from cases.models import AbsenceAlert, AbsenceSource, AbsenceSpell

    s, case = world["s"], world["case"]
    source = AbsenceSource.objects.create(code="loen", name="Løn", team=case.team)
    first = timezone.localdate() - timedelta(days=9)
    AbsenceSpell.objects.create(employee=case.employee, employer=case.employer, first_day=first, source=source)
    (alert,) = alerts.alerts_evaluate(employee_ids=[case.employee_id])
    s.plant(AbsenceAlert.objects.all())
    message = OutboxMessage.objects.get(dedup_key=f"absence-alert:{alert.pk}:manager")
    text = "\n".join([message.subject, message.text])
    found = _assert_only(s, text, output="absence alert to the manager", allowed_labels={
        "cases.Employee.name", "cases.Employer.name", "cases.ContactPerson.name"})
    assert {"cases.Employee.name", "cases.Employer.name"} <= _labels(found)
    assert "diagnose" in text  # the advice: "Du må ikke spørge om diagnosen", never a diagnosis
