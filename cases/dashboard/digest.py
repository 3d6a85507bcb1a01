"""The morning mail: at 07:30 on working days, each consultant who switched it on gets the counts of
"Mit arbejde" with links. Counts and links only: no names, no references, no health data, so a mail
that travels outside the municipality's systems carries nothing about a citizen."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..deadlines import work_calendar
from ..models import ConsultantProfile
from ..notifications import outbox_enqueue_many, outbox_message
from .mywork import SECTIONS, my_work

User = get_user_model()


def digest_set(*, user: User, on: bool) -> ConsultantProfile:
    profile, _created = ConsultantProfile.objects.get_or_create(user=user)
    if profile.morning_digest != on:
        profile.morning_digest = on
        profile.save(update_fields=["morning_digest"])
    return profile


def _labels() -> dict[str, str]:
    return {
        "meetings_today": _("Meetings today"), "meetings_tomorrow": _("Meetings tomorrow"), "overdue": _("Overdue"),
        "due_today": _("Due today"), "due_week": _("Due this week"), "tasks": _("My follow-up tasks"),
        "invitations": _("Invitations without an answer"), "referrals": _("Fast-track referrals waiting"),
        "calls": _("Calls waiting to become cases"), "swaps": _("Swap requests waiting"),
    }


def digest_text(*, counts: dict[str, int]) -> str:
    base = settings.SITE_URL + reverse("mywork:index")
    labels = _labels()
    lines = [_("Good morning. This is your work today:"), ""]
    lines += [f"{labels[key]}: {counts[key]}  {base}#{key}" for key in SECTIONS]
    lines += ["", _("Switch this mail off on My work: %(url)s") % {"url": base}]
    return "\n".join(lines)


def digests_send(*, now: datetime | None = None) -> int:
    """Queue today's mail for every user who switched it on; nothing on a weekend or a closed day. The
    dedup key (user, day) makes a second run, a retried task or a second beat send nothing twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not work_calendar(years=[today.year]).is_working_day(today):
        return 0
    users = User.objects.filter(is_active=True, consultant_profile__morning_digest=True).exclude(email="")
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            counts = my_work(user, now=now).counts
            messages.append(outbox_message(
                to=user.email, subject=ngettext("My work %(day)s: %(overdue)s overdue, %(meetings)s meeting today",
                                 "My work %(day)s: %(overdue)s overdue, %(meetings)s meetings today",
                                 counts["meetings_today"]) % {
                    "day": today.strftime("%d/%m"), "overdue": counts["overdue"], "meetings": counts["meetings_today"]},
                text=digest_text(counts=counts), dedup_key=f"morning-digest:{user.pk}:{today.isoformat()}",
            ))
    outbox_enqueue_many(messages)
    return len(messages)
