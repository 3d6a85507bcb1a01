"""Demo: a token for an invented employer's HR system, and one for the municipality's reporting.

In demo mode (FASTHOLDELSE_DEMO=1) the tokens are fixed, documented strings, so the README's curl
examples work at once. Outside demo mode (seed_demo --force, DEBUG) they are random and never printed:
make a real one in the admin or with `manage.py api_token_create`.
"""

from __future__ import annotations

from django.conf import settings

from ..models import ApiToken

DEMO_HR_TOKEN = "fh_demo_hr_lonportalen"  # noqa: S105 (a documented demo value, demo mode only)
DEMO_REPORTING_TOKEN = "fh_demo_reporting_bi"  # noqa: S105


def seed_api_tokens(ctx) -> None:
    demo = settings.DEMO_MODE
    ApiToken.issue(name="Lønportalen HR (Nordlys Lager & Logistik)", scopes=[ApiToken.Scope.REFERRALS_WRITE],
                   rate_limit_per_minute=30, plaintext=DEMO_HR_TOKEN if demo else None)
    ApiToken.issue(name="Kommunens ledelsesinformation (BI)", scopes=[ApiToken.Scope.REPORTING_READ],
                   rate_limit_per_minute=120, plaintext=DEMO_REPORTING_TOKEN if demo else None)
