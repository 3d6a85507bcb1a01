"""One-time codes: six digits, sent to a verified contact point or handed over in person.

Stored as a keyed hash. A new code replaces the older ones; each code expires (CITIZEN_CODE_MINUTES,
longer when handed over in person) and locks after CITIZEN_CODE_ATTEMPTS wrong tries; at most
CITIZEN_CODES_PER_HOUR are issued per person. Every wrong try is an event on the case's timeline.
"""

from __future__ import annotations

import enum
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from ..models import Case, ContactPoint, OneTimeCode
from ..services import event_record
from .sms import SmsUnavailable, send_sms

logger = logging.getLogger(__name__)

CODE_DIGITS = 6


def _hash(employee_id: int, code: str) -> str:
    return salted_hmac("cases.channel.one-time-code", f"{employee_id}:{code}").hexdigest()


def _issue(*, case: Case, contact_point: ContactPoint | None, actor) -> str:
    now = timezone.now()
    OneTimeCode.objects.filter(employee_id=case.employee_id, used_at__isnull=True, replaced_at__isnull=True).update(
        replaced_at=now)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = settings.CITIZEN_CODE_MINUTES if contact_point else settings.CITIZEN_CODE_IN_PERSON_MINUTES
    OneTimeCode.objects.create(employee_id=case.employee_id, code_hash=_hash(case.employee_id, code),
                               sent_to=contact_point, issued_by=actor, created_at=now,
                               expires_at=now + timedelta(minutes=minutes))
    return code


@transaction.atomic
def code_hand_over(*, case: Case, actor) -> str:
    """A code for the consultant to give the citizen face to face. Returned once; only its hash is kept."""
    code = _issue(case=case, contact_point=None, actor=actor)
    event_record(case=case, actor=actor, kind="code_handed_over",
                 summary=_("A one-time code was handed to the citizen in person."))
    return code


def _deliver(point: ContactPoint, code: str) -> None:
    with override("da"):
        minutes = settings.CITIZEN_CODE_MINUTES
        text = ngettext("Your code from the job centre: %(code)s. It works for %(minutes)d minute. "
                        "Never give it to anyone.",
                        "Your code from the job centre: %(code)s. It works for %(minutes)d minutes. "
                        "Never give it to anyone.", minutes) % {"code": code, "minutes": minutes}
        if point.kind == ContactPoint.Kind.PHONE:
            send_sms(to=point.value, text=text)
        else:
            # Sent at once rather than through the outbox: the code is short-lived and should not be stored.
            from ..notifications import mail_footer

            send_mail(_("Your code from the job centre"), f"{text}\n{mail_footer()}\n", settings.DEFAULT_FROM_EMAIL,
                      [point.value])


@transaction.atomic
def code_send(*, case: Case, point: ContactPoint) -> None:
    """Send a new code to one of the citizen's verified contact points. Raises ValidationError with
    a message for the citizen when it cannot."""
    if point.employee_id != case.employee_id or not point.is_verified:
        raise ValidationError(_("We can only send a code to a phone number or address the job centre has "
                                "verified with you. Contact your retention consultant."))
    since = timezone.now() - timedelta(hours=1)
    if OneTimeCode.objects.filter(employee_id=case.employee_id, created_at__gte=since).count() >= settings.CITIZEN_CODES_PER_HOUR:
        raise ValidationError(_("Too many codes have been sent within the last hour. Wait a while, or contact "
                                "your retention consultant."))
    code = _issue(case=case, contact_point=point, actor=None)
    try:
        _deliver(point, code)
    except (SmsUnavailable, OSError) as error:  # gateway or mail server down: nothing is kept, try another way
        logger.warning("Could not send a one-time code to contact point %s: %s", point.pk, error)
        raise ValidationError(_("We could not send the code just now. Try again in a moment, or choose another way.")) from None
    event_record(case=case, actor=None, kind="code_sent",
                 summary=_("One-time code sent to %(where)s.") % {"where": point.label})


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"
    MISSING = "missing"


@dataclass(frozen=True)
class CodeCheck:
    outcome: Outcome
    attempts_left: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def clean_code(value: str) -> str:
    code = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
        raise ValidationError(_("Write the code with its %(n)d digits.") % {"n": CODE_DIGITS})
    return code


@transaction.atomic
def code_check(*, case: Case, code: str) -> CodeCheck:
    """Check a code typed by the citizen against their newest code. A right code is used up; a wrong
    one counts an attempt. Returns the outcome (never raises: the attempt must be stored)."""
    now = timezone.now()
    limit = settings.CITIZEN_CODE_ATTEMPTS
    current = (OneTimeCode.objects.select_for_update()
               .filter(employee_id=case.employee_id, used_at__isnull=True, replaced_at__isnull=True)
               .order_by("-created_at", "-pk").first())
    if current is None:
        result = CodeCheck(Outcome.MISSING)
    elif current.expires_at <= now:
        result = CodeCheck(Outcome.EXPIRED)
    elif current.attempts >= limit:
        result = CodeCheck(Outcome.LOCKED)
    elif constant_time_compare(current.code_hash, _hash(case.employee_id, code)):
        OneTimeCode.objects.filter(pk=current.pk).update(used_at=now)
        return CodeCheck(Outcome.OK)
    else:
        current.attempts += 1
        OneTimeCode.objects.filter(pk=current.pk).update(attempts=current.attempts)
        left = limit - current.attempts
        result = CodeCheck(Outcome.WRONG if left > 0 else Outcome.LOCKED, attempts_left=left)
    logger.warning("Failed one-time code for case %s: %s", case.reference, result.outcome.value)
    event_record(case=case, actor=None, kind="code_failed", summary={
        Outcome.WRONG: ngettext("A wrong one-time code was typed (%(n)d of %(limit)d attempt).",
                                "A wrong one-time code was typed (%(n)d of %(limit)d attempts).", limit) % {
            "n": limit - result.attempts_left, "limit": limit},
        Outcome.LOCKED: _("The one-time code is locked after too many wrong attempts."),
        Outcome.EXPIRED: _("An expired one-time code was typed."),
        Outcome.MISSING: _("A one-time code was typed, but no valid code exists."),
    }[result.outcome])
    return result


# --- the grant: after the right code, the citizen's documents are open in that browser session ----

GRANTS = "citizen_grants"


def grant(session, *, employee_id: int) -> None:
    session.cycle_key()  # a new session id at the moment it gains access
    until = timezone.now() + timedelta(minutes=settings.CITIZEN_GRANT_MINUTES)
    grants = dict(session.get(GRANTS, {}))
    grants[str(employee_id)] = until.timestamp()
    session[GRANTS] = grants


def granted(session, *, employee_id: int) -> bool:
    until = session.get(GRANTS, {}).get(str(employee_id))
    return bool(until and until > timezone.now().timestamp())
