"""The Django admin: case-file models are read-only and every read of them is logged; configuration
stays editable. Every model the apps register must be placed in one of the two lists."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.access import PURPOSE_ADMINISTRATION
from cases.admin import CaseFileAdmin
from cases.models import AccessLog, Case, Employee, Referral
from fastholdelse.tests.test_door import World

pytestmark = pytest.mark.django_db

CASE_FILE = {
    "cases.case", "cases.employee", "cases.employer", "cases.journalentry", "cases.deadline", "cases.caseevent",
    "cases.accesslog", "cases.referral", "cases.phonecall", "cases.notification", "cases.outboxmessage",
    "cases.shiftswap", "roundtable.meeting", "roundtable.minutesversion",
    "cases.absencespell", "cases.absencealert", "cases.absenceimport", "cases.employmentnumber",
}
CONFIGURATION = {
    "cases.team", "cases.deadlinepolicy", "cases.closedday", "cases.consultantprofile", "cases.dutyshift",
    "roundtable.step", "roundtable.offer", "cases.organisation",
    # Varde self-booking: booking links (revoke, notice), workplaces' consultants, free times.
    "roundtable.bookinglink", "roundtable.workplaceconsultant", "roundtable.availabilityrule",
    "roundtable.availabilityexception",
    # Vordingborg: GP practices with their contact persons (partner master data).
    "cases.gppractice",
    # Come-back: the screening questionnaire (questions, weights, threshold).
    "cases.questionnaire",
    # The API: tokens per sending system (hash only, scopes, rate limit, revocation).
    "cases.apitoken",

    "cases.absencesource", "cases.absencealertrule", "cases.absencesettings",
    "roundtable.startquestion",
}

# The system's own job records: no case data, read-only.
OPERATIONS = {"cases.sweeprun"}


def registered() -> dict[str, admin.ModelAdmin]:
    return {
        model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("cases", "roundtable")
    }


# Written by a job, shown read-only, holding counts and row ids but no case data (cases/retention.py).
JOB_RECORDS = {"cases.retentionrun"}


def test_every_registered_model_is_either_case_file_or_configuration():
    assert set(registered()) == CASE_FILE | CONFIGURATION | OPERATIONS | JOB_RECORDS


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("superadmin", "admin@kommune.example", "demo-Password-1")


@pytest.fixture
def world():
    return World()


@pytest.mark.parametrize("label", sorted(CASE_FILE))
def test_case_file_models_are_read_only_and_each_list_read_is_logged(client, superuser, world, label):
    model_admin = registered()[label]
    assert isinstance(model_admin, CaseFileAdmin)
    request = type("Request", (), {"user": superuser, "method": "GET"})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not (inline.has_add_permission(request, None) or inline.has_change_permission(request)
                    or inline.has_delete_permission(request))

    client.force_login(superuser)
    app, model = label.split(".")
    before = AccessLog.objects.count()
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.user, r.purpose) for r in rows] == [(superuser, PURPOSE_ADMINISTRATION)]

    obj = model_admin.model._default_manager.order_by("pk").first()
    if obj is not None:
        before = AccessLog.objects.count()
        assert client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk])).status_code == 200
        rows = list(AccessLog.objects.order_by("id")[before:])
        assert len(rows) == 1 and rows[0].purpose == PURPOSE_ADMINISTRATION


@pytest.mark.parametrize("model, subject", [(Case, "case"), (Employee, "employee"), (Referral, "referral")])
def test_a_record_read_in_the_admin_is_logged_with_its_citizen(client, superuser, world, model, subject):
    client.force_login(superuser)
    obj = {"case": world.case, "employee": world.case.employee, "referral": world.referral}[subject]
    meta = model._meta
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    assert response.status_code == 200
    assert world.case.employee.cpr not in response.content.decode()  # never the full CPR in the admin
    row = AccessLog.objects.latest("id")
    assert row.employee == world.case.employee


def test_a_change_posted_to_the_admin_is_refused(client, superuser, world):
    client.force_login(superuser)
    url = reverse("admin:cases_case_change", args=[world.case.pk])
    response = client.post(url, {"health_note": "ændret i admin"})
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.health_note == "Ondt i ryggen"
    assert client.post(reverse("admin:cases_case_delete", args=[world.case.pk]), {"post": "yes"}).status_code == 403
    assert Case.objects.filter(pk=world.case.pk).exists()


@pytest.mark.parametrize("label", sorted(CONFIGURATION))
def test_configuration_stays_editable(superuser, label):
    model_admin = registered()[label]
    request = type("Request", (), {"user": superuser, "method": "GET"})()
    assert not isinstance(model_admin, CaseFileAdmin)
    assert model_admin.has_change_permission(request)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_job_records_are_read_only(superuser, label):
    model_admin = registered()[label]
    request = type("Request", (), {"user": superuser, "method": "GET"})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
