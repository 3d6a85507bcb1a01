"""Team-lead dashboard: cards equal list counts, caseloads, results, access, exports, bulk reassign."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import deadlines, services
from cases.dashboard import selectors
from cases.flags import FLAGS
from cases.models import AccessLog, Case, CaseEvent, ConsultantProfile, Deadline, Notification, PhoneCall
from cases.roles import Role
from cases.selectors import case_search
from cases.tests.factories import make_case, make_team, make_user

CPH = ZoneInfo("Europe/Copenhagen")
# A Wednesday morning: "today" and "this week" are both non-trivial.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=CPH)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _bare_case(team, consultant, **kwargs) -> Case:
    """A case whose automatic clocks are cancelled, so each test places exactly the deadlines it needs."""
    case = make_case(team=team, consultant=consultant, **kwargs)
    Deadline.objects.filter(case=case).update(state=Deadline.State.CANCELLED, next_check_at=None)
    return case


def _deadline(case, *, due_at, state=Deadline.State.OPEN, kind="agreement_item"):
    deadline = deadlines.deadline_open(case=case, kind=kind, start=NOW - timedelta(days=20), due_at=due_at,
                                       title="Aftalepunkt")
    if state != Deadline.State.OPEN:
        Deadline.objects.filter(pk=deadline.pk).update(
            state=state, met_at=due_at - timedelta(hours=1) if state == Deadline.State.MET else None)
    return deadline


@pytest.fixture
def world(frozen):
    """Team Nord (led by Birgitte) with deadlines in every state, and team Syd she does not lead."""
    nord, syd = make_team("Nord"), make_team("Syd")
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=nord, lead=True, first_name="Birgitte")
    mette = make_user("mette", team=nord, first_name="Mette")
    fatima = make_user("fatima", team=nord, first_name="Fatima")
    anders = make_user("anders", team=syd, first_name="Anders")
    c = {}
    c["breached"] = _bare_case(nord, mette)
    _deadline(c["breached"], due_at=NOW - timedelta(days=2), state=Deadline.State.BREACHED)
    c["open_past"] = _bare_case(nord, mette)
    _deadline(c["open_past"], due_at=NOW - timedelta(hours=1))
    c["today"] = _bare_case(nord, fatima)
    _deadline(c["today"], due_at=NOW + timedelta(hours=5))  # 15:00 today
    c["friday"] = _bare_case(nord, fatima)
    _deadline(c["friday"], due_at=NOW + timedelta(days=2))
    c["sunday_late"] = _bare_case(nord, fatima)
    _deadline(c["sunday_late"], due_at=datetime(2026, 11, 22, 23, 30, tzinfo=CPH))
    c["next_monday"] = _bare_case(nord, fatima)
    _deadline(c["next_monday"], due_at=datetime(2026, 11, 23, 0, 30, tzinfo=CPH))
    c["met"] = _bare_case(nord, mette)
    _deadline(c["met"], due_at=NOW - timedelta(days=1), state=Deadline.State.MET)
    c["paused"] = _bare_case(nord, mette)
    _deadline(c["paused"], due_at=NOW - timedelta(days=1), state=Deadline.State.PAUSED)
    c["cancelled"] = _bare_case(nord, mette)
    _deadline(c["cancelled"], due_at=NOW + timedelta(hours=2), state=Deadline.State.CANCELLED)
    c["two_overdue"] = _bare_case(nord, mette)  # two overdue clocks: still one case
    _deadline(c["two_overdue"], due_at=NOW - timedelta(days=3))
    _deadline(c["two_overdue"], due_at=NOW - timedelta(days=4), state=Deadline.State.BREACHED)
    c["unassigned"] = _bare_case(nord, None, actor=lead)
    c["untouched"] = _bare_case(nord, fatima)
    Case.objects.filter(pk=c["untouched"].pk).update(last_activity_at=NOW - timedelta(days=15))
    c["touched_13"] = _bare_case(nord, fatima)
    Case.objects.filter(pk=c["touched_13"].pk).update(last_activity_at=NOW - timedelta(days=13))
    c["closed"] = _bare_case(nord, mette)
    services.case_close(case=c["closed"], actor=mette, outcome="retained", closed_on=NOW.date())
    Case.objects.filter(pk=c["closed"].pk).update(last_activity_at=NOW - timedelta(days=30), consultant=None)
    c["syd"] = _bare_case(syd, anders)
    _deadline(c["syd"], due_at=NOW - timedelta(days=1))
    return {"nord": nord, "syd": syd, "lead": lead, "mette": mette, "fatima": fatima, "anders": anders, "cases": c}


EXPECTED = {
    "overdue": {"breached", "open_past", "two_overdue"},
    "due_today": {"today"},
    "due_week": {"today", "friday", "sunday_late"},
    "unassigned": {"unassigned"},
    "untouched": {"untouched"},
}


def test_card_counts_equal_list_counts_and_hand_count(world):
    lead, cases = world["lead"], world["cases"]
    cards = selectors.dashboard_cards(lead, now=NOW)
    for flag in FLAGS:
        listed = set(case_search(lead, flag=flag, now=NOW).values_list("pk", flat=True))
        assert listed == {cases[name].pk for name in EXPECTED[flag]}, flag
        assert cards[flag] == len(listed), flag


def test_card_links_lead_to_lists_with_the_same_count(client, world):
    client.force_login(world["lead"])
    response = client.get(reverse("dashboard:index"), {"team": world["nord"].pk})
    assert response.status_code == 200
    cards = {card["flag"]: card for card in response.context["cards"]}
    for flag, card in cards.items():
        listing = client.get(card["url"])
        assert listing.status_code == 200
        assert listing.context["page"].paginator.count == card["count"] == len(EXPECTED[flag]), flag


def test_cards_follow_the_consultant_filter(client, world):
    client.force_login(world["lead"])
    response = client.get(reverse("dashboard:index"), {"consultant": world["mette"].pk})
    counts = {card["flag"]: card["count"] for card in response.context["cards"]}
    assert counts["overdue"] == 3 and counts["due_today"] == 0
    listing = client.get(response.context["cards"][0]["url"])
    assert listing.context["page"].paginator.count == 3


def test_consultant_table(world):
    ConsultantProfile.objects.create(user=world["mette"], weekly_hours=20, caseload_target=3)
    rows = {row.user.username: row for row in selectors.consultant_table(
        world["lead"], teams=[world["nord"]], team=world["nord"], now=NOW)}
    assert set(rows) == {"mette", "fatima"}  # the lead is not a consultant; Syd's Anders is not shown
    mette, fatima = rows["mette"], rows["fatima"]
    # Mette: breached, open_past, met, paused, cancelled, two_overdue open (closed one not counted).
    assert (mette.open, mette.overdue, mette.due_week, mette.target) == (6, 3, 0, 3)
    assert mette.over_target and mette.load_percent == 200
    assert (fatima.open, fatima.overdue, fatima.due_week, fatima.target) == (6, 0, 3, 37)
    assert not fatima.over_target


def test_results_hand_computed(world):
    nord, mette = world["nord"], world["mette"]
    base = NOW - timedelta(days=10)
    # Four first-meeting clocks due in the period: 2 met on time, 1 met late, 1 breached.
    for hours_to_meet, due_hours, state in [(20, 48, "met"), (30, 48, "met"), (60, 48, "met"), (None, 48, "breached")]:
        case = _bare_case(nord, mette, first_contact_at=base)
        d = deadlines.deadline_open(case=case, kind="first_meeting", start=base, due_at=base + timedelta(hours=due_hours))
        if state == "met":
            deadlines.deadline_meet_one(deadline=d, at=base + timedelta(hours=hours_to_meet), by="møde")
        else:
            Deadline.objects.filter(pk=d.pk).update(state="breached")
    # One follow-up on time, one still running (not counted).
    case = _bare_case(nord, mette)
    f1 = deadlines.deadline_open(case=case, kind="follow_up", start=base, due_at=base + timedelta(days=2))
    deadlines.deadline_meet_one(deadline=f1, at=base + timedelta(days=1), by="opfølgning")
    deadlines.deadline_open(case=case, kind="follow_up", start=base, due_at=NOW + timedelta(days=3))
    # Closed in the period: the world's "closed" (retained) + one partial return + one new job.
    for outcome in ("partial_return", "new_job"):
        services.case_close(case=_bare_case(nord, mette), actor=mette, outcome=outcome, closed_on=NOW.date())
    # Calls: 3 settled, 2 not.
    for settled in (True, True, True, False, False):
        PhoneCall.objects.create(team=nord, received_at=NOW - timedelta(days=1), taken_by=mette, caller_type="employer",
                                 summary="x", settled=settled)
    period = selectors.Period(start=(NOW - timedelta(days=30)).date(), end=NOW.date())
    result = selectors.results_for(world["lead"], period=period, team=nord, now=NOW)
    assert (result.first_meeting.numerator, result.first_meeting.denominator) == (2, 4)
    assert (result.follow_up.numerator, result.follow_up.denominator) == (1, 1)
    assert result.median_first_meeting_hours == 30.0
    assert result.closed == 3
    assert result.outcome_shares["retained"].numerator == 1 and result.outcome_shares["attached"].numerator == 1
    assert (result.calls.numerator, result.calls.denominator) == (3, 5)
    assert sum(result.sources.values()) == Case.objects.filter(team=nord).count()


def test_results_page_and_csv_exports_are_logged(client, world):
    client.force_login(world["lead"])
    response = client.get(reverse("dashboard:results"), {"team": world["nord"].pk})
    assert response.status_code == 200
    assert b"chart-data" in response.content and b"chart.umd.min.js" in response.content
    for name in ("dashboard:results_csv", "dashboard:consultants_csv"):
        response = client.get(reverse(name), {"team": world["nord"].pk})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert AccessLog.objects.filter(user=world["lead"], action=AccessLog.Action.EXPORT).count() == 2
    body = client.get(reverse("dashboard:consultants_csv")).content.decode("utf-8-sig")
    assert "Mette" in body and "Anders" not in body


def test_bad_filter_input_keeps_the_page_and_says_why(client, world):
    client.force_login(world["lead"])
    response = client.get(reverse("dashboard:results"), {"start": "2026-11-10", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    response = client.get(reverse("dashboard:index"), {"team": world["nord"].pk, "consultant": world["anders"].pk})
    assert response.status_code == 200 and response.context["form"].errors


# --- access --------------------------------------------------------------------------------------


def test_consultant_cannot_open_the_dashboard(client, world):
    client.force_login(world["mette"])
    for name in ("dashboard:index", "dashboard:results", "dashboard:results_csv", "dashboard:consultants_csv",
                 "dashboard:reassign"):
        assert client.get(reverse(name)).status_code == 403, name


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_team_lead_sees_only_their_teams(client, world):
    client.force_login(world["lead"])
    assert client.get(reverse("dashboard:index"), {"team": world["syd"].pk}).context["form"].errors
    response = client.get(reverse("dashboard:index"))
    assert [t.name for t in response.context["form"].teams] == ["Nord"]
    assert "Anders" not in response.content.decode()
    assert selectors.dashboard_cards(world["lead"], now=NOW)["overdue"] == 3  # Syd's overdue case not counted


def test_admin_sees_all_teams(client, world):
    admin = make_user("ada", role=Role.ADMIN)
    client.force_login(admin)
    response = client.get(reverse("dashboard:index"))
    counts = {card["flag"]: card["count"] for card in response.context["cards"]}
    assert counts["overdue"] == 4


# --- bulk reassign -------------------------------------------------------------------------------


def test_bulk_reassign_moves_notifies_and_records(client, world):
    cases, fatima = world["cases"], world["fatima"]
    client.force_login(world["lead"])
    url = reverse("dashboard:reassign") + "?flag=overdue"
    page = client.get(url)
    assert {c.pk for c in page.context["cases"]} == {cases[n].pk for n in EXPECTED["overdue"]}
    chosen = [cases["breached"].pk, cases["two_overdue"].pk]
    response = client.post(url, {"cases": chosen, "consultant": fatima.pk, "note": "Mette er på kursus."})
    assert response.status_code == 302
    assert set(Case.objects.filter(pk__in=chosen).values_list("consultant_id", flat=True)) == {fatima.pk}
    assert CaseEvent.objects.filter(case_id__in=chosen, kind="case_reassigned").count() == 2
    assert Notification.objects.filter(recipient=fatima, case_id__in=chosen).count() == 2


def test_bulk_reassign_refuses_a_consultant_of_another_team_and_keeps_the_choice(client, world):
    cases = world["cases"]
    client.force_login(world["lead"])
    url = reverse("dashboard:reassign") + "?flag=overdue"
    response = client.post(url, {"cases": [cases["breached"].pk], "consultant": world["anders"].pk})
    assert response.status_code == 400
    assert response.context["form"].errors["consultant"]
    assert b'checked' in response.content
    assert Case.objects.get(pk=cases["breached"].pk).consultant == world["mette"]


def test_bulk_reassign_cannot_reach_other_teams(client, world):
    client.force_login(world["lead"])
    response = client.post(reverse("dashboard:reassign"), {"cases": [world["cases"]["syd"].pk],
                                                           "consultant": world["fatima"].pk})
    assert response.status_code == 400
    assert Case.objects.get(pk=world["cases"]["syd"].pk).consultant == world["anders"]


# --- constant query counts -----------------------------------------------------------------------


def _queries(client, url, params=None) -> int:
    cache.clear()  # the cold path: the dashboard counts everything itself
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_cases(client, django_assert_max_num_queries):
    nord = make_team("Nord")
    lead = make_user("lead", role=Role.TEAM_LEAD, team=nord, lead=True)
    people = [make_user(team=nord) for _ in range(3)]
    for i in range(10):
        make_case(team=nord, consultant=people[i % 3])
    client.force_login(lead)
    urls = [reverse("dashboard:index"), reverse("dashboard:results"), reverse("cases:list") + "?flag=overdue",
            reverse("dashboard:reassign") + "?flag=overdue"]
    small = [_queries(client, url) for url in urls]
    call_command("seed_scale", cases=490, stdout=open("/dev/null", "w"))
    assert Case.objects.count() == 500
    large = [_queries(client, url) for url in urls]
    assert small == large
    cache.clear()
    # 20 for the cards, the table and the failing clocks, 2 for this week's outreach (people, activities).
    with django_assert_max_num_queries(22):
        client.get(reverse("dashboard:index"))
    # 16 for the deadlines, outcomes, sources and calls; one each for relapses (Come-back) and the first
    # started intervention (Hjørring, Roskilde); two for the absence alerts (Hjørring); outreach costs two
    # more only when activities exist.
    with django_assert_max_num_queries(22):
        client.get(reverse("dashboard:results"))


# --- the counts cache ----------------------------------------------------------------------------


def test_cached_counts_follow_every_change_at_once(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["lead"])
    url = reverse("dashboard:index")
    first = {c["flag"]: c["count"] for c in client.get(url).context["cards"]}
    assert first["unassigned"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reassign(case=world["cases"]["unassigned"], actor=world["lead"], consultant=world["mette"])
    second = {c["flag"]: c["count"] for c in client.get(url).context["cards"]}
    assert second["unassigned"] == 0


def test_card_and_list_agree_when_a_clock_passes_between_counting_and_clicking(client, world):
    soon = _bare_case(world["nord"], world["mette"])
    _deadline(soon, due_at=NOW + timedelta(seconds=20))
    client.force_login(world["lead"])
    assert {c["flag"]: c["count"] for c in client.get(reverse("dashboard:index")).context["cards"]}["overdue"] == 3
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        # The clock has passed with nobody touching the case: the cached card still says 3 ...
        card = {c["flag"]: c for c in client.get(reverse("dashboard:index")).context["cards"]}["overdue"]
        assert card["count"] == 3
        # ... and its link shows the same 3 (the list applies the conditions at the counting instant),
        listing = client.get(card["url"])
        assert listing.context["page"].paginator.count == 3
        assert listing.context["as_of"] == NOW
        # while the plain list, counted now, has 4.
        assert client.get(reverse("cases:list"), {"flag": "overdue"}).context["page"].paginator.count == 4
    with time_machine.travel(NOW + timedelta(seconds=95), tick=False):
        card = {c["flag"]: c for c in client.get(reverse("dashboard:index")).context["cards"]}["overdue"]
        assert card["count"] == 4
        assert client.get(card["url"]).context["page"].paginator.count == 4


def test_a_stale_or_forged_at_is_ignored(client, world):
    client.force_login(world["lead"])
    for at in ("2020-01-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00", "nonsense", "2026-11-18T10:00:00"):
        response = client.get(reverse("cases:list"), {"flag": "overdue", "at": at})
        assert response.status_code == 200 and response.context["as_of"] is None


def test_lead_who_is_also_member_of_another_team_sees_only_the_team_she_leads(client, world):
    world["syd"].members.add(world["lead"])
    client.force_login(world["lead"])
    cards = {c["flag"]: c for c in client.get(reverse("dashboard:index")).context["cards"]}
    assert cards["overdue"]["count"] == 3  # Syd's overdue case is not mixed in
    assert f"team={world['nord'].pk}" in cards["overdue"]["url"]
    assert client.get(cards["overdue"]["url"]).context["page"].paginator.count == 3


def test_csv_numbers_are_danish_with_one_helper(client, world):
    """Every number in the exports the Danish way: "22,5", "37" (never "37.0", never "22.5")."""
    import re

    from cases.models import ConsultantProfile

    mette = world["mette"]
    ConsultantProfile.objects.update_or_create(user=mette, defaults={"weekly_hours": "22.5", "caseload_target": 22})
    client.force_login(world["lead"])
    body = client.get(reverse("dashboard:consultants_csv"), {"team": world["nord"].pk}).content.decode("utf-8-sig")
    mette_row = next(line for line in body.splitlines() if "Mette" in line)
    assert ";22,5;22;" in mette_row
    results = client.get(reverse("dashboard:results_csv"), {"team": world["nord"].pk}).content.decode("utf-8-sig")
    for text in (body, results):
        assert not re.search(r"\d\.\d", text), text
