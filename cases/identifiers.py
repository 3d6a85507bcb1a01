"""CPR and CVR numbers: normalising, validating (python-stdnum) and masking.

CPR: modulus 11 was abandoned in 2007, so it is never checked; stdnum.dk.cpr checks the format and
that the birth date exists and is not in the future. CVR: 8 digits with the weighted checksum.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr


def normalise_digits(value: str) -> str:
    return "".join(ch for ch in (value or "") if not ch.isspace() and ch != "-")


def validate_cpr(value: str) -> str:
    """Return the CPR as 10 digits or raise ValidationError with a Danish message."""
    digits = normalise_digits(value)
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError(_("A CPR number has 10 digits, written DDMMYY-SSSS."), code="cpr_format")
    try:
        stdnum_cpr.validate(digits)
    except stdnum_exceptions.InvalidComponent:
        raise ValidationError(
            _("The CPR number's birth date does not exist or lies in the future."), code="cpr_date"
        ) from None
    except (stdnum_exceptions.ValidationError, ValueError):
        raise ValidationError(_("The CPR number is not valid."), code="cpr_invalid") from None
    return digits


def validate_cvr(value: str) -> str:
    """Return the CVR as 8 digits or raise ValidationError with a Danish message."""
    digits = normalise_digits(value)
    if len(digits) != 8 or not digits.isdigit():
        raise ValidationError(_("A CVR number has 8 digits."), code="cvr_format")
    try:
        stdnum_cvr.validate(digits)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(_("The CVR number's check digit does not match: check for typing errors."), code="cvr_checksum") from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(_("The CVR number is not valid."), code="cvr_invalid") from None
    return digits


def validate_p_number(value: str) -> str:
    digits = normalise_digits(value)
    if digits and (len(digits) != 10 or not digits.isdigit()):
        raise ValidationError(_("A P-number has 10 digits."), code="p_number_format")
    return digits


def format_cpr(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits


def mask_cpr(digits: str) -> str:
    """DDMMYY-XXXX: the birth date is shown, the serial number is not."""
    return f"{digits[:6]}-XXXX" if len(digits) == 10 else "XXXXXX-XXXX"


def looks_like_cpr(value: str | None) -> bool:
    """A full CPR number (10 digits once spaces and dashes are gone). Checks the shape only, so that a
    mistyped CPR is treated as a CPR too (kept out of URLs and logs)."""
    digits = normalise_digits(value or "")
    return len(digits) == 10 and digits.isdigit()


def cpr_hash(digits: str) -> str:
    """A keyed hash (HMAC-SHA256) of a CPR: a decided referral can still be found by the person's CPR
    (the citizen's insight request, cases.cpr.referrals_for_cpr) without keeping the number. The key is CPR_HASH_KEY, or
    derived from SECRET_KEY when that is not set; changing it makes existing hashes unfindable."""
    key = settings.CPR_HASH_KEY or settings.SECRET_KEY
    return salted_hmac("fastholdelse.cpr-hash", normalise_digits(digits), secret=key, algorithm="sha256").hexdigest()
