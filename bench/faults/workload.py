"""What the fault suite and the load run send: logged-in sessions, the pages of the mix and the two POST
forms. Runs in the driver process, on the stack's database through the ORM (Stack.django())."""

from __future__ import annotations

import random
from datetime import timedelta

from stack import CSRF

CONSULTANTS = ("konsulent", "konsulent2", "konsulent3")
TEAM_LEAD = "teamleder"


def session_key(username: str) -> str:
    """A logged-in session for the user, made as the login view makes it (without hashing a password
    per virtual user, which would load the machine more than the pages do)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def targets(*, sessions_per_user: int = 1) -> dict:
    """JSON-able: per user the session keys, the case references and meeting paths the user may open."""
    from django.contrib.auth import get_user_model

    from cases.models import Case
    from roundtable.models import Meeting

    users = {}
    for username in (*CONSULTANTS, TEAM_LEAD):
        user = get_user_model().objects.get(username=username)
        teams = list(user.teams.values_list("pk", flat=True)) + list(user.led_teams.values_list("pk", flat=True))
        cases = list(Case.objects.filter(team_id__in=teams, status=Case.Status.OPEN)
                     .order_by("-last_activity_at").values_list("reference", flat=True)[:50])
        meetings = [f"/sager/{reference}/moeder/{pk}/" for pk, reference in
                    Meeting.objects.filter(case__team_id__in=teams).values_list("pk", "case__reference")[:30]]
        users[username] = {
            "sessions": [session_key(username) for _ in range(sessions_per_user)],
            "cases": cases, "meetings": meetings, "lead": username == TEAM_LEAD,
        }
    return users


def referral_form(*, contact_email: str, employee_email: str) -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "csrfmiddlewaretoken": CSRF, "cvr": "13585628", "p_number": "", "employer_name": "Nordlys Lager & Logistik A/S",
        "employer_address": "Industrivej 40, 6000 Kolding", "contact_name": "Hanne Ærenlund", "contact_role": "HR-partner",
        "contact_phone": "+45 70 20 30 40", "contact_email": contact_email, "employee_name": "Jørgen Ærø",
        "employee_cpr": "020369-2468", "employee_email": employee_email, "employee_phone": "",
        "job_title": "lagermedarbejder", "first_absence_day": (today - timedelta(weeks=3)).isoformat(),
        "expected_over_8_weeks": "True", "affected_functions": "Løft og truckkørsel.", "affected_duration": "Tre uger.",
        "work_adapted": "Nej.", "absence_conversation_held": "False", "possibility_statement": "False",
        "adjustments_tried": "", "employee_told": "True", "meeting_wishes": "", "website": "",
    }


def journal_form(text: str, now_local: str) -> dict:
    return {"csrfmiddlewaretoken": CSRF, "kind": "note", "text": text, "occurred_at": now_local}


def cookies(session: str) -> dict:
    return {"sessionid": session, "csrftoken": CSRF}


def page_mix(users: dict, rng: random.Random, *, posts: bool = True):
    """Endless (kind, method, path, username, data) of the mixed pages, as a user clicks through."""
    names = list(users)
    while True:
        username = rng.choice(names)
        user = users[username]
        choices = [("case_list", "GET", "/sager/"), ("notifications", "GET", "/sager/notifikationer/"),
                   ("fasttrack_form", "GET", "/fast-track/")]
        if user["cases"]:
            choices.append(("case_page", "GET", f"/sager/{rng.choice(user['cases'])}/"))
        if user["meetings"]:
            choices.append(("meeting", "GET", rng.choice(user["meetings"])))
        if user["lead"]:
            choices.append(("overview", "GET", "/overblik/"))
        if posts and user["cases"]:
            choices.append(("journal_post", "POST", f"/sager/{rng.choice(user['cases'])}/journal/"))
        yield (*rng.choice(choices), username)
