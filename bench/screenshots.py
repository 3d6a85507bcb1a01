"""The README's screenshots from the demo data: "Mit arbejde" for the demo consultant (desk width) and the
meeting page at the table on a tablet (820 px).

    .venv/bin/python bench/screenshots.py [--port 8113]

Runs `migrate` and `seed_demo` in a throw-away SQLite directory (FASTHOLDELSE_VAR_DIR), serves it with
runserver on 127.0.0.1:PORT and photographs it with Playwright's Chromium (/usr/bin/chromium). The PNGs
go to docs/screenshots/. Nothing outside the temporary directory is touched.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# The meeting to show: the demo consultant's next roundtable that still takes edits (printed by the shell).
FIND_MEETING = """
from django.urls import reverse
from roundtable.models import Meeting
m = (Meeting.objects.filter(case__consultant__username="konsulent", minutes_locked=False, kind="roundtable")
     .exclude(state="cancelled").exclude(state="moved").order_by("starts_at").first())
print(reverse("roundtable:detail", args=[m.case.reference, m.pk]))
"""


def _env(var_dir: str, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CACHE_URL")}
    # DEBUG serves the static files from the source tree (no collectstatic); demo mode allows seed_demo.
    env.update(FASTHOLDELSE_VAR_DIR=var_dir, FASTHOLDELSE_DEMO="1", DEBUG="1", PORT=str(port))
    return env


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout


def _wait(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer")


def _shoot(base: str, meeting_path: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="da-DK")
        page.goto(f"{base}/login/")
        page.fill("#id_username", "konsulent")
        page.fill("#id_password", "demo")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.goto(f"{base}/mit-arbejde/")
        path = OUT / "mit-arbejde.png"
        page.screenshot(path=path, full_page=True)
        shots.append(path)
        # The tablet at the table: goal 1's staircase and the step buttons, in the tablet's own viewport.
        page.set_viewport_size({"width": 820, "height": 1180})
        page.goto(base + meeting_path)
        # Place the three parties the way it is done at the table: choose the party, tap its step.
        for label, position in (("Medarbejder", 5), ("Arbejdsgiver", 3), ("Konsulent", 4)):
            page.locator("#goal1 .tap-steps label", has_text=label).click()
            page.get_by_test_id(f"tap-step-{position}").click()
            page.get_by_test_id(f"tap-step-{position}").locator(".stairs-marker").first.wait_for()
        page.locator("#goal1 .tap-steps label", has_text="Medarbejder").click()  # ready for the next tap
        page.evaluate("window.scrollTo(0, document.getElementById('goal1').offsetTop - 8)")
        path = OUT / "meeting-tablet.png"
        page.screenshot(path=path)
        shots.append(path)
        browser.close()
    for path in shots:
        _shrink(path)
    return shots


def _shrink(path: Path) -> None:
    """A 256-colour palette: a page of flat colours and text stays sharp and a few times smaller."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8113)
    port = parser.parse_args().port
    with tempfile.TemporaryDirectory(prefix="fh-screenshots-") as var_dir:
        env = _env(var_dir, port)
        _manage(env, "compilemessages", "-l", "da", "--ignore", ".venv", "-v0")  # the pages in Danish
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_demo")
        meeting_path = _manage(env, "shell", "-c", FIND_MEETING).strip().splitlines()[-1]
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(f"{base}/login/")
            for path in _shoot(base, meeting_path):
                print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
