"""One bad row never stops enforcement: it is recorded, pushed back and listed; /healthz shows the last
completed sweep and answers 503 when the sweep is stuck."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import clock
from cases.models import Deadline, Notification, SweepRun
from cases.roles import Role
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team = make_team("Nord")
    consultant = make_user("mette", team=team, email="mette@kommune.example")
    lead = make_user("birgitte", team=team, lead=True, email="birgitte@kommune.example", role=Role.TEAM_LEAD)
    now = timezone.now()
    rows = []
    for _ in range(5):
        case = make_case(team=team, consultant=consultant, first_absence_day=None)
        Deadline.objects.filter(case=case).update(due_at=now - timedelta(hours=1), next_check_at=now - timedelta(hours=1))
        rows.append(case.deadlines.get())
    return {"team": team, "consultant": consultant, "lead": lead, "rows": rows, "now": now}


@pytest.fixture
def one_bad_row(world, monkeypatch):
    bad = world["rows"][2]
    real_tick = clock.tick

    def tick(deadline, **kwargs):
        if deadline.pk == bad.pk:
            raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'datetime.timedelta'")
        return real_tick(deadline, **kwargs)

    monkeypatch.setattr(clock, "tick", tick)
    return bad


def test_a_failing_row_is_recorded_pushed_back_and_every_other_row_is_processed(world, one_bad_row):
    now = world["now"]
    assert sweep_deadlines(now=now, batch=500) == 5
    bad = Deadline.objects.get(pk=one_bad_row.pk)
    assert bad.state == Deadline.State.OPEN
    assert bad.sweep_failures == 1 and bad.sweep_failed_at == now
    assert bad.sweep_error.startswith("TypeError: unsupported operand")
    assert bad.next_check_at == now + timedelta(minutes=1)
    assert Deadline.objects.filter(state=Deadline.State.BREACHED).count() == 4
    assert Notification.objects.filter(kind="deadline_breach").count() == 4
    run = SweepRun.objects.get(name="deadlines")
    assert (run.processed, run.failed) == (5, 1)
    # Not at the head of every sweep: the next sweep a minute later sees only the bad row, with a longer back-off.
    assert sweep_deadlines(now=now + timedelta(seconds=30)) == 0
    sweep_deadlines(now=now + timedelta(minutes=1))
    bad.refresh_from_db()
    assert bad.sweep_failures == 2 and bad.next_check_at == now + timedelta(minutes=3)


def test_a_row_that_passes_again_loses_its_error(world, one_bad_row, monkeypatch):
    now = world["now"]
    sweep_deadlines(now=now)
    monkeypatch.undo()
    sweep_deadlines(now=now + timedelta(minutes=2))
    bad = Deadline.objects.get(pk=one_bad_row.pk)
    assert bad.state == Deadline.State.BREACHED and bad.sweep_failures == 0 and bad.sweep_error == ""


def test_the_admin_and_the_team_leads_overview_list_failing_rows(world, one_bad_row, client):
    sweep_deadlines(now=world["now"])
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:cases_deadline_changelist") + "?sweep=failing").content.decode()
    assert "TypeError" in page and f"/{one_bad_row.pk}/change/" in page
    client.force_login(world["lead"])
    page = client.get(reverse("dashboard:index")).content.decode()
    assert 'id="failing-deadlines"' in page and one_bad_row.case.reference in page
    assert "Frister som fristkontrollen ikke kan behandle" in page
    page = client.get(reverse("cases:detail", args=[one_bad_row.case.reference])).content.decode()
    assert "sweep-failing" in page


def test_another_teams_lead_does_not_see_the_failing_row(world, one_bad_row, client):
    sweep_deadlines(now=world["now"])
    other = make_team("Syd")
    client.force_login(make_user("lead2", team=other, lead=True, role=Role.TEAM_LEAD))
    assert 'id="failing-deadlines"' not in client.get(reverse("dashboard:index")).content.decode()
