"""The API for the systems around: tokens and scopes, rate limits, the access log, problem+json errors,
the referral channel validating as the public form does, and what the reporting endpoints never send."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from cases.access import PURPOSE_API_REFERRAL, PURPOSE_REPORTING
from cases.api import ratelimit as api_ratelimit
from cases.api.referrals import form_data
from cases.fasttrack.forms import ReferralForm
from cases.models import AccessLog, ApiToken, Case, JournalEntry, OutboxMessage, Referral
from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user
from roundtable.tests.factories import make_meeting

pytestmark = pytest.mark.django_db

RAISING = {"default": {"BACKEND": "fastholdelse.tests.broken_cache.RaisingCache"}}
Scope = ApiToken.Scope


@pytest.fixture(autouse=True)
def _fresh_counters():
    from django.core.cache import cache

    cache.clear()
    api_ratelimit._local_counts.clear()
    yield
    api_ratelimit._local_counts.clear()


def token(name: str, *scopes: str, rate: int = 1000) -> str:
    return ApiToken.issue(name=name, scopes=list(scopes), rate_limit_per_minute=rate)[1]


def auth(key: str, **headers) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", **headers}


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:fastholdelse:problem:")
    for key in ("title", "title_da", "title_en", "detail", "detail_da", "detail_en"):
        assert body[key].strip(), key
    return body


@pytest.fixture
def world():
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    consultant = make_user("mette", team=team)
    case = make_case(team=team, consultant=consultant, cpr="0412781234", name="Søren Østergård")
    meeting = make_meeting(case=case, actor=consultant, starts_in=timedelta(days=3), accept_late=True)
    return {"team": team, "consultant": consultant, "case": case, "meeting": meeting}


def referral_body(**overrides) -> dict:
    body = {
        "cvr": "13585628", "employer_name": "Nordlys Lager & Logistik A/S", "employer_address": "Industrivej 40, 6000 Kolding",
        "contact_name": "Hanne Friis", "contact_role": "HR-partner", "contact_phone": "75 50 12 34",
        "contact_email": "hanne@nordlys.example", "employee_name": "Jørgen Ærø", "employee_cpr": "020369-2468",
        "employee_email": "jorgen@example.dk", "job_title": "lagermedarbejder",
        "first_absence_day": (timezone.localdate() - timedelta(weeks=3)).isoformat(), "expected_over_8_weeks": True,
        "affected_functions": "Løft over 10 kg", "affected_duration": "Tre uger", "work_adapted": "Nej",
        "absence_conversation_held": False, "possibility_statement": False, "employee_told": True,
    }
    body.update(overrides)
    return body


def post_referral(client, key, body, **headers):
    return client.post(reverse("api:referral_create"), json.dumps(body), content_type="application/json",
                       **auth(key, **headers))


# --- the document ------------------------------------------------------------------------------------


def test_the_openapi_document_is_served_with_every_error_documented(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {"/api/v1/referrals", "/api/v1/absence-spells", "/api/v1/cases",
                                    "/api/v1/cases/{reference}", "/api/v1/deadlines", "/api/v1/meetings"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "401", "403", "404", "422", "429", "500"):
                assert "application/problem+json" in responses[status]["content"], (path, method, status)
            assert operation["security"] == [{"SystemToken": []}]
    referral = schema["components"]["schemas"]["ReferralIn"]
    assert set(referral["required"]) == {name for name, field in ReferralForm.base_fields.items()
                                         if field.required and name in ReferralForm.Meta.fields}
    assert referral["properties"]["employer_name"]["maxLength"] == 200
    assert referral["properties"]["first_absence_day"]["format"] == "date"


def test_every_documented_operation_is_reached_before_the_404_fallback(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            response = getattr(client, method)(path.replace("{reference}", "FH-2026-00001"))
            assert response.status_code == 401, (method, path)  # the operation's auth answered, not the fallback


def test_the_docs_page_runs_under_the_sites_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    # Only script files and a JSON data block: nothing inline to execute.
    scripts = [part.split(">", 1)[0] for part in html.split("<script")[1:]]
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts), scripts
    assert "style=" not in html


# --- tokens and scopes -------------------------------------------------------------------------------


def test_a_reporting_token_cannot_post_and_a_referral_token_cannot_read(client, world):
    reporting, hr = token("BI", Scope.REPORTING_READ), token("HR", Scope.REFERRALS_WRITE)
    body = problem(post_referral(client, reporting, referral_body()), 403)
    assert "referrals:write" in body["detail"]
    assert Referral.objects.count() == 0
    for url in ("/api/v1/cases", f"/api/v1/cases/{world['case'].reference}", "/api/v1/deadlines", "/api/v1/meetings"):
        body = problem(client.get(url, **auth(hr)), 403)
        assert "reporting:read" in body["detail"]
        assert "Søren" not in json.dumps(body)


def test_a_revoked_or_unknown_token_or_none_is_refused(client, world):
    key = token("BI", Scope.REPORTING_READ)
    assert client.get("/api/v1/cases", **auth(key)).status_code == 200
    ApiToken.objects.get(name="BI").revoke()
    body = problem(client.get("/api/v1/cases", **auth(key)), 401)
    assert body["title_en"] == "Missing or unknown token"
    problem(client.get("/api/v1/cases", **auth("fh_not-a-token")), 401)
    response = client.get("/api/v1/cases")
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_only_a_hash_of_the_token_is_stored(client):
    api_token, plaintext = ApiToken.issue(name="HR", scopes=[Scope.REFERRALS_WRITE])
    row = ApiToken.objects.filter(pk=api_token.pk).values().get()
    assert row["key_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert not any(plaintext in str(value) for value in row.values())
    assert len(plaintext) > 40 and row["key_prefix"] == plaintext[:10]
    assert ApiToken.find(plaintext) == api_token and ApiToken.find(plaintext + "x") is None


def test_the_admin_shows_a_new_token_once_and_revokes(client, django_user_model):
    admin = django_user_model.objects.create_superuser("superadmin", "a@kommune.example", "demo-Password-1")
    client.force_login(admin)
    response = client.post(reverse("admin:cases_apitoken_add"), {
        "name": "Lønportalen HR", "scopes": [Scope.REFERRALS_WRITE], "rate_limit_per_minute": "30"}, follow=True)
    assert response.status_code == 200
    api_token = ApiToken.objects.get(name="Lønportalen HR")
    shown = [str(m) for m in response.context["messages"]]
    plaintexts = [word.rstrip(".") for text in shown for word in text.split() if word.startswith("fh_")]
    assert len(plaintexts) == 1 and ApiToken.find(plaintexts[0]) == api_token
    page = client.get(reverse("admin:cases_apitoken_change", args=[api_token.pk])).content.decode()
    assert plaintexts[0] not in page  # never shown again
    client.post(reverse("admin:cases_apitoken_changelist"), {"action": "revoke", "_selected_action": [api_token.pk]})
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None and ApiToken.find(plaintexts[0]) is None


def test_the_management_command_prints_the_token_once(capsys):
    call_command("api_token_create", "Kommunens BI", "--scope", "reporting:read", "--rate-limit", "120")
    lines = capsys.readouterr().out.splitlines()
    plaintext = lines[1]
    api_token = ApiToken.find(plaintext)
    assert api_token.name == "Kommunens BI" and api_token.scopes == ["reporting:read"]
    assert api_token.rate_limit_per_minute == 120


# --- rate limits -------------------------------------------------------------------------------------


def test_the_per_token_rate_limit_answers_429_problem_json(client, world):
    key = token("BI", Scope.REPORTING_READ, rate=2)
    other = token("BI-2", Scope.REPORTING_READ, rate=2)
    assert [client.get("/api/v1/meetings", **auth(key)).status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/meetings", **auth(key))
    body = problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 61
    assert body["title_da"] == "For mange kald" and body["title_en"] == "Too many requests"
    assert client.get("/api/v1/meetings", **auth(other)).status_code == 200  # per token
    refused = AccessLog.objects.filter(action=AccessLog.Action.REFUSED).get()
    assert refused.actor_system == "BI" and refused.detail.startswith("429 GET")


def test_with_the_cache_down_calls_are_served_and_each_process_still_limits(client, world, caplog):
    key = token("BI", Scope.REPORTING_READ, rate=3)
    with override_settings(CACHES=RAISING), caplog.at_level(logging.WARNING, "cases.api.ratelimit"):
        statuses = [client.get("/api/v1/cases", **auth(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "this process counts alone" in caplog.text


@pytest.mark.redis
def test_the_rate_limit_counts_in_redis(client, world):
    """With the real cache (REDIS_URL): the window's count lives in Redis, shared by every process."""
    import os

    from django.core.cache import caches

    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": os.environ["REDIS_URL"]}}
    key = token("BI", Scope.REPORTING_READ, rate=2)
    with override_settings(CACHES=redis_cache):
        statuses = [client.get("/api/v1/meetings", **auth(key)).status_code for _ in range(3)]
        window_keys = [k for k in caches["default"]._cache.get_client().keys("*api:rate:*")]
        caches["default"].delete_many([k.decode().split(":", 2)[-1] for k in window_keys])
    assert statuses == [200, 200, 429]
    assert window_keys and not api_ratelimit._local_counts  # counted in Redis, not in the process


