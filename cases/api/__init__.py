"""The API for the systems around the job centre (django-ninja; assembled in fastholdelse/api.py).

- `referrals`: fast-track referrals in, validated by the public form itself;
- `reporting`: cases and clocks out for the municipality's own reporting (meetings: roundtable/api.py);
- `auth`: a bearer token per sending system, with scopes, a rate limit and the CPR guard;
- `problems`: every error as application/problem+json in Danish and English.
"""
