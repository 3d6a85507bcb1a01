"""The employer's fast-track form under load: POST /fast-track/ against gunicorn (one worker per core,
BENCH_WORKERS to change it) and the database DATABASE_URL names (PostgreSQL for the published figures),
loaded with wrk for BENCH_DURATION.

More web workers than cores is what made the p99 tail (issue 12): on the 2-core machine 4 workers gave
p99 189-249 ms, 2 workers 43-48 ms at about the same throughput (README, Benchmarks).

Prints referral_post_rps, referral_post_p99_ms and referral_post_lost (responses that said "stored"
without a stored referral; must be 0). Targets: >= 100 per second, p99 <= 200 ms, none lost.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboard import BIN, ROOT, WRK, drop_database, free_port, log, prepare_database, wait_for  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
CSRF = "benchCsrfToken0123456789abcdefAB"  # 32 characters: Django accepts an unmasked secret

LUA = """
wrk.method = "POST"
wrk.body = "%(body)s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=%(csrf)s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("P99_US %%d\\n", latency:percentile(99)))
  io.write(string.format("RPS %%f\\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("REQUESTS %%d\\n", summary.requests))
  io.write(string.format("ERRORS %%d\\n", e.status + e.connect + e.read + e.write + e.timeout))
  io.write(string.format("STATUS_ERRORS %%d\\n", e.status))
end
"""


def form_body() -> str:
    from django.utils import timezone

    today = timezone.localdate()
    return urllib.parse.urlencode({
        "csrfmiddlewaretoken": CSRF, "cvr": "13585628", "employer_name": "Nordlys Lager & Logistik A/S",
        "employer_address": "Industrivej 40, 6000 Kolding", "contact_name": "Hanne Ærenlund", "contact_role": "HR-partner",
        "contact_phone": "+45 70 20 30 40", "contact_email": "hanne@nordlys.example", "employee_name": "Jørgen Ærø",
        "employee_cpr": "020369-2468", "employee_email": "jorgen@post.example", "job_title": "lagermedarbejder",
        "first_absence_day": (today - timedelta(weeks=3)).isoformat(), "expected_over_8_weeks": "True",
        "affected_functions": "Løft og truckkørsel.", "affected_duration": "Tre uger.", "work_adapted": "Nej.",
        "absence_conversation_held": "False", "possibility_statement": "False", "employee_told": "True",
    })


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-referral-"))
    env = prepare_database(tmp)
    env["FASTTRACK_RATE_LIMIT"] = "1000000"  # one load generator is one address
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from cases.models import Referral, Team
    from cases.tests.factories import make_user

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Nord", receives_fast_track=True)
    for i in range(3):
        make_user(f"konsulent{i}", team=team)
    body = form_body()
    connections.close_all()

    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "fastholdelse.wsgi:application", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/fast-track/"
        assert wait_for(f"http://127.0.0.1:{port}/healthz", {}) in (200, 503)
        probe = urllib.request.Request(url, data=body.encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={CSRF}"})
        opener = urllib.request.build_opener(NoRedirect)
        status = opener.open(probe).status
        assert status == 302, f"the probe POST answered {status}, not the receipt redirect"
        lua = tmp / "post.lua"
        lua.write_text(LUA % {"body": body, "csrf": CSRF})
        output = subprocess.run([WRK, f"-t{min(2, CONNECTIONS)}", f"-c{CONNECTIONS}", f"-d{DURATION}", "-s", str(lua), url],
                                check=True, capture_output=True, text=True).stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    p99 = int(re.search(r"P99_US (\d+)", output).group(1)) / 1000
    rps = float(re.search(r"RPS ([\d.]+)", output).group(1))
    answered = int(re.search(r"REQUESTS (\d+)", output).group(1))
    errors = int(re.search(r"\nERRORS (\d+)", output).group(1))
    status_errors = int(re.search(r"STATUS_ERRORS (\d+)", output).group(1))
    stored = Referral.objects.count() - 1  # minus the probe
    lost = max(0, (answered - errors) - stored)
    # Socket errors are requests cut off when wrk stops at the end of the run; a status error would be a
    # refused referral (4xx/5xx).
    log(f"{answered} answered, {errors} errors ({status_errors} with an error status), {stored} stored")
    print(f"BENCH referral_post_rps {rps:.1f} req/s", flush=True)
    print(f"BENCH referral_post_p99_ms {p99:.1f} ms", flush=True)
    print(f"BENCH referral_post_lost {lost} referrals", flush=True)
    print(f"BENCH referral_post_error_status {status_errors} responses", flush=True)
    connections.close_all()
    shutil.rmtree(tmp, ignore_errors=True)
    drop_database(env)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, request, response, code, message, headers):
        return response


if __name__ == "__main__":
    main()
