"""The case page's meeting block reads meetings through the meetings port, never a feature's models."""

from django import template

from ..models import Case
from ..ports import meetings

register = template.Library()


@register.simple_tag
def case_meetings(case: Case) -> dict:
    """{"enabled", "rows", "booking_url"} for the meeting block; enabled is False without a provider."""
    port = meetings.provider()
    if port is None:
        return {"enabled": False, "rows": [], "booking_url": ""}
    return {"enabled": True, "rows": port.case_meetings(case), "booking_url": port.booking_url(case) if case.is_open else ""}