def test_referrals_keep_the_forms_rate_rule_per_sending_system(client, world, settings):
    settings.FASTTRACK_RATE_LIMIT = 2
    key = token("HR", Scope.REFERRALS_WRITE)
    other = token("HR-2", Scope.REFERRALS_WRITE)
    assert [post_referral(client, key, referral_body()).status_code for _ in range(2)] == [201, 201]
    body = problem(post_referral(client, key, referral_body()), 429)
    assert "ti minutter" in body["detail_da"]
    assert Referral.objects.count() == 2
    assert post_referral(client, other, referral_body()).status_code == 201
    # Refused bodies never count: a system correcting its data is not blocked by its own errors.
    settings.FASTTRACK_RATE_LIMIT = 1
    third = token("HR-3", Scope.REFERRALS_WRITE)
    assert post_referral(client, third, referral_body(cvr="13585627")).status_code == 422
    assert post_referral(client, third, referral_body()).status_code == 201


# --- referrals in --------------------------------------------------------------------------------------


def test_a_referral_is_stored_as_from_the_form_and_logged_with_the_system(client, world):
    key = token("Lønportalen HR", Scope.REFERRALS_WRITE)
    response = post_referral(client, key, referral_body())
    assert response.status_code == 201, response.content
    receipt = response.json()
    referral = Referral.objects.get(reference=receipt["reference"])
    assert referral.employee_cpr == "0203692468" and referral.team == world["team"]
    assert receipt["status_url"].startswith("http")
    assert OutboxMessage.objects.filter(dedup_key=f"fasttrack:receipt:{referral.pk}").exists()
    row = AccessLog.objects.get(referral=referral)
    assert (row.actor_system, row.user, row.action, row.purpose) == (
        "Lønportalen HR", None, AccessLog.Action.WRITE, PURPOSE_API_REFERRAL)


