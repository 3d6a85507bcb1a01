"""Signed, expiring links for people without an account: one scheme for every purpose.

`make_link(purpose, obj, max_age)` signs the object's id, the purpose (as the salt: a token made for
one purpose never opens another) and its expiry; `read_link(purpose, token)` returns the id or raises
LinkExpired / LinkInvalid. The token carries nothing else: no name, no CPR.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.core import signing


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def _salt(purpose: str) -> str:
    return f"fastholdelse.link.{purpose}"


def make_link(purpose: str, obj, max_age: timedelta) -> str:
    """A token for `obj` (a model instance or its primary key) valid for `max_age` from now."""
    pk = getattr(obj, "pk", obj)
    expires = int(time.time() + max_age.total_seconds())
    return signing.dumps({"id": pk, "exp": expires}, salt=_salt(purpose))


def read_link(purpose: str, token: str) -> int:
    try:
        data = signing.loads(token, salt=_salt(purpose))
        pk, expires = int(data["id"]), int(data["exp"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkInvalid from error
    if expires < time.time():
        raise LinkExpired
    return pk
