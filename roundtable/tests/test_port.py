"""The meetings port (cases.ports.meetings) and the pages that read through it: the employer's fast-track
status page and the case page's meeting block, with meetings in every state."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.fasttrack import services as fasttrack
from cases.fasttrack import signing
from cases.models import Referral
from cases.ports import meetings as port
from cases.tests.factories import make_team, make_user
from cases.tests.test_fasttrack import form_data
from roundtable import services
from roundtable.models import Meeting
from roundtable.port import RoundtableMeetings
from roundtable.tests.factories import fill_goals, make_meeting

pytestmark = pytest.mark.django_db

PLACES = {
    "invited": "Lokale INVITERET",
    "moved": "Lokale FLYTTET",
    "cancelled": "Lokale AFLYST",
    "held": "Lokale AFHOLDT",
    "final": "Lokale REFERAT",
}


@pytest.fixture
def every_state(client, settings, tmp_path):
    """A fast-track case with five meetings: invited, moved, cancelled, held, held with final minutes."""
    settings.MEDIA_ROOT = tmp_path
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    consultant = make_user("mette", team=team, first_name="Mette", last_name="Jensen", email="mette@kommune.example")
    client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="10.9.9.9")
    referral = Referral.objects.get()
    case = fasttrack.referral_accept(referral=referral, actor=consultant)
    made = {}
    for offset, (state, place) in enumerate(PLACES.items(), start=1):
        made[state] = make_meeting(case=case, actor=consultant, starts_in=timedelta(days=offset), place=place)
    services.meeting_move(accept_late=True, meeting=made["moved"], actor=consultant, reason="Lokalet er optaget",
                          slot=services.SlotData(starts_at=timezone.now() + timedelta(days=9), place=PLACES["moved"]))
    services.meeting_cancel(meeting=made["cancelled"], actor=consultant, reason="AFLYSNINGSGRUND-intern")
    for state in ("held", "final"):
        services.meeting_hold(meeting=made[state], actor=consultant)
        made[state].refresh_from_db()
    fill_goals(made["final"], consultant)  # agreements for "Lone Madsen" (employer) and "Søren Østergård"
    services.agreement_add(meeting=made["held"], actor=consultant, who="Hanne Ærenlund", what="Finder skånejob-opgaver")
    services.minutes_finalise(meeting=made["final"], actor=consultant, send=False)
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    return referral, case, made, token


def test_the_port_is_registered_by_the_roundtable_app():
    assert isinstance(port.provider(), RoundtableMeetings)


def test_status_page_shows_meetings_in_every_state_and_only_the_employers_agreements(client, every_state):
    _referral, _case, _made, token = every_state
    response = client.get(reverse("fasttrack:status", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    for place in PLACES.values():
        assert place in page, place
    for label in ("inviteret", "flyttet", "aflyst", "afholdt", "referat sendt"):
        assert label in page, label
    assert page.count("referat sendt") == 1
    # The employer's agreements (the employer participant and the contact person), not the employee's.
    assert "Fjerner gårdvagt" in page and "Finder skånejob-opgaver" in page
    assert "Bestiller tid hos egen læge" not in page
    # Internal free text stays internal.
    assert "AFLYSNINGSGRUND" not in page and "Lokalet er optaget" not in page


def test_employer_meetings_lists_each_state_in_time_order(every_state):
    _referral, case, made, _token = every_state
    found = port.provider().employer_meetings(case, employer_names=["Nordlys Lager & Logistik A/S"])
    states = [(m.state, m.minutes_final) for m in found.meetings]
    assert sorted(states) == sorted([("invited", False), ("moved", False), ("cancelled", False), ("held", False),
                                     ("held", True)])
    assert [m.starts_at for m in found.meetings] == sorted(m.starts_at for m in found.meetings)
    # The employer participant "Lone Madsen" counts as the employer side without being named by the caller.
    assert {a.what for a in found.agreements} == {"Fjerner gårdvagt"}


def test_case_page_meeting_block_reads_through_the_port(client, every_state):
    _referral, case, made, _token = every_state
    rows = {row.url: row for row in port.provider().case_meetings(case)}
    final = rows[reverse("roundtable:detail", args=[case.reference, made["final"].pk])]
    assert final.minutes_version == 1 and final.minutes_url == reverse("roundtable:pdf", args=[case.reference, made["final"].pk, 1, "full"])
    assert final.agreed_step.startswith("4. ") and final.placements_differ
    assert final.placement_employee.startswith("5. ") and final.placement_employer.startswith("3. ")
    assert rows[reverse("roundtable:detail", args=[case.reference, made["cancelled"].pk])].state == Meeting.State.CANCELLED
    client.force_login(case.consultant)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    for meeting in made.values():
        assert reverse("roundtable:detail", args=[case.reference, meeting.pk]) in page
    assert final.minutes_url in page
    assert reverse("roundtable:create", args=[case.reference]) in page
    assert "4. Sygemeldt med kontakt og en plan for tilbagevenden" in page


def test_case_page_meeting_block_costs_a_fixed_number_of_queries(client, every_state, django_assert_max_num_queries):
    _referral, case, _made, _token = every_state
    with django_assert_max_num_queries(5):
        rows = port.provider().case_meetings(case)
    assert len(rows) == 5


def test_without_a_provider_the_pages_show_no_meetings(client, every_state, monkeypatch):
    referral, case, _made, token = every_state
    monkeypatch.setattr(port, "_provider", None)
    page = client.get(reverse("fasttrack:status", args=[token])).content.decode()
    assert PLACES["invited"] not in page
    client.force_login(case.consultant)
    case_page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert 'id="meetings-h"' not in case_page and reverse("roundtable:create", args=[case.reference]) not in case_page


def test_status_page_costs_a_fixed_number_of_queries(client, every_state, django_assert_max_num_queries):
    _referral, _case, _made, token = every_state
    # 9: the organisation settings (the sender at the foot of the page) are one more.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("fasttrack:status", args=[token])).status_code == 200