@pytest.mark.parametrize("overrides", [
    {"cvr": "13585627"},  # checksum
    {"employee_cpr": "2110525629"},  # birth date in the future
    {"employee_cpr": "12345"},
    {"employee_email": "", "employee_phone": ""},
    {"first_absence_day": "2999-01-01"},
    {"absence_conversation_held": True},
    {"employer_name": "x" * 201, "contact_email": "not-an-email"},
    {"employee_told": None, "job_title": ""},
], ids=["cvr", "cpr-future", "cpr-short", "no-contact", "future", "conversation-date", "length-email", "missing"])
def test_referral_errors_are_the_forms_own_in_both_languages(client, world, overrides):
    body = referral_body(**overrides)
    key = token("HR", Scope.REFERRALS_WRITE)
    found = problem(post_referral(client, key, body, HTTP_ACCEPT_LANGUAGE="en"), 422)
    assert found["title"] == found["title_en"] == "The request is not valid"
    for language in ("da", "en"):
        with override(language):
            form = ReferralForm(form_data(body))
            assert not form.is_valid()
            expected = sorted((name, error["message"]) for name, errors in form.errors.get_json_data().items()
                              for error in errors)
        got = sorted((error["field"], error[f"message_{language}"]) for error in found["errors"])
        assert got == expected, language
    assert Referral.objects.count() == 0
    assert body["employee_cpr"].replace("-", "") not in json.dumps(found)  # the CPR is never echoed


