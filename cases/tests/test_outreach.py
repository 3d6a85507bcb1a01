"""Employer outreach (Kolding, Stevns, Vordingborg): weekly targets counted per consultant, new
workplaces credited once, and which workplaces came to the job centre within three months."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.employers import EmployerData, employer_for_case
from cases.models import ConsultantProfile, Employer, OutreachActivity, Referral
from cases.outreach import selectors, services
from cases.outreach.counting import Touch, came_within, first_touches, monday_of, week_counts
from cases.tests.factories import make_case, make_referral, make_team, make_user

CVRS = ["10000009", "10000017", "10000025", "10000033", "10000041", "10000068", "10000076", "10000084",
        "10000092", "10000106", "10000114", "10000122"]
MONDAY = date(2026, 11, 16)


# --- pure counting -------------------------------------------------------------------------------


def _touches(consultant, workplaces, day, start_id=1):
    return [Touch(start_id + i, consultant, w, day) for i, w in enumerate(workplaces)]


def test_ten_workplaces_one_new_is_on_target_nine_is_not():
    history = [Touch(100 + w, 7, w, MONDAY - timedelta(days=30)) for w in range(2, 11)]  # 2..10 known
    week = _touches(7, range(1, 11), MONDAY + timedelta(days=1))
    first = first_touches(history + week)
    counts = week_counts(week, first=first, week_start=MONDAY, targets={7: (10, 1)})
    assert (counts[7].workplaces, counts[7].new, counts[7].on_target) == (10, 1, True)
    counts = week_counts(week[1:], first=first_touches(history + week[1:]), week_start=MONDAY, targets={7: (10, 1)})
    assert (counts[7].workplaces, counts[7].new, counts[7].on_target) == (9, 0, False)


def test_ten_known_workplaces_miss_the_new_target():
    history = [Touch(100 + w, 7, w, MONDAY - timedelta(days=30)) for w in range(1, 11)]
    week = _touches(7, range(1, 11), MONDAY)
    counts = week_counts(week, first=first_touches(history + week), week_start=MONDAY, targets={7: (10, 1)})
    assert (counts[7].workplaces, counts[7].new, counts[7].on_target) == (10, 0, False)


def test_a_workplace_counts_once_a_week_and_new_only_for_the_first_activity():
    week = [Touch(1, 7, 50, MONDAY), Touch(2, 7, 50, MONDAY + timedelta(days=2)), Touch(3, 8, 50, MONDAY)]
    counts = week_counts(week, first=first_touches(week), week_start=MONDAY, targets={7: (10, 1), 8: (10, 1)})
    assert counts[7].workplaces == 1 and counts[7].new == 1  # activity 1 came first (same day, lower id)
    assert counts[8].workplaces == 1 and counts[8].new == 0


def test_week_edges_sunday_in_monday_out():
    touches = [Touch(1, 7, 1, MONDAY - timedelta(days=1)), Touch(2, 7, 2, MONDAY), Touch(3, 7, 3, MONDAY + timedelta(days=6)),
               Touch(4, 7, 4, MONDAY + timedelta(days=7))]
    counts = week_counts(touches, first=first_touches(touches), week_start=MONDAY, targets={7: (10, 1)})
    assert counts[7].workplaces == 2
    assert monday_of(MONDAY + timedelta(days=6)) == MONDAY


def test_a_consultant_without_activities_gets_a_zero_row():
    counts = week_counts([], first={}, week_start=MONDAY, targets={9: (10, 1)})
    assert (counts[9].workplaces, counts[9].on_target) == (0, False)


@pytest.mark.parametrize(("offset", "counted"), [(-1, False), (0, True), (1, True), (91, True), (92, False)])
def test_came_within_three_months(offset, counted):
    came = came_within([MONDAY], [MONDAY + timedelta(days=offset)])
    assert (came is not None) is counted


# --- services and pages --------------------------------------------------------------------------


@pytest.fixture
def world(db):
    team = make_team("Nord")
    mette = make_user("mette", team=team, first_name="Mette", last_name="Holm")
    jonas = make_user("jonas", team=team, first_name="Jonas", last_name="Berg")
    lead = make_user("lene", role="team_lead", team=team, lead=True, first_name="Lene", last_name="Lund")
    workplaces = [employer_for_case(data=EmployerData(cvr=cvr, name=f"Virksomhed {i}")) for i, cvr in enumerate(CVRS)]
    return team, mette, jonas, lead, workplaces


def _activity(team, consultant, workplaces, day, kind=OutreachActivity.Kind.VISIT):
    return services.activity_save(services.ActivityData(
        kind=kind, held_on=day, consultant=consultant, team=team, workplaces=list(workplaces),
        presented="Fastholdelsesteamets tilbud og fast track"), actor=consultant)


def test_week_table_counts_each_consultant_in_constant_queries(world, django_assert_max_num_queries):
    team, mette, jonas, _lead, workplaces = world
    ConsultantProfile.objects.create(user=jonas, outreach_weekly_target=2, outreach_new_weekly_target=0)
    week = monday_of(timezone.localdate())
    _activity(team, mette, workplaces[:3], week - timedelta(days=14))  # known before the week
    for workplace in workplaces[:10]:
        _activity(team, mette, [workplace], week)
    _activity(team, jonas, workplaces[:2], week, kind=OutreachActivity.Kind.NETWORK)
    with django_assert_max_num_queries(4):
        rows = {row.user.username: row.count for row in selectors.week_table([team], week_start=week)}
    assert (rows["mette"].workplaces, rows["mette"].new, rows["mette"].on_target) == (10, 7, True)
    assert (rows["jonas"].workplaces, rows["jonas"].new, rows["jonas"].target, rows["jonas"].on_target) == (2, 0, 2, True)
    # More activities, same number of queries.
    for workplace in workplaces:
        _activity(team, jonas, [workplace], week)
    with django_assert_max_num_queries(4):
        selectors.week_table([team], week_start=week)


def test_an_activity_without_a_workplace_is_refused_in_danish_and_nothing_is_lost(client, world):
    team, mette, *_ = world
    client.force_login(mette)
    with translation.override("da"):
        response = client.post(reverse("outreach:index"), {
            "team": team.pk, "kind": "leader_group", "held_on": timezone.localdate().isoformat(),
            "consultant": mette.pk, "presented": "Ledergruppen på Stevns Skole: sygefravær og fast track",
            "follow_up": "Ring til skolelederen om to uger", "HTTP_ACCEPT_LANGUAGE": "da",
        }, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vælg mindst én arbejdsplads" in body
    assert "Ledergruppen på Stevns Skole: sygefravær og fast track" in body
    assert "Ring til skolelederen om to uger" in body
    assert not OutreachActivity.objects.exists()


def test_a_future_date_and_a_bad_cvr_are_refused(client, world):
    team, mette, *_ = world
    client.force_login(mette)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("outreach:index"), {
        "team": team.pk, "kind": "visit", "held_on": tomorrow.isoformat(), "consultant": mette.pk,
        "new_cvr": "12345678", "new_name": "Ny Virksomhed", "presented": "Postkort og besøg",
    }, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400
    assert not OutreachActivity.objects.exists() and not Employer.objects.filter(name="Ny Virksomhed").exists()
    assert "Postkort og besøg" in response.content.decode()


def test_registering_a_visit_at_a_new_workplace_with_a_new_contact(client, world):
    team, mette, *_ = world
    client.force_login(mette)
    response = client.post(reverse("outreach:index"), {
        "team": team.pk, "kind": "visit", "held_on": timezone.localdate().isoformat(), "consultant": mette.pk,
        "new_cvr": "10000130", "new_name": "Kolding Maskinfabrik", "new_contact_name": "Pia Møller",
        "new_contact_role": "HR-chef", "new_contact_email": "pia@example.dk",
        "presented": "Postkort: ring tidligt ved sygefravær", "follow_up": "Sender materiale", "follow_up_on": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = OutreachActivity.objects.get()
    workplace = activity.workplaces.get()
    assert (workplace.cvr, workplace.name) == ("10000130", "Kolding Maskinfabrik")
    assert activity.contacts.get().employer == workplace
    page = client.get(response["Location"]).content.decode()
    assert "Kolding Maskinfabrik" in page and "Postkort: ring tidligt ved sygefravær" in page


def test_editing_an_activity_keeps_the_team_and_changes_the_text(client, world):
    team, mette, _jonas, _lead, workplaces = world
    activity = _activity(team, mette, workplaces[:1], timezone.localdate())
    client.force_login(mette)
    response = client.post(reverse("outreach:edit", args=[activity.pk]), {
        "kind": "network", "held_on": activity.held_on.isoformat(), "consultant": mette.pk,
        "workplaces": [workplaces[0].pk, workplaces[1].pk], "presented": "Virksomhedsnetværk i Vordingborg",
    })
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.kind == "network" and activity.workplaces.count() == 2 and activity.team == team


def test_another_teams_activity_is_not_found(client, world):
    team, mette, _jonas, _lead, workplaces = world
    activity = _activity(team, mette, workplaces[:1], timezone.localdate())
    outsider = make_user("ole", team=make_team("Syd"))
    client.force_login(outsider)
    assert client.get(reverse("outreach:edit", args=[activity.pk])).status_code == 404


def test_results_show_workplaces_that_referred_or_called_within_three_months(client, world):
    team, mette, _jonas, lead, workplaces = world
    start = timezone.localdate() - timedelta(days=200)
    visited = workplaces[:3]
    _activity(team, mette, visited, start)
    # Workplace 0 refers 30 days later; workplace 1 calls 91 days later; workplace 2 refers after 92 days.
    def noon(offset):
        return timezone.make_aware(datetime.combine(start + timedelta(days=offset), time(12)))

    referral = make_referral(team, cpr="0101901234", cvr=visited[0].cvr)
    Referral.objects.filter(pk=referral.pk).update(received_at=noon(30))
    case = make_case(team=team, consultant=mette, employer=EmployerData(cvr=visited[1].cvr, name=visited[1].name))
    case.source = "phone_call"
    case.first_contact_at = noon(91)
    case.save(update_fields=["source", "first_contact_at"])
    late = make_referral(team, cpr="0202901234", cvr=visited[2].cvr)
    Referral.objects.filter(pk=late.pk).update(received_at=noon(92))
    result = selectors.results([team], start=start, end=timezone.localdate())
    came = {row.workplace.name: (row.came_on, row.how) for row in result.rows}
    assert came[visited[0].name] == (start + timedelta(days=30), ["referral"])
    assert came[visited[1].name] == (start + timedelta(days=91), ["call"])
    assert came[visited[2].name] == (None, [])
    assert (result.reached, result.came) == (3, 2)
    client.force_login(lead)
    page = client.get(reverse("dashboard:results"), {"start": start.isoformat(), "end": timezone.localdate().isoformat()},
                      HTTP_ACCEPT_LANGUAGE="da")
    assert page.status_code == 200
    assert 'id="outreach-follow-through"' in page.content.decode()


def test_team_overview_shows_outreach_against_target(client, world):
    team, mette, _jonas, lead, workplaces = world
    for workplace in workplaces[:4]:
        _activity(team, mette, [workplace], timezone.localdate())
    client.force_login(lead)
    body = client.get(reverse("dashboard:index")).content.decode()
    section = body[body.index('id="outreach-week"'):]
    assert "Mette Holm" in section and "4 / 10" in section
