"""Signed, expiring links for people without an account: the employer's status page and the
employee's consent page. The token carries the referral's id and a purpose (salt), nothing else."""

from datetime import timedelta

from django.core import signing

STATUS_SALT = "fasttrack.status"
EMPLOYEE_SALT = "fasttrack.employee"
STATUS_MAX_AGE = timedelta(days=120)  # the case's first months: meetings and agreements
EMPLOYEE_MAX_AGE = timedelta(days=30)


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def make_token(referral_id: int, *, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(str(referral_id))


def read_token(token: str, *, salt: str, max_age: timedelta) -> int:
    try:
        return int(signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age))
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError) as error:
        raise LinkInvalid from error
