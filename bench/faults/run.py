#!/usr/bin/env python
"""The fault suite (`make faults`; `make faults-short` in CI): start the production-shaped stack
(bench/faults/stack.py), break it on purpose and count what was lost. One BENCH line per figure; the
exit status is non-zero when any figure is off its target.

Scenarios (full / --short):
  pages     Redis stopped during a mixed-page run (30 s / 10 s)        fault_pages_5xx = 0,
                                                                       fault_pages_wrong_status = 0
  referrals Redis stopped while referrals are posted (100 / 20), then  fault_referrals_stored = all,
            started; receipts counted at the SMTP sink for 3 minutes   fault_referral_5xx = 0,
                                                                       fault_receipts_sent = all,
                                                                       fault_duplicate_mails = 0
  database  the web nodes' connections killed (pg_terminate_backend)   fault_db_recovery_s <= 5, fault_db_5xx = 0
  sweep     a worker SIGKILLed mid-sweep with (1,000 / 200) due,       fault_sweep_duplicates = 0,
            then restarted                                             fault_sweep_missing = 0,
                                                                       fault_worker_restarted = 1
  smtp      the SMTP sink off (120 s / 20 s) while referrals (20 / 10) fault_mails_lost = 0,
            are posted, then on                                        fault_mails_duplicated = 0
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import Stack, log, report  # noqa: E402
from workload import cookies, journal_form, page_mix, referral_form, targets  # noqa: E402

FULL = {"pages_s": 30, "referrals": 100, "receipt_wait_s": 180, "due": 1000, "smtp_referrals": 20,
        "smtp_outage_s": 120, "smtp_wait_s": 480}
SHORT = {"pages_s": 10, "referrals": 20, "receipt_wait_s": 180, "due": 200, "smtp_referrals": 10,
         "smtp_outage_s": 20, "smtp_wait_s": 240}


SCENARIOS = {"pages": "pages_with_redis_down", "referrals": "referrals_with_redis_down",
             "database": "database_connections_killed", "sweep": "worker_killed_mid_sweep", "smtp": "smtp_refusing"}


class Suite:
    def __init__(self, stack: Stack, sizes: dict):
        self.stack, self.sizes = stack, sizes
        self.nodes = stack.web_urls()
        self.users = targets()
        self.figures: dict[str, tuple[object, str, object]] = {}  # name -> (value, unit, passed)
        self.tag = uuid.uuid4().hex[:8]

    def figure(self, name: str, value, unit: str, passed: bool) -> None:
        self.figures[name] = (value, unit, passed)
        report(name, value, unit)

    # --- HTTP ---------------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, username: str | None = None, data: dict | None = None,
                node: int = 0) -> int:
        """The status code; 0 when the connection failed (the user sees an error as with a 5xx)."""
        session = self.users[username]["sessions"][0] if username else None
        try:
            response = requests.request(
                method, self.nodes[node % len(self.nodes)] + path, data=data, allow_redirects=False, timeout=30,
                cookies=cookies(session) if session else {"csrftoken": data["csrfmiddlewaretoken"]} if data else None,
                headers={"Referer": self.nodes[0] + "/"},
            )
            return response.status_code
        except requests.RequestException:
            return 0

    def post_referrals(self, count: int, label: str) -> tuple[list[str], list[str], list[int]]:
        contacts = [f"{label}-{self.tag}-{i}@nordlys.example" for i in range(count)]
        employees = [f"{label}-{self.tag}-{i}@post.example" for i in range(count)]

        def post(i: int) -> int:
            data = referral_form(contact_email=contacts[i], employee_email=employees[i])
            return self.request("POST", "/fast-track/", data=data, node=i)

        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(post, range(count)))
        return contacts, employees, statuses

    # --- scenarios ----------------------------------------------------------------------------------
    def pages_with_redis_down(self) -> None:
        from django.utils import timezone

        self.stack.stop("redis")
        offsets = self.stack.web_log_offsets()
        rng = random.Random(1)
        mix = page_mix(self.users, rng)
        lock = threading.Lock()
        counts = {"requests": 0, "5xx": 0, "wrong": 0}
        by_kind: dict[str, int] = {}
        deadline = time.monotonic() + self.sizes["pages_s"]

        def loop(worker: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                with lock:
                    kind, method, path, username = next(mix)
                data = journal_form("Fejltest: Redis nede.", timezone.localtime().strftime("%Y-%m-%dT%H:%M")) \
                    if method == "POST" else None
                status = self.request(method, path, username=username, data=data, node=worker + n)
                n += 1
                with lock:
                    counts["requests"] += 1
                    if status >= 500 or status == 0:
                        counts["5xx"] += 1
                        by_kind[kind] = by_kind.get(kind, 0) + 1
                    elif status != (302 if method == "POST" else 200):  # e.g. sent to the login page
                        counts["wrong"] += 1

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(loop, range(4)))
        healthz = [self.stack.healthz(node) for node in self.nodes]
        self.stack.start("redis")
        self.stack.wait_redis()
        log(f"pages with Redis down: {counts['requests']} requests, 5xx by page: {by_kind or 'none'}; "
            f"/healthz then: {healthz}")
        if counts["5xx"]:
            log(f"the 5xx were raised at: {self.stack.error_sites(offsets)}")
        self.figure("fault_pages_requests", counts["requests"], "requests", counts["requests"] > 0)
        self.figure("fault_pages_5xx", counts["5xx"], "responses", counts["5xx"] == 0)
        self.figure("fault_pages_wrong_status", counts["wrong"], "responses", counts["wrong"] == 0)

    def referrals_with_redis_down(self) -> None:
        from cases.models import Referral

        count = self.sizes["referrals"]
        self.stack.stop("redis")
        offsets = self.stack.web_log_offsets()
        started = time.monotonic()
        contacts, _employees, statuses = self.post_referrals(count, "redis")
        log(f"{count} referral POSTs with Redis down in {time.monotonic() - started:.1f} s; "
            f"statuses {sorted(set(statuses))}")
        self.stack.start("redis")
        self.stack.wait_redis()
        back = time.monotonic()
        stored = Referral.objects.filter(contact_email__in=contacts).count()
        failed = sum(1 for status in statuses if status >= 500 or status == 0)
        if failed:
            log(f"the 5xx were raised at: {self.stack.error_sites(offsets)}")
        self.figure("fault_referrals_stored", stored, f"of_{count}", stored == count)
        self.figure("fault_referral_5xx", failed, "responses", failed == 0)
        wanted = set(contacts)
        while time.monotonic() - back < self.sizes["receipt_wait_s"]:
            received = {mail["to"] for mail in self.stack.mails() if mail["to"] in wanted}
            if len(received) >= stored:
                break
            time.sleep(1)
        received = {mail["to"] for mail in self.stack.mails() if mail["to"] in wanted}
        log(f"receipts at the sink {time.monotonic() - back:.0f} s after Redis returned: {len(received)}")
        self.figure("fault_receipts_sent", len(received), f"of_{count}", len(received) == count)
        mails = [mail for mail in self.stack.mails() if mail["to"].startswith(f"redis-{self.tag}-")]
        duplicates = len(mails) - len({(mail["to"], mail["subject"]) for mail in mails})
        self.figure("fault_duplicate_mails", duplicates, "mails", duplicates == 0)

    def database_connections_killed(self) -> None:
        from django.db import connection

        path, username = "/sager/", "konsulent"
        for i in range(16):  # every web worker has its persistent connection
            self.request("GET", path, username=username, node=i)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND application_name LIKE 'fh-web%%'")
            killed = cursor.fetchone()[0]
        killed_at = time.monotonic()
        errors, streak, recovered_at, i = 0, 0, None, 0
        while time.monotonic() - killed_at < 60 and streak < 4 * len(self.nodes) * self.stack.web_workers:
            status = self.request("GET", path, username=username, node=i)
            i += 1
            if status == 200:
                recovered_at = recovered_at or time.monotonic()
                streak += 1
            else:
                errors += 1
                streak, recovered_at = 0, None
                time.sleep(0.05)
        recovery = (recovered_at - killed_at) if recovered_at else 60.0
        log(f"killed {killed} web database connections; {errors} failed requests before pages answered again")
        self.figure("fault_db_recovery_s", round(recovery, 3), "s", recovery <= 5.0)
        self.figure("fault_db_5xx", errors, "responses", errors == 0)

    def worker_killed_mid_sweep(self) -> None:
        from django.db import connection, transaction
        from django.utils import timezone

        from cases.models import Case, Deadline, DeadlinePolicy, Notification

        due = self.sizes["due"]
        now = timezone.now()
        policy = DeadlinePolicy.objects.get(kind="agreement_item")
        cases = list(Case.objects.filter(status=Case.Status.OPEN, consultant__isnull=False).values_list("pk", flat=True))
        with transaction.atomic():
            rows = Deadline.objects.bulk_create([
                Deadline(case_id=cases[i % len(cases)], policy=policy, kind="agreement_item", title=f"Fejltest {i}",
                         start_at=now - timedelta(days=10), due_at=now - timedelta(days=1), state="open",
                         next_check_at=now)
                for i in range(due)
            ])
        ids = [row.pk for row in rows]
        # Find the worker whose database connection is inside the sweep's transaction, and kill it there.
        victim, waited = None, time.monotonic()
        with connection.cursor() as cursor:
            while victim is None and time.monotonic() - waited < 60:
                cursor.execute(
                    "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name LIKE 'fh-worker%%' AND xact_start IS NOT NULL "
                    "AND (state = 'idle in transaction' OR query ILIKE '%%SKIP LOCKED%%') LIMIT 1")
                row = cursor.fetchone()
                victim = row[0].removeprefix("fh-") if row else None
                if victim is None:
                    time.sleep(0.005)
        if victim is None:
            raise RuntimeError("no worker started the sweep within 60 s")
        self.stack.kill(victim)
        breached_at_kill = Deadline.objects.filter(pk__in=ids, state="breached").count()
        log(f"SIGKILLed {victim} mid-sweep: {breached_at_kill} of {due} breached when it died")
        offset = self.stack.log_size(victim)
        self.stack.start(victim)
        try:
            self.stack.wait_log(victim, r"ready\.", timeout=60, after=offset)
            restarted = 1
        except RuntimeError as error:
            log(str(error))
            restarted = 0
        self.figure("fault_worker_restarted", restarted, "workers", restarted == 1)
        waited = time.monotonic()
        while time.monotonic() - waited < 120:
            if Deadline.objects.filter(pk__in=ids, state="breached").count() == due:
                break
            time.sleep(1)
        notified = list(Notification.objects.filter(deadline_id__in=ids, kind="deadline_breach")
                        .values_list("deadline_id", flat=True))
        breached = Deadline.objects.filter(pk__in=ids, state="breached").count()
        log(f"{breached} of {due} breached, {len(notified)} breach notifications, "
            f"{time.monotonic() - waited:.0f} s after the restart")
        missing = due - len(set(notified) & set(Deadline.objects.filter(pk__in=ids, state="breached")
                                              .values_list("pk", flat=True)))
        duplicates = len(notified) - len(set(notified))
        self.figure("fault_sweep_duplicates", duplicates, "notifications", duplicates == 0)
        self.figure("fault_sweep_missing", missing, "deadlines", missing == 0)

    def smtp_refusing(self) -> None:
        count = self.sizes["smtp_referrals"]
        self.stack.stop("smtp")
        off = time.monotonic()
        contacts, employees, statuses = self.post_referrals(count, "smtp")
        log(f"SMTP sink off; {count} referrals posted (statuses {sorted(set(statuses))})")
        time.sleep(max(0.0, self.sizes["smtp_outage_s"] - (time.monotonic() - off)))
        self.stack.start("smtp")
        on = time.monotonic()
        expected = {address for address, status in zip(contacts + employees, statuses + statuses) if status == 302}
        while time.monotonic() - on < self.sizes["smtp_wait_s"]:
            if expected <= {mail["to"] for mail in self.stack.mails()}:
                break
            time.sleep(2)
        mails = [mail for mail in self.stack.mails() if mail["to"] in expected]
        lost = len(expected - {mail["to"] for mail in mails})
        duplicated = len(mails) - len({(mail["to"], mail["subject"]) for mail in mails})
        log(f"SMTP back for {time.monotonic() - on:.0f} s: {len(mails)} of {len(expected)} mails received")
        self.figure("fault_mails_lost", lost, "mails", lost == 0 and len(expected) == 2 * count)
        self.figure("fault_mails_duplicated", duplicated, "mails", duplicated == 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI form: fewer referrals and due deadlines")
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only this scenario (repeatable)")
    args = parser.parse_args()
    sizes = SHORT if args.short else FULL
    bound = 1500 if args.short else 2400
    with Stack(db_name="fh_faults_stack", seed_cases=500 if args.short else 2000, time_bound=bound) as stack:
        stack.django()
        log("load average before the run: %.1f %.1f %.1f (on %d cores)" % (*os.getloadavg(), os.cpu_count()))
        suite = Suite(stack, sizes)
        for name in args.only or SCENARIOS:
            log(f"--- {name}")
            getattr(suite, SCENARIOS[name])()
        failed = [name for name, (_value, _unit, passed) in suite.figures.items() if not passed]
        stack.keep_logs = stack.keep_logs or bool(failed)
    if failed:
        log(f"OFF TARGET: {', '.join(failed)}")
        return 1
    log("every figure on target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
