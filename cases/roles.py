"""Roles are Django groups; team membership decides which cases a user may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _


class Role:
    CONSULTANT = "consultant"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"
    ALL = (CONSULTANT, TEAM_LEAD, ADMIN)


def _group_names(user) -> set[str]:
    # Cached on the user object: templates and views ask several times per request.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._role_names


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or Role.ADMIN in _group_names(user)))


def is_team_lead(user) -> bool:
    return bool(user.is_authenticated and (Role.TEAM_LEAD in _group_names(user) or is_admin(user)))


def is_consultant(user) -> bool:
    return bool(user.is_authenticated and Role.CONSULTANT in _group_names(user))


def is_staff_member(user) -> bool:
    """Anyone who works with cases: consultant, team lead or admin."""
    return is_consultant(user) or is_team_lead(user)


ROLE_LABELS = {Role.CONSULTANT: _("consultant"), Role.TEAM_LEAD: _("team lead"), Role.ADMIN: _("administrator")}


def role_label(user) -> str:
    """The user's roles in words, e.g. for the citizen's insight export ("who looked")."""
    if user is None:
        return ""
    names = _group_names(user)
    labels = [str(label) for role, label in ROLE_LABELS.items() if role in names]
    if user.is_superuser and Role.ADMIN not in names:
        labels.append(str(ROLE_LABELS[Role.ADMIN]))
    return ", ".join(labels)
