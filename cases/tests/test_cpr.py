"""CPR: searched only by POST (never in a URL, never raw in the log), revealed only for a stated
purpose that is logged; a bad or missing purpose gets a Danish message and loses nothing."""

import pytest
from django.urls import reverse

from cases.audit import mask_cpr_like as mask_cpr_in_text
from cases.identifiers import looks_like_cpr
from cases.models import AccessLog
from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db

CPR = "0101701234"
FORMATTED = "010170-1234"


@pytest.fixture
def world():
    nord = make_team("Nord")
    mette = make_user("mette", team=nord)
    case = make_case(team=nord, consultant=mette, cpr=CPR, name="Søren Østergård")
    other = make_case(team=nord, consultant=mette, name="Åse Ærø")
    return {"nord": nord, "mette": mette, "case": case, "other": other}


def assert_no_cpr(text: str):
    assert CPR not in text and FORMATTED not in text and "010170 1234" not in text


def test_mask_cpr_in_text_and_looks_like_cpr():
    assert mask_cpr_in_text("søgte 010170-1234 og 0202801234, ikke 12345678901") == (
        "søgte 010170-XXXX og 020280-XXXX, ikke 12345678901")
    assert mask_cpr_in_text("q=010170+1234&x=1") == "q=010170-XXXX&x=1"
    assert mask_cpr_in_text("q=010170%201234") == "q=010170-XXXX"
    assert looks_like_cpr("010170-1234") and looks_like_cpr(" 0101701234 ") and not looks_like_cpr("FH-2026-00001")


def test_a_cpr_search_is_a_post_answered_directly(client, world):
    client.force_login(world["mette"])
    response = client.post(reverse("cases:list"), {"q": FORMATTED})
    assert response.status_code == 200  # no redirect: a Location header would carry the search
    assert "Location" not in response
    html = response.content.decode()
    assert world["case"].reference in html and world["other"].reference not in html
    assert f'href="{reverse("cases:export")}?' not in html  # the export link would be a GET without the CPR
    entry = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert entry.detail == "010170-XXXX"
    assert entry.employee == world["case"].employee  # found again by the citizen's insight request


def test_a_search_without_a_cpr_is_redirected_to_its_bookmarkable_get(client, world):
    client.force_login(world["mette"])
    response = client.post(reverse("cases:list"), {"q": "Ærø", "status": "open"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cases:list") + "?")
    page = client.get(response["Location"]).content.decode()
    assert world["other"].reference in page and world["case"].reference not in page


@pytest.mark.parametrize("url_name", ["cases:list", "cases:export"])
def test_a_cpr_in_a_query_string_is_neither_searched_nor_echoed(client, world, url_name):
    client.force_login(world["mette"])
    response = client.get(reverse(url_name), {"q": FORMATTED})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert_no_cpr(body)
    # No CPR search ran: both cases are listed (the refused q filters nothing) ...
    assert world["case"].reference in body and world["other"].reference in body
    # ... and nothing with the CPR reached the access log.
    for entry in AccessLog.objects.all():
        assert_no_cpr(entry.detail + entry.purpose)
    if url_name == "cases:list":
        assert danish("A CPR number is never searched from the address bar. Type it in the search field and press Show.") in body


def test_the_bulk_reassign_drops_a_cpr_from_its_query_string(client, world):
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=world["nord"], lead=True)
    client.force_login(lead)
    body = client.get(reverse("dashboard:reassign"), {"q": CPR}).content.decode()
    assert world["other"].reference in body  # not narrowed to the person with that CPR
    assert_no_cpr(body)


def test_revealing_needs_a_purpose_with_a_danish_message(client, world):
    case = world["case"]
    client.force_login(world["mette"])
    url = reverse("cases:reveal_cpr", args=[case.reference])
    refused = client.post(url, {"cpr-detail": "ringede ind"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert danish("Choose why you need the full CPR number. It is written to the access log.") in html
    assert 'value="ringede ind"' in html  # nothing typed is lost
    assert_no_cpr(html)
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL_CPR).exists()

    other_without_text = client.post(url, {"cpr-purpose": "other"}, HTTP_HX_REQUEST="true")
    assert other_without_text.status_code == 200  # htmx swaps the partial with its message
    assert danish('Write the purpose when you choose "other".') in other_without_text.content.decode()
    assert_no_cpr(other_without_text.content.decode())


@pytest.mark.parametrize(("data", "logged"), [
    ({"cpr-purpose": "identity"}, "identitetskontrol"),
    ({"cpr-purpose": "citizen_enquiry", "cpr-detail": "borgeren ringede"}, "henvendelse fra borgeren: borgeren ringede"),
    ({"cpr-purpose": "other", "cpr-detail": "opslag i e-Boks, jf. 010170-1234"}, "andet: opslag i e-Boks, jf. 010170-XXXX"),
])
def test_revealing_logs_the_stated_purpose(client, world, data, logged):
    case = world["case"]
    client.force_login(world["mette"])
    response = client.post(reverse("cases:reveal_cpr", args=[case.reference]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and FORMATTED in response.content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.REVEAL_CPR)
    assert (entry.purpose, entry.case, entry.user) == (logged, case, world["mette"])


def test_the_case_page_offers_the_purposes_in_danish(client, world):
    client.force_login(world["mette"])
    html = client.get(reverse("cases:detail", args=[world["case"].reference])).content.decode()
    for label in ("identity check", "enquiry from the citizen", "casework", "other"):
        assert danish(label) in html
    assert_no_cpr(html)


# --- the referral's CPR after triage -----------------------------------------------------------------


def _referral(client):
    from cases.models import Referral
    from cases.tests.test_fasttrack import form_data

    team = make_team("Modtagere")
    team.receives_fast_track = True
    team.save()
    consultant = make_user("triage", team=team)
    assert client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.80").status_code == 302
    return Referral.objects.get(), consultant


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_decided_referral_keeps_a_keyed_hash_not_the_cpr(client, decision, settings):
    from cases.fasttrack import services as fasttrack
    from cases.fasttrack.services import referral_text
    from cases.identifiers import cpr_hash

    referral, consultant = _referral(client)
    assert referral.employee_cpr == "0203692468"  # needed until triage: matching the person
    if decision == "accept":
        case = fasttrack.referral_accept(referral=referral, actor=consultant)
        assert case.employee.cpr == "0203692468"
    else:
        fasttrack.referral_reject(referral=referral, actor=consultant, reason="Ikke omfattet")
    referral.refresh_from_db()
    assert referral.employee_cpr == "020369"  # the birth date, as the pages show it masked
    assert referral.employee_cpr_hash == cpr_hash("020369-2468") != ""
    assert "020369-XXXX" in referral_text(referral)
    assert referral.case_id == (case.pk if decision == "accept" else None)  # accepted: the case's link
    settings.CPR_HASH_KEY = "another-key"
    assert cpr_hash("0203692468") != referral.employee_cpr_hash  # keyed: not a plain SHA of the number
