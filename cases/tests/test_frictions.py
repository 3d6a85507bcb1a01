"""The small frictions of the consultant's day (issue 11, item 5): "not screened" is not "glat"; the
close form explains the results' retained measure in the results' own words; the lead's note reaches
the receiver; a notification says when its mail goes; the favicon; the accessibility statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import notifications, services
from cases.dashboard.kpis import ATTACHED_OUTCOMES, RETAINED_OUTCOMES
from cases.dashboard.selectors import open_case_counts
from cases.models import Case, Notification, OutboxMessage
from cases.roles import Role
from cases.selectors import case_search
from cases.tests.factories import make_case, make_team, make_user, next_cpr

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("Nord")


@pytest.fixture
def mette(team):
    return make_user("mette", team=team, first_name="Mette", last_name="Jensen", email="mette@kommune.example")


def _create(client, team, user, **extra):
    data = {
        "cpr": next_cpr(), "employee_name": "Søren Østergård", "team": team.pk, "consultant": user.pk,
        "source": Case.Source.PHONE_CALL, "first_contact_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.order_by("-pk").first()


# --- "not screened" is not "glat" -------------------------------------------------------------------

def test_a_case_opened_without_screening_is_not_screened_in_lists_and_counts(client, team, mette):
    client.force_login(mette)
    case = _create(client, team, mette)
    assert case.complexity == Case.Complexity.UNSCREENED and case.screened_at is None
    assert not case_search(mette, complexity=Case.Complexity.SMOOTH).exists()
    assert list(case_search(mette, complexity=Case.Complexity.UNSCREENED)) == [case]
    counts = open_case_counts(mette)[mette.pk]
    assert (counts["smooth"], counts["unscreened"]) == (0, 1)
    html = client.get(reverse("cases:list")).content.decode()
    assert '<span class="badge text-bg-secondary">ikke screenet</span>' in html
    assert '<span class="badge text-bg-success">glat</span>' not in html
    assert not case.events.filter(kind="case_screened").exists()
    # Only a saved screening makes it smooth.
    services.case_screen(case=case, actor=mette, screening=services.Screening())
    case.refresh_from_db()
    assert case.complexity == Case.Complexity.SMOOTH and case.screened_at is not None


def test_a_screening_done_at_intake_is_kept(client, team, mette):
    client.force_login(mette)
    smooth = _create(client, team, mette, screened_now="on")
    assert smooth.complexity == Case.Complexity.SMOOTH and smooth.screened_at is not None
    complex_ = _create(client, team, mette, risk_mental_health="on")  # a ticked factor is a screening
    assert complex_.complexity == Case.Complexity.COMPLEX
    html = client.get(reverse("cases:create")).content.decode()
    assert "Jeg har lavet risikoscreeningen nu" in html and "ikke screenet" in html


# --- the close form speaks the results' language ------------------------------------------------------

def test_the_close_form_explains_what_counts_as_retained_in_the_results_words(client, team, mette):
    case = make_case(team=team, consultant=mette)
    client.force_login(mette)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "I resultaterne tæller ”Fastholdt i job”" in html
    labels = dict(Case.Outcome.choices)
    for value in RETAINED_OUTCOMES | ATTACHED_OUTCOMES:
        assert f"”{labels[value]}”" in html, value
    for value in set(Case.Outcome.values) - RETAINED_OUTCOMES - ATTACHED_OUTCOMES:
        assert f"”{labels[value]}”" not in html, value
    # The outcome's label is the results' heading for it.
    results_heading = "Delvis raskmelding eller arbejdsprøvning"
    assert str(labels["partial_return"]).lower() == results_heading.lower()
    assert f'<option value="partial_return">{results_heading.lower()}</option>' in html


# --- the lead's note reaches the receiver ------------------------------------------------------------

def test_the_leads_note_reaches_the_receiver_in_app_and_by_mail(client, team, mette):
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=team, lead=True, first_name="Birgitte")
    fatima = make_user("fatima", team=team, first_name="Fatima", last_name="Ali", email="fatima@kommune.example")
    case = make_case(team=team, consultant=mette)
    client.force_login(lead)
    response = client.post(reverse("cases:reassign", args=[case.reference]),
                           {"consultant": fatima.pk, "note": "Mette er på ferie; ring til Lone i morgen."})
    assert response.status_code == 302
    notice = Notification.objects.get(recipient=fatima, kind="case_assigned")
    assert "Note fra Birgitte Bruger: Mette er på ferie; ring til Lone i morgen." in notice.body
    mail = OutboxMessage.objects.get(to=["fatima@kommune.example"])
    assert "ring til Lone i morgen" in mail.text
    client.force_login(fatima)
    assert "ring til Lone i morgen" in client.get(reverse("cases:notifications")).content.decode()


def test_the_bulk_reassign_note_reaches_the_receiver(client, team, mette):
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=team, lead=True, first_name="Birgitte")
    fatima = make_user("fatima", team=team, first_name="Fatima", last_name="Ali")
    case = make_case(team=team, consultant=mette)
    client.force_login(lead)
    response = client.post(reverse("dashboard:reassign"),
                           {"cases": [case.pk], "consultant": fatima.pk, "note": "Overtag fra mandag."})
    assert response.status_code == 302
    assert "Overtag fra mandag." in Notification.objects.get(recipient=fatima, case=case).body


# --- a notification says when its mail goes -----------------------------------------------------------

def test_a_notification_says_when_its_mail_is_sent(client, team, mette):
    case = make_case(team=team, consultant=mette)
    morning = timezone.now() + timedelta(hours=9)
    waiting = notifications.notify(recipient=mette, kind="deadline_warning", title="Frist i morgen", body="x",
                                   dedup_key="t:waiting", case=case, email_after=morning)
    sent = notifications.notify(recipient=mette, kind="case_assigned", title="Ny sag", body="y", dedup_key="t:sent",
                                case=case)
    OutboxMessage.objects.filter(dedup_key="mail:t:sent").update(state=OutboxMessage.State.SENT, sent_at=timezone.now())
    notifications.notify(recipient=mette, kind="case_assigned", title="Kun i appen", body="z", dedup_key="t:none",
                         email=False)
    states = notifications.mail_states([waiting, sent])
    assert states[waiting.pk].state == "waiting" and states[waiting.pk].at == morning
    assert states[sent.pk].state == "sent"
    client.force_login(mette)
    html = client.get(reverse("cases:notifications")).content.decode()
    at = timezone.localtime(morning)
    assert f"{at.day:02d}/{at.month:02d} {at:%H:%M}, i arbejdstiden." in html
    assert html.count('data-mail="waiting"') == 1 and html.count('data-mail="sent"') == 1
    assert 'data-mail="queued"' not in html and 'data-mail="not_sent"' not in html
    assert "Mails om frister sendes kun i arbejdstiden (hverdage kl. 8-16)" in html


# --- favicon and accessibility statement ---------------------------------------------------------------

def test_the_favicon_answers_and_is_linked(client, team, mette, settings):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/favicon.svg")
    assert (settings.BASE_DIR / "static" / "favicon.svg").read_text().startswith("<svg")
    client.force_login(mette)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get(
        reverse("cases:list")).content.decode()


def test_the_accessibility_statement_is_public_danish_and_linked_in_the_footer(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "web@helsingor.example"
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200  # no login
    html = response.content.decode()
    assert "<h1 class=\"h3\">Tilgængelighedserklæring</h1>" in html
    assert "axe-core" in html and "390 pixel" in html and "Test med tastatur" in html
    assert 'href="mailto:web@helsingor.example"' in html and "Meld et problem" in html
    assert "Digitaliseringsstyrelsen" in html
    login = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("accessibility")}">Tilgængelighedserklæring</a>' in login
