from .models import Notification
from .roles import is_admin, is_staff_member, is_team_lead


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_staff": is_staff_member(user),
        "nav_is_team_lead": is_team_lead(user),
        "nav_is_admin": is_admin(user),
        # One indexed count per page (partial index on unread rows).
        "nav_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
