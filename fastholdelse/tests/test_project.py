"""The project as an operator meets it: production checks, the health endpoint, login protection."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from cases.tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def test_production_mode_passes_check_deploy_without_warnings():
    dev_only = ("DEBUG", "FASTHOLDELSE_DEMO", "FASTHOLDELSE_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dev_only}
    env.update({
        "DJANGO_SETTINGS_MODULE": "fastholdelse.settings",
        "SECRET_KEY": "x7$Kq!2vR9#mZp4@Lw8^Tn6&Yb3*Hc5(Jd1)Fg0-Se_Ua+Ox=Ei",
        "ALLOWED_HOSTS": "fastholdelse.kommune.example",
    })
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_serve_without_a_secret_key_but_dev_tools_run():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "FASTHOLDELSE_DEMO", "FASTHOLDELSE_TESTING", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["DJANGO_SETTINGS_MODULE"] = "fastholdelse.settings"

    def run(*args):
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    web = run("-c", "import fastholdelse.wsgi")
    assert web.returncode != 0 and "SECRET_KEY must be set" in web.stderr
    deploy = run("manage.py", "check", "--deploy")
    assert deploy.returncode != 0 and "fastholdelse.E001" in deploy.stderr
    assert run("manage.py", "makemigrations", "--check", "--dry-run").returncode == 0  # no model change unmigrated


@pytest.mark.django_db
def test_healthz_is_json_with_database_and_broker(client):
    from cases.sweep import sweep_deadlines

    sweep_deadlines()  # a fresh database has no completed sweep yet, which alone makes it 503
    response = client.get("/healthz")
    body = response.json()
    assert body["database"] == "ok"
    assert response.status_code == (200 if body["broker"] == "ok" else 503)


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_is_200_with_redis_up(client):
    from cases.sweep import sweep_deadlines

    sweep_deadlines()
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_login_page_is_danish_and_locks_out_after_repeated_failures(client):
    make_user("mette", email="m@kommune.example")
    page = client.get(reverse("login")).content.decode()
    assert 'lang="da"' in page
    for _ in range(5):
        client.post(reverse("login"), {"username": "mette", "password": "forkert"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(reverse("login"), {"username": "mette", "password": "demo-Password-1"}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429


@pytest.mark.django_db
def test_idle_session_expires(client, time_machine):
    from django.utils import timezone

    user = make_user("anders")
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(user)
    assert client.get(reverse("cases:list")).status_code in (200, 403)
    time_machine.shift(60 * 31)
    assert client.get(reverse("cases:list")).status_code == 302


@pytest.mark.django_db
def test_ui_is_danish_even_for_an_english_browser_until_english_is_chosen(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="da"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert 'lang="en"' in client.get(reverse("login")).content.decode()


def test_collectstatic_with_the_production_storage(tmp_path):
    """Production uses whitenoise's manifest storage, which fails on a reference to a missing file."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "FASTHOLDELSE_DEMO", "FASTHOLDELSE_TESTING")}
    env.update({"DJANGO_SETTINGS_MODULE": "fastholdelse.settings", "SECRET_KEY": "collectstatic-test-key-" + "x" * 40,
                "FASTHOLDELSE_VAR_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
