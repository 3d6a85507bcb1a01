"""{% citizen_contact case %}: the case page's panel of verified contact points (cases/channel)."""

from django import template

from ..channel.contacts import contact_overview

register = template.Library()


@register.inclusion_tag("cases/channel/_panel.html")
def citizen_contact(case):
    return {"case": case, "overview": contact_overview(case.employee)}
