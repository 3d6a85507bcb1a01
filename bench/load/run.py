#!/usr/bin/env python
"""The load run (`make load`; `make load-short` in CI): 50 logged-in users without think time over the
2 web nodes of the production-shaped stack (bench/faults/stack.py), with locust headless.

The page mix (bench/load/locustfile.py): case list, case page, meeting page, the overview (team leads),
notifications, a journal POST, the fast-track form (GET) and a referral POST. Then /healthz alone, the
same way, for the throughput ratio.

Prints
  BENCH load_requests <n>                      requests in the mix phase
  BENCH load_errors <n>                        failed requests (status >= 400, a POST not answered 302, errors)
  BENCH load_p95_ms_<kind> <ms>                server-side p95 per page kind (gunicorn access log, %(L)s)
  BENCH load_p95_ms <ms>                       server-side p95 over the whole mix
  BENCH load_rss_mb_max <MB>                   largest web-worker RSS during the run
  BENCH load_vs_healthz_ratio <r>              mix req/s divided by /healthz req/s, same users, same run
Targets on the 2-core machine: 0 errors, p95 <= 200 ms, RSS <= 150 MB; the exit status says whether they hold.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "faults"))
from stack import BIN, CSRF, ROOT, Stack, log, report  # noqa: E402
from workload import CONSULTANTS, TEAM_LEAD, referral_form, targets  # noqa: E402

KINDS = ("case_list", "case_page", "meeting", "overview", "notifications", "journal_post", "fasttrack_form",
         "referral_post")
TARGET_P95_MS, TARGET_RSS_MB = 200.0, 150.0


def page_kind(method: str, path: str) -> str | None:
    parts = [part for part in path.split("/") if part]
    if path == "/healthz":
        return "healthz"
    if path == "/fast-track/":
        return "referral_post" if method == "POST" else "fasttrack_form"
    if path == "/overblik/":
        return "overview"
    if parts[:1] != ["sager"]:
        return None
    if parts == ["sager"]:
        return "case_list"
    if parts == ["sager", "notifikationer"]:
        return "notifications"
    if len(parts) == 3 and parts[2] == "journal" and method == "POST":
        return "journal_post"
    if len(parts) == 2:
        return "case_page"
    if len(parts) == 4 and parts[2] == "moeder":
        return "meeting"
    return None


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else 0.0


def server_times(stack: Stack, offsets: list[int]) -> dict[str, list[float]]:
    """Milliseconds per page kind from the access logs, written after the given offsets."""
    times: dict[str, list[float]] = {}
    for path, offset in zip(stack.access_logs(), offsets):
        for line in path.read_bytes()[offset:].decode(errors="replace").splitlines():
            fields = line.split()
            if len(fields) != 4:
                continue
            method, url, _status, seconds = fields
            kind = page_kind(method, url)
            if kind:
                times.setdefault(kind, []).append(float(seconds) * 1000)
    return times


class RssSampler(threading.Thread):
    """The largest RSS of any gunicorn worker (children of the web masters), sampled every 0.5 s."""

    def __init__(self, masters: list[int]):
        super().__init__(daemon=True)
        self.masters, self.max_mb, self.first_mb = masters, 0.0, None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            sizes = []
            for pid in self.masters:
                try:
                    sizes += [child.memory_info().rss / 2**20 for child in psutil.Process(pid).children()]
                except psutil.Error:
                    pass
            if sizes:
                self.first_mb = self.first_mb or max(sizes)
                self.max_mb = max(self.max_mb, *sizes)
            self.stop.wait(0.5)


def locust(fixture: Path, prefix: Path, classes: list[str], users: int, seconds: int) -> dict:
    """Run locust headless; the Aggregated row of its stats."""
    command = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(users),
               "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", *classes]
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, "LOAD_FIXTURE": str(fixture)},
                            capture_output=True, text=True, timeout=seconds + 120)
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    aggregated = next(row for row in rows if row["Name"] == "Aggregated")
    if result.returncode not in (0, 1):  # 1: some requests failed, which the figures report
        raise RuntimeError(f"locust failed ({result.returncode}):\n{result.stderr[-3000:]}")
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))
    for failure in failures[:10]:
        log(f"failure: {failure['Method']} {failure['Name']} x{failure['Occurrences']}: {failure['Error'][:200]}")
    return {"requests": int(aggregated["Request Count"]), "failures": int(aggregated["Failure Count"]),
            "rps": float(aggregated["Requests/s"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI form: a 15 s run")
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    seconds, healthz_seconds = (15, 8) if args.short else (60, 20)
    with Stack(db_name="fh_faults_load", seed_cases=500 if args.short else 2000, time_bound=900) as stack:
        stack.django()
        log("load average before the run: %.1f %.1f %.1f (on %d cores)" % (*os.getloadavg(), os.cpu_count()))
        fixture = stack.workdir / "load.json"
        fixture.write_text(json.dumps({
            "nodes": stack.web_urls(), "csrf": CSRF, "users": targets(sessions_per_user=15),
            "consultants": list(CONSULTANTS), "team_lead": TEAM_LEAD,
            "referral": referral_form(contact_email="", employee_email=""),
        }))
        masters = [stack.processes[f"web{i}"].popen.pid for i in range(1, stack.web_nodes + 1)]
        sampler = RssSampler(masters)
        sampler.start()
        offsets = [path.stat().st_size for path in stack.access_logs()]
        log(f"page mix: {args.users} users for {seconds} s over {len(stack.web_urls())} nodes")
        mix = locust(fixture, stack.workdir / "mix", ["ConsultantUser", "TeamLeadUser"], args.users, seconds)
        mix_times = server_times(stack, offsets)
        offsets = [path.stat().st_size for path in stack.access_logs()]
        log(f"/healthz: {args.users} users for {healthz_seconds} s")
        health = locust(fixture, stack.workdir / "healthz", ["HealthzUser"], args.users, healthz_seconds)
        sampler.stop.set()
        sampler.join()
        healthz_times = server_times(stack, offsets).get("healthz", [])
        stack.keep_logs = stack.keep_logs or bool(mix["failures"])

    report("load_requests", mix["requests"], "requests")
    report("load_errors", mix["failures"], "requests")
    for kind in KINDS:
        if mix_times.get(kind):
            report(f"load_p95_ms_{kind}", round(p95(mix_times[kind]), 1), "ms")
    overall = p95([ms for kind, values in mix_times.items() if kind != "healthz" for ms in values])
    report("load_p95_ms", round(overall, 1), "ms")
    report("load_rss_mb_max", round(sampler.max_mb, 1), "MB")
    ratio = mix["rps"] / health["rps"] if health["rps"] else 0.0
    report("load_vs_healthz_ratio", round(ratio, 3), "ratio")
    log(f"mix {mix['rps']:.1f} req/s, /healthz {health['rps']:.1f} req/s (server p95 "
        f"{p95(healthz_times):.1f} ms, {health['failures']} failed); web worker RSS "
        f"{sampler.first_mb or 0:.0f} -> {sampler.max_mb:.0f} MB")
    off = []
    if mix["failures"]:
        off.append("load_errors")
    if overall > TARGET_P95_MS:
        # The CI form gates on counts (errors, memory): a 15 s sample on a shared CI machine is too
        # small and too noisy to gate a latency percentile; the full run (`make load`) gates it.
        if args.short:
            log(f"note: load_p95_ms {overall:.0f} ms is above the {TARGET_P95_MS:.0f} ms target of the full run")
        else:
            off.append("load_p95_ms")
    if sampler.max_mb > TARGET_RSS_MB:
        off.append("load_rss_mb_max")
    if off:
        log(f"OFF TARGET: {', '.join(off)}")
        return 1
    log("every figure on target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
