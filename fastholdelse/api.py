"""The API for the systems around the job centre, assembled here (the composition root may import
every app; the apps never import each other the wrong way): the cases app's routers and the
roundtable's own. Served under /api/v1/: the OpenAPI document at /api/v1/openapi.json, the Swagger UI
at /api/v1/docs (django-ninja's static files: no inline script, so it runs under the site's CSP).
"""

from django.http import Http404
from ninja import NinjaAPI, Router

from cases.api import absence, problems, referrals, reporting
from roundtable import api as roundtable_api

DESCRIPTION = """For the systems around the job centre: an employer's HR system sends fast-track referrals;
the municipality's own reporting reads cases, clocks (deadlines) and meetings, never health text.

Authentication: `Authorization: Bearer <token>`, one token per sending system, made and revoked by the
administrator. Scopes: `referrals:write`, `absence:write`, `reporting:read`, `reporting:cpr` (full CPR and
name; masked DDMMYY-XXXX otherwise). Each token has its own rate limit (calls per minute).

Errors are `application/problem+json` (RFC 9457) with `title`/`detail` in the language of
`Accept-Language` (Danish by default) and in both languages (`title_da`, `title_en`, ...).
Every call is written to the access log with the system as the actor."""


class FastholdelseAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return problems.problem_content_types(super().get_openapi_schema(*args, **kwargs))


api = FastholdelseAPI(title="Fastholdelse API", version="1", description=DESCRIPTION, urls_namespace="api")
problems.install(api)

# The features' routers. A new endpoint (e.g. absence spells in) adds its router here.
ROUTERS = [referrals.router, absence.router, reporting.router, roundtable_api.router]
for router in ROUTERS:
    api.add_router("/", router)

# Always last (its pattern matches every address): any other address under /api/v1/ is a 404 problem
# too, not an HTML page, whatever the method.
fallback = Router()


@fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False,
                        url_name="not_found")
def not_found(request, rest: str):
    raise Http404


@fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/", include_in_schema=False, url_name="root")
def root(request):
    raise Http404


api.add_router("/", fallback)
