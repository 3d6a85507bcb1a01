"""The sentinel contract for the API: the contract world of test_contract_employer (every free-text
field of every row holds its own sentinel word) read through every reporting endpoint. The only free
text allowed out is the employer's name, and the employee's name with the scope reporting:cpr."""

from __future__ import annotations

import pytest

from cases.models import ApiToken, Case
from roundtable.tests.test_contract_employer import _assert_only, _labels, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

Scope = ApiToken.Scope


def _everything(client, key: str) -> str:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    pages = [client.get(f"/api/v1/{name}?limit=200", **headers) for name in ("cases", "deadlines", "meetings")]
    pages += [client.get(f"/api/v1/cases/{reference}", **headers)
              for reference in Case.objects.values_list("reference", flat=True)]
    assert all(page.status_code == 200 for page in pages), [page.status_code for page in pages]
    assert pages[1].json()["count"] > 0 and pages[2].json()["count"] > 0
    return "\n".join(page.content.decode() for page in pages)


def test_the_reporting_api_sends_no_free_text_of_the_case_file(client, world):  # noqa: F811 (the imported fixture)
    s = world["s"]
    full = ApiToken.issue(name="BI-CPR", scopes=[Scope.REPORTING_READ, Scope.REPORTING_CPR])[1]
    found = _assert_only(s, _everything(client, full), output="reporting API (reporting:cpr)",
                         allowed_labels={"cases.Employee.name", "cases.Employer.name"})
    assert {"cases.Employee.name", "cases.Employer.name"} <= _labels(found)

    masked = ApiToken.issue(name="BI", scopes=[Scope.REPORTING_READ])[1]
    text = _everything(client, masked)
    found = _assert_only(s, text, output="reporting API", allowed_labels={"cases.Employer.name"})
    assert "cases.Employer.name" in _labels(found)
    assert world["case"].employee.cpr not in text
