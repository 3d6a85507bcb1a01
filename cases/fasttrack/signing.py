"""Signed, expiring links for people without an account: the employer's status page and the
employee's consent page. The token carries the referral's id and a purpose (salt), nothing else."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

from ..signing import LinkExpired, LinkInvalid

__all__ = ["LinkExpired", "LinkInvalid", "make_token", "read_token", "employee_max_age"]

STATUS_SALT = "fasttrack.status"
EMPLOYEE_SALT = "fasttrack.employee"
STATUS_MAX_AGE = timedelta(days=120)  # the case's first months: meetings and agreements


def employee_max_age() -> timedelta:
    """The consent link lives a short time (FASTTRACK_CONSENT_LINK_DAYS): it goes to an address the
    employer typed, and the answer is due early in the sick leave anyway."""
    return timedelta(days=settings.FASTTRACK_CONSENT_LINK_DAYS)


def make_token(referral_id: int, *, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(str(referral_id))


def read_token(token: str, *, salt: str, max_age: timedelta) -> int:
    try:
        return int(signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age))
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError) as error:
        raise LinkInvalid from error
