"""The API's Swagger UI (/api/v1/docs) runs under the site's strict CSP: django-ninja's own static files,
no inline script, and the browser reports no CSP violation while it draws every operation."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_swagger_ui_draws_every_operation_without_a_csp_violation(page, live_server):
    complaints = []
    page.on("console", lambda message: complaints.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .opblock")).to_have_count(6)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Fastholdelse API")
    page.locator(".opblock-summary", has_text="/api/v1/cases/{reference}").click()
    expect(page.locator(".swagger-ui .responses-table").first).to_contain_text("application/problem+json")
    violations = [text for text in complaints if "Content Security Policy" in text or "Refused" in text]
    assert not violations, violations