def test_a_body_of_the_wrong_json_types_is_a_422_problem(client, world):
    key = token("HR", Scope.REFERRALS_WRITE)
    found = problem(post_referral(client, key, referral_body(cvr=13585628, employee_told="måske")), 422)
    fields = {error["field"] for error in found["errors"]}
    assert fields == {"cvr", "employee_told"}
    assert all(error["message_da"] and error["message_en"] for error in found["errors"])
    response = client.post(reverse("api:referral_create"), "{not json", content_type="application/json", **auth(key))
    problem(response, 400)


# --- reporting out -----------------------------------------------------------------------------------


def test_cpr_is_masked_without_the_cpr_scope(client, world):
    masked, full = token("BI", Scope.REPORTING_READ), token("BI-CPR", Scope.REPORTING_READ, Scope.REPORTING_CPR)
    reference = world["case"].reference
    person = client.get(f"/api/v1/cases/{reference}", **auth(masked)).json()["employee"]
    assert person == {"cpr": "041278-XXXX", "name": None}
    listed = client.get("/api/v1/cases", **auth(masked)).content.decode()
    assert "0412781234" not in listed and "1234" not in listed and "Søren" not in listed
    person = client.get(f"/api/v1/cases/{reference}", **auth(full)).json()["employee"]
    assert person == {"cpr": "041278-1234", "name": "Søren Østergård"}


def test_every_call_is_in_the_access_log_with_the_system_as_actor(client, world):
    key = token("Kommunens BI", Scope.REPORTING_READ)
    other_case = make_case(team=world["team"], cpr="1907854321", name="Maja Kjær Sørensen")
    for url in ("/api/v1/cases", "/api/v1/deadlines", "/api/v1/meetings"):
        before = AccessLog.objects.count()
        assert client.get(url, **auth(key)).status_code == 200
        rows = list(AccessLog.objects.order_by("id")[before:])
        assert rows and all((r.actor_system, r.user, r.purpose) == ("Kommunens BI", None, PURPOSE_REPORTING)
                            for r in rows), url
        assert all(r.case_id and r.employee_id == r.case.employee_id for r in rows)
        assert len({r.case_id for r in rows}) == len(rows)  # one row per case read
    before = AccessLog.objects.count()
    client.get(f"/api/v1/cases/{other_case.reference}", **auth(key))
    row = AccessLog.objects.order_by("id")[before:].get()
    assert (row.case, row.employee, row.action) == (other_case, other_case.employee, AccessLog.Action.VIEW)
    # An empty page is a call too.
    before = AccessLog.objects.count()
    client.get("/api/v1/cases?status=closed", **auth(key))
    row = AccessLog.objects.order_by("id")[before:].get()
    assert row.case is None and "status=closed" in row.detail
    # The citizen's insight export names the system.
    from cases.access import access_log_of

    assert access_log_of(employee=other_case.employee).filter(actor_system="Kommunens BI").count() >= 1
    client.force_login(make_user("admin1", role=Role.ADMIN))
    export = client.post(reverse("cases:access_insight"), {"cpr": "190785-4321"}).content.decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(export), delimiter=";") if "Kommunens BI" in row]
    assert rows and all(row[1] == other_case.reference and row[3] == PURPOSE_REPORTING for row in rows)


def test_lists_cost_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    key = token("BI", Scope.REPORTING_READ, Scope.REPORTING_CPR)
    for i in range(5):
        case = make_case(team=world["team"], cpr=f"01018{i}4444", name=f"Person {i}")
        make_meeting(case=case, actor=world["consultant"], starts_in=timedelta(days=4 + i), accept_late=True)
    client.get("/api/v1/cases", **auth(key))  # the token's last-used time is written once a minute
    for url in ("/api/v1/cases", "/api/v1/deadlines", "/api/v1/meetings"):
        with django_assert_max_num_queries(4):
            response = client.get(url, **auth(key))
        assert response.json()["count"] >= 6


