"""The README's fast-track screenshots at desk width (1280 px): the employer's form, the receipt, the receipt
when the municipality accepts the form as the § 7 c request, and the employee's answer page.

    .venv/bin/python bench/screenshots_fasttrack.py [--port 8141]

Like bench/screenshots.py: `migrate` and `seed_demo` in a throw-away SQLite directory, runserver on
127.0.0.1:PORT, Playwright with Debian's Chromium. The PNGs go to docs/screenshots/fasttrack-*.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import CHROMIUM, OUT, ROOT, _env, _manage, _shrink, _wait  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EMPLOYEE_PATH = """
from django.conf import settings
from cases.fasttrack import services
from cases.models import Referral
print(services.employee_url(Referral.objects.order_by("-pk").first()).removeprefix(settings.SITE_URL))
"""
CHANNEL = """
from cases.models import Organisation
Organisation.objects.filter(pk=1).update(fasttrack_channel="{channel}")
"""


def _fill(page, *, first_absence_day, cpr: str, name: str) -> None:
    values = {
        "cvr": "13585628", "employer_name": "Nordlys Lager & Logistik A/S", "employer_address": "Industrivej 40, 6000 Kolding",
        "contact_name": "Hanne Ærenlund", "contact_role": "HR-partner", "contact_phone": "70 20 30 40",
        "contact_email": "hanne@nordlys.example", "employee_name": name, "employee_cpr": cpr,
        "employee_email": "jorgen@post.example", "job_title": "lagermedarbejder",
        "first_absence_day": first_absence_day.isoformat(),
        "affected_functions": "Kan ikke løfte eller køre truck. Kontorarbejde går.",
        "absence_conversation_on": (first_absence_day + timedelta(days=5)).isoformat(),
    }
    for name_, value in values.items():
        page.fill(f"#id_{name_}", value)
    for radio in ("expected_over_8_weeks_0", "absence_conversation_held_0", "possibility_statement_1", "employee_told_0"):
        page.check(f"#id_{radio}")


def _shot(page, name: str, shots: list[Path]) -> None:
    path = OUT / name
    page.screenshot(path=path, full_page=True)
    shots.append(path)


def _shoot(base: str, env: dict) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    today = datetime.now(ZoneInfo("Europe/Copenhagen")).date()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
        # The default channel: the form is extra information, the request goes through NemRefusion.
        page.goto(f"{base}/fast-track/")
        _shot(page, "fasttrack-form.png", shots)
        _fill(page, first_absence_day=today - timedelta(weeks=3), cpr="020369-2468", name="Jørgen Ærø")
        page.get_by_role("button", name="Send anmodningen").click()
        page.get_by_test_id("reference").wait_for()
        _shot(page, "fasttrack-receipt.png", shots)
        employee_path = _manage(env, "shell", "-c", EMPLOYEE_PATH).strip().splitlines()[-1]
        page.goto(base + employee_path)
        _shot(page, "fasttrack-employee.png", shots)
        # A municipality that accepts the form as the § 7 c request: the receipt names the 2-week day.
        _manage(env, "shell", "-c", CHANNEL.format(channel="form"))
        page.goto(f"{base}/fast-track/")
        _fill(page, first_absence_day=today - timedelta(weeks=2), cpr="150482-1235", name="Sara Løvgren")
        page.get_by_role("button", name="Send anmodningen").click()
        page.get_by_test_id("reference").wait_for()
        _shot(page, "fasttrack-receipt-form-channel.png", shots)
        _manage(env, "shell", "-c", CHANNEL.format(channel="nemrefusion"))
        browser.close()
    for path in shots:
        _shrink(path)
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8141)
    port = parser.parse_args().port
    with tempfile.TemporaryDirectory(prefix="fh-screenshots-ft-") as var_dir:
        env = _env(var_dir, port)
        _manage(env, "compilemessages", "-l", "da", "--ignore", ".venv", "-v0")  # the pages in Danish
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_demo")
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(f"{base}/fast-track/")
            for path in _shoot(base, env):
                print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
