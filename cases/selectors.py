"""Reads. `cases_visible_to` is the one way in: every list, detail page, dashboard, search and
export starts from it, so a list can never show a row that refuses to open."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from .flags import FLAGS, flag_q
from .identifiers import normalise_digits
from .models import Case, Team
from .models.people import fold
from .roles import is_admin

User = get_user_model()


def teams_of(user) -> QuerySet[Team]:
    """Teams the user belongs to or leads (all teams for an admin)."""
    if is_admin(user):
        return Team.objects.all()
    return Team.objects.filter(Q(members=user) | Q(leads=user)).distinct()


def cases_visible_to(user) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    if is_admin(user):
        return Case.objects.all()
    team_ids = Team.objects.filter(Q(members=user) | Q(leads=user)).values("id")
    return Case.objects.filter(team_id__in=team_ids)


def case_get_visible(user, *, reference: str) -> Case:
    """The case if the user may see it; otherwise 404 (never 403: a guessed URL learns nothing)."""
    try:
        return cases_visible_to(user).select_related("employee", "employer", "employer_contact", "team", "consultant").get(
            reference=reference
        )
    except Case.DoesNotExist:
        raise Http404 from None


def consultants_of(teams) -> QuerySet:
    return User.objects.filter(Q(teams__in=teams) | Q(led_teams__in=teams), is_active=True).distinct().order_by(
        "first_name", "username"
    )


SORTS = {
    "first_contact": "first_contact_at",
    "-first_contact": "-first_contact_at",
    "reference": "reference",
    "-reference": "-reference",
    "name": "employee__name",
    "-name": "-employee__name",
    "activity": "last_activity_at",
    "-activity": "-last_activity_at",
}


def case_search(
    user,
    *,
    q: str = "",
    status: str = "",
    consultant: str = "",
    team: str = "",
    complexity: str = "",
    flag: str = "",
    sort: str = "-first_contact",
    now=None,
) -> QuerySet[Case]:
    """The case list: visible cases filtered and sorted, with the rows the page shows joined in.

    `flag` is one of the dashboard's cards (cases.flags.FLAGS): the card counts with the
    same condition, so its number always matches this list."""
    qs = cases_visible_to(user).select_related("employee", "employer", "team", "consultant")
    q = (q or "").strip()
    if q:
        digits = normalise_digits(q)
        if len(digits) == 10 and digits.isdigit():
            # Full CPR only: partial CPR search would let a user probe birth dates.
            qs = qs.filter(employee__cpr=digits)
        else:
            qs = qs.filter(
                Q(reference__iexact=q) | Q(reference__icontains=q) | Q(employee__name_folded__contains=fold(q))
                | Q(employer__name__icontains=q)
            )
    if status in Case.Status.values:
        qs = qs.filter(status=status)
    if consultant == "none":
        qs = qs.filter(consultant__isnull=True)
    elif consultant.isdigit():
        qs = qs.filter(consultant_id=int(consultant))
    if team.isdigit():
        qs = qs.filter(team_id=int(team))
    if complexity in Case.Complexity.values:
        qs = qs.filter(complexity=complexity)
    if flag in FLAGS:
        qs = qs.filter(flag_q(flag, now=now))
    return qs.order_by(SORTS.get(sort, "-first_contact_at"), "-id")
