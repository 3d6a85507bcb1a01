#!/usr/bin/env python
"""Benchmark of the absence import (early detection, issue 13): a 100,000-line payroll CSV.

Prints:
  BENCH absence_import_rows_per_s <v> rows/s     lines imported per second (first import of the file,
                                                 with the alert evaluation and the clocks that follow it)
  BENCH absence_import_peak_rss_mb <v> MB        peak resident memory of the process (ru_maxrss)
  BENCH absence_reimport_rows_per_s <v> rows/s   the same file again (idempotent: every spell unchanged)

Set-up: a fresh database (bench/_setup.py: PostgreSQL when DATABASE_URL points at one), 200 workplaces
(CVR + manager with an e-mail), a CSV written to a temporary file: BENCH_ABSENCE_ROWS lines (default
100,000) for a quarter as many employees, four spells each over the last year, the newest ongoing for
one in ten (so alerts are raised), and one line in a hundred bad (refused with a Danish message).
The file is streamed: it is never read into memory. Targets: >= 5,000 rows/s, <= 200 MB peak RSS.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_setup, report  # noqa: E402

ROWS = int(os.environ.get("BENCH_ABSENCE_ROWS", "100000"))
WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def valid_cvr(seed: int) -> str:
    n = 10000000 + seed * 37
    while True:
        digits = [int(c) for c in str(n)[:7]]
        check = (-sum(d * w for d, w in zip(digits, WEIGHTS))) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)
        n += 1


def cpr(i: int) -> str:
    born = date(1960, 1, 1) + timedelta(days=i % 15000)
    return f"{born:%d%m%y}{(i // 15000) % 4000 + 1000:04d}"  # serials 1xxx-4xxx: born in the 1900s


def write_csv(path: Path, employers: list[str], today: date) -> None:
    rnd = random.Random(13)
    people = ROWS // 4
    with path.open("w", encoding="utf-8") as out:
        out.write("CVR;P-nummer;CPR;Ansættelsesnummer;Navn;Første fraværsdag;Sidste fraværsdag\n")
        written = 0
        for person in range(people):
            cvr = employers[person % len(employers)]
            start = today - timedelta(days=rnd.randint(30, 360))
            for spell in range(4):
                if written >= ROWS:
                    return
                written += 1
                first = start + timedelta(days=spell * rnd.randint(5, 25))
                first = min(first, today)
                last = "" if (spell == 3 and person % 10 == 0) else (first + timedelta(days=rnd.randint(0, 9))).strftime("%d-%m-%Y")
                who = cpr(person)
                if written % 100 == 0:
                    who = who[:7]  # a bad line: CPR too short
                out.write(f"{cvr};;{who};{40000 + person};Medarbejder {person};{first:%d-%m-%Y};{last}\n")


def main() -> None:
    django_setup("absence")
    from django.utils import timezone

    from cases.absence import csvformat
    from cases.absence.ingest import spells_ingest
    from cases.models import AbsenceAlert, AbsenceSource, AbsenceSpell, ContactPerson, Employer, Team

    team = Team.objects.create(name="Fastholdelse", receives_fast_track=True)
    source = AbsenceSource.objects.create(code="loen", name="Lønsystem", team=team)
    cvrs = [valid_cvr(i) for i in range(200)]
    for i, cvr in enumerate(cvrs):
        employer = Employer.objects.create(cvr=cvr, name=f"Arbejdsplads {i}")
        ContactPerson.objects.create(employer=employer, name=f"Leder {i}", email=f"leder{i}@kommune.example")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fravaer.csv"
        write_csv(path, cvrs, timezone.localdate())
        print(f"# {ROWS} lines, {path.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
        started = time.perf_counter()
        with path.open("rb") as stream:
            result = spells_ingest(rows=csvformat.read_csv(stream, source), source=source)
        first = time.perf_counter() - started
        print(f"# first: {result.lines} lines, {result.created} new, {result.failed} refused, "
              f"{AbsenceAlert.objects.count()} alerts, {AbsenceSpell.objects.count()} spells in {first:.1f} s",
              file=sys.stderr)
        started = time.perf_counter()
        with path.open("rb") as stream:
            again = spells_ingest(rows=csvformat.read_csv(stream, source), source=source)
        second = time.perf_counter() - started
        assert again.created == 0 and again.unchanged == result.created, (again.created, again.unchanged)
    report("absence_import_rows_per_s", result.lines / first, "rows/s")
    report("absence_import_peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB")
    report("absence_reimport_rows_per_s", again.lines / second, "rows/s")


if __name__ == "__main__":
    main()
