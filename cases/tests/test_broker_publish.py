"""No request path publishes to the broker inside its transaction or depends on the broker: the only
publish is the outbox kick, after commit, and a broker that is down costs the request nothing but a
logged warning (the outbox row is stored; the beat sweep sends it)."""

import ast
from pathlib import Path

import pytest
from celery.app.task import Task
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from cases.models import OutboxMessage, Referral
from cases.tests.test_fasttrack import form_data

ROOT = Path(__file__).resolve().parents[2]
# Methods that publish (task.delay, task.apply_async, app.send_task), and Celery's canvas builders used as
# bare names (chain(...)(), group(...)(), chord(...)()); `m.group(1)` on a regex match is no publish.
PUBLISHING_METHODS = {"delay", "apply_async", "send_task"}
CANVAS_BUILDERS = {"chain", "group", "chord", "signature"}


def _publish_call_sites() -> list[tuple[str, str]]:
    """(file, enclosing function) of every call that could publish a Celery message, outside tests."""
    sites = []
    for package in ("cases", "roundtable", "fastholdelse", "control"):
        for path in (ROOT / package).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Call) and (
                            (isinstance(node.func, ast.Attribute) and node.func.attr in PUBLISHING_METHODS)
                            or (isinstance(node.func, ast.Name) and node.func.id in CANVAS_BUILDERS)):
                        sites.append((str(path.relative_to(ROOT)), function.name))
    return sites


# The outbox kick, wherever it lives: called by `_kick_outbox` after commit (directly, or through the kick
# that cases.tasks registers with cases.notifications).
OUTBOX_KICK = {("cases/notifications.py", "_kick_outbox"), ("cases/tasks.py", "kick_send_outbox")}


def test_the_only_publish_is_the_outbox_kick():
    sites = _publish_call_sites()
    assert len(sites) == 1 and set(sites) <= OUTBOX_KICK, sites


@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails as kombu fails with Redis stopped; each attempt records whether it ran
    inside a transaction."""
    attempts = []

    def refuse(self, *args, **kwargs):
        attempts.append(transaction.get_connection().in_atomic_block)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return attempts


@pytest.mark.django_db(transaction=True)
def test_a_referral_is_stored_and_confirmed_with_the_broker_down(client, broker_down):
    from cases.tests.factories import make_team, make_user

    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    make_user("mette", team=team, email="mette@kommune.example")
    response = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="10.7.0.1")
    assert response.status_code == 302
    assert Referral.objects.count() == 1
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() >= 2  # the beat sweep sends them
    # One kick, tried after commit (never inside the transaction), and its failure did not reach the user.
    assert broker_down == [False]