def test_unknown_case_is_a_404_problem_and_a_cpr_in_the_address_is_refused_unechoed(client, world):
    key = token("BI", Scope.REPORTING_READ)
    body = problem(client.get("/api/v1/cases/SAG-0000-99999", **auth(key)), 404)
    assert body["title_da"] and body["title_en"] == "Not found"
    for url in ("/api/v1/cases/0412781234", "/api/v1/cases?status=041278-1234", "/api/v1/meetings?q=0412781234"):
        response = client.get(url, **auth(key))
        body = problem(response, 400)
        assert "1234" not in response.content.decode()
        assert body["type"].endswith("cpr-in-url")
    assert not AccessLog.objects.filter(detail__contains="0412781234").exists()
    body = problem(client.get("/api/v1/no-such-thing/0412781234", **auth(key)), 404)  # not an HTML page
    assert "1234" not in json.dumps(body)


def test_the_language_is_negotiated_danish_by_default(client, world):
    reporting = token("BI", Scope.REPORTING_READ)
    danish = problem(client.get("/api/v1/cases?limit=0", **auth(reporting)), 422)
    english = problem(client.get("/api/v1/cases?limit=0", **auth(reporting, HTTP_ACCEPT_LANGUAGE="en-GB,da;q=0.5")), 422)
    assert danish["title"] == danish["title_da"] != danish["title_en"]
    assert english["title"] == english["title_en"] == "The request is not valid"
    assert english["errors"][0]["field"] == "limit" and english["errors"][0]["message"] == (
        "Ensure this value is greater than or equal to 1.")


@pytest.mark.parametrize("moment", ["0961-06-12T15:24:32-20:05", "0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00",
                                    "9999-12-31T23:59:59-05:00", "2026-11-29T10:00:00"])
def test_any_time_the_schema_allows_is_a_filter_not_an_error(client, world, moment):
    """Found by schemathesis on PostgreSQL: an offset beyond ±15:59 was a server error."""
    key = token("BI", Scope.REPORTING_READ)
    for url in (f"/api/v1/meetings?starts_before={moment}", f"/api/v1/deadlines?due_after={moment}",
                f"/api/v1/cases?changed_since={moment}"):
        response = client.get(url.replace("+", "%2B"), **auth(key))
        assert response.status_code == 200, (url, response.content)


def test_a_failure_is_a_500_problem_and_logged(client, world, monkeypatch, caplog):
    key = token("BI", Scope.REPORTING_READ)

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("cases.api.reporting.case_out", explode)
    with caplog.at_level(logging.ERROR, "cases.api.problems"):
        body = problem(client.get(f"/api/v1/cases/{world['case'].reference}", **auth(key)), 500)
    assert "boom" not in json.dumps(body) and "API call failed" in caplog.text


def test_journal_and_health_text_never_leave(client, world):
    """Sentinels in the case's sensitive fields, its journal and the meeting's notes: in no response."""
    case, meeting = world["case"], world["meeting"]
    sentinels = {name: f"sentinel{name.replace('_', '')}x" for name in Case.SENSITIVE_FIELDS if name != "risk_mental_health"}
    Case.objects.filter(pk=case.pk).update(**sentinels, functional_limitations="sentinelfunctionsx",
                                           closing_note="sentinelclosingx", risk_mental_health=True)
    JournalEntry.objects.create(case=case, author=world["consultant"], text="sentineljournalx", occurred_at=timezone.now())
    type(meeting).objects.filter(pk=meeting.pk).update(consultant_note="sentinelmeetingnotex", plan_text="sentinelplanx",
                                                       place="sentinelplacex")
    key = token("BI", Scope.REPORTING_READ, Scope.REPORTING_CPR)
    text = "".join(client.get(url, **auth(key)).content.decode() for url in (
        "/api/v1/cases", f"/api/v1/cases/{case.reference}", "/api/v1/deadlines", "/api/v1/meetings"))
    assert "sentinel" not in text
    assert "risk" not in text and "mental" not in text
