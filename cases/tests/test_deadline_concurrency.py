"""Deadline transitions under concurrency, on PostgreSQL with two threads (two connections): a double
submit, a click racing the sweep, two consultants at once. Deselected on SQLite (see conftest.py)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from cases import deadlines
from cases.deadlines import deadline_invariant_violations
from cases.models import Deadline, Notification
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*calls):
    """Run the calls at the same moment in threads; returns (results, errors) in call order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:
            errors[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def world():
    assert connection.vendor == "postgresql"
    team = make_team("Nord")
    mette = make_user("mette", team=team, email="mette@kommune.example")
    make_user("birgitte", team=team, lead=True, email="birgitte@kommune.example")
    case = make_case(team=team, consultant=mette, first_absence_day=None)
    return {"mette": mette, "case": case, "first": case.deadlines.get(kind="first_meeting")}


def test_information_form_sent_twice_at_once_gives_one_clock(world):
    case, mette = world["case"], world["mette"]
    sent = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    for _round in range(3):
        results, errors = together(
            lambda: deadlines.information_form_sent(case=case, actor=mette, sent_at=sent),
            lambda: deadlines.information_form_sent(case=case, actor=mette, sent_at=sent),
        )
        assert errors == [None, None]
        assert results[0].pk == results[1].pk
    assert case.deadlines.filter(kind="information_form").count() == 1


def test_two_pauses_at_once_pause_once(world):
    first, mette = world["first"], world["mette"]
    results, errors = together(
        lambda: deadlines.deadline_pause(deadline=first, actor=mette, reason="a"),
        lambda: deadlines.deadline_pause(deadline=first, actor=mette, reason="b"),
    )
    assert sorted(type(e).__name__ for e in errors if e) == ["ValidationError"]
    assert first.events.filter(kind="paused").count() == 1
    assert deadline_invariant_violations() == []


def test_two_extensions_at_once_each_make_their_own_occurrence(world):
    first, mette = world["first"], world["mette"]
    later = first.due_at + timedelta(days=3)
    results, errors = together(
        lambda: deadlines.deadline_extend(deadline=first, actor=mette, new_due_at=later, reason="a"),
        lambda: deadlines.deadline_extend(deadline=first, actor=mette, new_due_at=later, reason="b"),
    )
    # The second waits for the first's lock, then sees the moved due time and is refused.
    assert [type(e) for e in errors if e] == [ValidationError]
    first.refresh_from_db()
    assert first.occurrence == 2 and first.due_at == later
    assert deadline_invariant_violations() == []


def test_meeting_registered_while_the_sweep_breaches_sends_nothing_after_the_meeting(world):
    case, first, mette = world["case"], world["first"], world["mette"]
    now = timezone.now()
    Deadline.objects.filter(pk=first.pk).update(start_at=now - timedelta(hours=50), due_at=now - timedelta(hours=1),
                                                next_check_at=now - timedelta(hours=1))
    for _round in range(2):
        results, errors = together(
            lambda: sweep_deadlines(),
            lambda: deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=now - timedelta(minutes=30), by="møde",
                                            actor=mette),
        )
        assert errors == [None, None]
    first.refresh_from_db()
    assert first.state == Deadline.State.MET and first.next_check_at is None and first.breached_at is not None
    assert Notification.objects.filter(deadline=first, kind="deadline_breach").count() <= 1
    assert list(first.events.filter(kind="breached").values_list("occurrence", flat=True)) == [1]
    assert deadline_invariant_violations() == []
