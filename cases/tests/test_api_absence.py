"""Absence spells in through the API (scope absence:write): the CSV import's guarantees over JSON:
idempotent, a corrected last day updates, good lines stored beside refused ones, alerts raised, each
call logged as a write with the system as the actor, and the scopes kept apart."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import AbsenceAlert, AbsenceSource, AbsenceSpell, AccessLog, ApiToken
from cases.tests.absence_factories import CVR, make_absence_world

pytestmark = pytest.mark.django_db
URL = "/api/v1/absence-spells"
CPR1, CPR2 = "0101801234", "0202801234"


def _key(*scopes):
    return ApiToken.issue(name=f"Lønportalen {'-'.join(scopes)}", scopes=list(scopes), rate_limit_per_minute=1000)[1]


def _post(client, key, spells):
    return client.post(URL, {"spells": spells}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")


def _spell(cpr, first, last=None, cvr=CVR):
    return {"cvr": cvr, "cpr": cpr, "name": "Jens Hansen", "first_day": first.isoformat(),
            "last_day": last.isoformat() if last else None}


def test_spells_in_are_idempotent_keep_the_good_lines_and_raise_the_alert(client):
    world = make_absence_world()
    key = _key(ApiToken.Scope.ABSENCE_WRITE)
    today = timezone.localdate()
    spells = [_spell(CPR1, today - timedelta(days=9)), _spell(CPR2, today - timedelta(days=2), today - timedelta(days=1)),
              _spell(CPR2, today - timedelta(days=3), cvr="12345678")]
    response = _post(client, key, spells)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["lines"], body["created"], body["failed"]) == (3, 2, 1)
    assert [error["line"] for error in body["errors"]] == [3] and "CVR" in body["errors"][0]["message"]
    assert CPR2 not in response.content.decode()
    # Nine days in a row: the 7-day rule raised one alert for the manager and the team.
    assert AbsenceAlert.objects.filter(employee__cpr=CPR1).count() == 1
    # The same call again changes nothing; a corrected last day updates the spell.
    again = _post(client, key, spells[:2]).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    spells[0]["last_day"] = (today - timedelta(days=1)).isoformat()
    corrected = _post(client, key, spells[:1]).json()
    assert corrected["updated"] == 1
    assert AbsenceSpell.objects.get(employee__cpr=CPR1).last_day == today - timedelta(days=1)
    assert AbsenceAlert.objects.filter(employee__cpr=CPR1).count() == 1
    # The system has its own source; each call is one write row with the system as the actor.
    source = AbsenceSource.objects.get(code__startswith="api-")
    assert source != world.source
    rows = AccessLog.objects.filter(actor_system__startswith="Lønportalen", action=AccessLog.Action.WRITE)
    assert rows.count() == 3 and all(row.user is None for row in rows)


def test_scopes_are_kept_apart(client):
    make_absence_world()
    today = timezone.localdate()
    for scopes in ([ApiToken.Scope.REPORTING_READ], [ApiToken.Scope.REFERRALS_WRITE]):
        response = _post(client, _key(*scopes), [_spell(CPR1, today)])
        assert response.status_code == 403 and response["Content-Type"].startswith("application/problem+json")
    absence_key = _key(ApiToken.Scope.ABSENCE_WRITE)
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {absence_key}").status_code == 403
    assert not AbsenceSpell.objects.exists()


def test_an_empty_or_malformed_body_is_a_problem_not_a_crash(client):
    key = _key(ApiToken.Scope.ABSENCE_WRITE)
    assert _post(client, key, []).status_code == 422
    response = client.post(URL, {"spells": [{"cvr": CVR, "first_day": "not a date"}]}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
