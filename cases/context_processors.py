from django.db import DatabaseError

from .identity import sender
from .models import Notification
from .roles import is_admin, is_staff_member, is_team_lead


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # Employers, employees and participants see the job centre, not the product (one query; an error
        # page shown while the database is away still renders).
        try:
            return {"site_name": sender().name}
        except DatabaseError:
            return {}
    return {
        "nav_is_staff": is_staff_member(user),
        "nav_is_team_lead": is_team_lead(user),
        "nav_is_admin": is_admin(user),
        # One indexed count per page (partial index on unread rows).
        "site_name": "Fastholdelse",
        "nav_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
