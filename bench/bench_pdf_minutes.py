"""Benchmark: render a typical three-page minutes PDF (full copy). Prints pdf_minutes_median_s.

Target: at most 0.4 s (WeasyPrint with harfbuzz-subset). Runs without a database: the PDF is made
from a version's frozen content, exactly as on finalising.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastholdelse.settings_test")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from roundtable.pdf import FULL, render_minutes_pdf  # noqa: E402

TARGET_S = 0.4
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

LADDER = [
    [1, "Rask og i fuldt arbejde"], [2, "I arbejde med skånehensyn"], [3, "Delvis raskmeldt, timerne øges"],
    [4, "Sygemeldt med kontakt og en plan for tilbagevenden"], [5, "Sygemeldt, uafklaret tilbagevenden"],
    [6, "Langtidssygemeldt, arbejdsevnen skal afklares"], [7, "Varigt nedsat arbejdsevne"],
]


def typical_content() -> dict:
    now = timezone.now()
    return {
        "reference": "FH-2026-00042", "kind": "roundtable", "starts_at": now.isoformat(), "held_at": now.isoformat(),
        "duration_minutes": 60, "place_kind": "workplace", "place": "Skolen ved Øresund, Kongevejen 12, 3000 Helsingør",
        "online_link": "", "employee_name": "Søren Østergård", "employer_name": "Helsingør Kommune, Skolen ved Øresund",
        "consultant_name": "Mette Jensen",
        "sender": {"municipality": "Helsingør Kommune", "job_centre": "Jobcenter Helsingør",
                   "address": "Prøvestenen 2, 3000 Helsingør", "phone": "49 28 28 28",
                   "email": "jobcenter@helsingor.dk", "web": "https://helsingor.dk", "logo": ""},
        "participants": [
            {"role": "employee", "name": "Søren Østergård", "title": "lærer", "answer": "coming"},
            {"role": "employer", "name": "Lone Madsen", "title": "skoleleder", "answer": "coming"},
            {"role": "union", "name": "Jens Tillidsmand", "title": "tillidsrepræsentant", "answer": "coming"},
            {"role": "specialist", "name": "Pia Holm", "title": "psykolog", "answer": "coming"},
            {"role": "consultant", "name": "Mette Jensen", "title": "fastholdelseskonsulent", "answer": ""},
        ],
        "ladder": LADDER,
        "placements": {"employee": {"position": 5, "name": LADDER[4][1]}, "employer": {"position": 3, "name": LADDER[2][1]},
                       "consultant": {"position": 4, "name": LADDER[3][1]}},
        "agreed": {"position": 4, "name": LADDER[3][1]},
        "plan_text": ("Søren vender gradvist tilbage uden gårdvagt og uden den ekstra klasse. Lone og Søren mødes "
                      "kort hver fredag og justerer opgaverne. ") * 6,
        "weeks": [{"week": w, "hours": str(h), "tasks": f"Undervisning i {w + 2} lektioner, ingen gårdvagt, faste pauser"}
                  for w, h in zip(range(1, 13), [10, 10, 14, 18, 18, 22, 25, 28, 30, 32, 35, 37], strict=True)],
        "offers": [{"name": n, "provider": p, "contact": "70 11 22 33", "description": ""} for n, p in
                   [("Mentor på arbejdspladsen", "Jobcentret"), ("Stresscoaching (forløb på 6 samtaler)", "Coachhuset ApS"),
                    ("Psykologsamtaler", "Psykologerne i Nordsjælland")]],
        "agreements": [{"who": who, "what": what, "due_on": timezone.localdate().isoformat()} for who, what in [
            ("Lone Madsen", "Fjerner gårdvagten fra skemaet"), ("Søren Østergård", "Bestiller tid hos egen læge"),
            ("Mette Jensen", "Sender papirer om mentor og stresscoaching"), ("Jens Tillidsmand", "Følger op med Søren"),
            ("Lone Madsen", "Finder et stille forberedelseslokale"), ("Søren Østergård", "Starter på stresscoaching"),
        ] * 2],
        "follow_up_at": now.isoformat(), "follow_up_proposed": now.isoformat(),
        "functional_limitations": "Nedsat koncentration; brug for ro og faste pauser.",
        "sensitive": {"health_note": "Stress og søvnbesvær (egen læge).", "consultant_note": "Søren virker lettet.",
                      "specialist_notes": [{"name": "Pia Holm", "title": "psykolog", "text": "Anbefaler korte dage. " * 20}]},
    }


def main() -> int:
    from pypdf import PdfReader

    content = typical_content()
    finalised = timezone.now()
    render_minutes_pdf(content=content, number=1, reason="", finalised_at=finalised, variant=FULL)  # warm-up
    times, pages = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        data = render_minutes_pdf(content=content, number=1, reason="", finalised_at=finalised, variant=FULL)
        times.append(time.perf_counter() - started)
        pages = len(PdfReader(io.BytesIO(data)).pages)
    median = statistics.median(times)
    print(f"BENCH pdf_minutes_median_s {median:.3f} s", flush=True)
    print(f"BENCH pdf_minutes_pages {pages} pages", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
