"""Bulk data for benchmarks: `seed_scale --cases 100000` in well under a minute (bulk inserts)."""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import Case, Employee, Employer, Team
from cases.models.people import fold

FIRST = ["Søren", "Maja", "Jørgen", "Aase", "Mikkel", "Fatma", "Henrik", "Line", "Peter", "Camilla", "Ole", "Sofie",
         "Bjørn", "Ærling", "Åse", "Niels", "Karen", "Lars", "Mette", "Anders"]
LAST = ["Østergård", "Sørensen", "Ærø", "Løvgren", "Ødegaard", "Yılmaz", "Mølgaard", "Åkesson", "Skærbæk", "Frølund",
        "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Rasmussen"]


def cvr_with_checksum(base7: int) -> str | None:
    digits = [int(c) for c in f"{base7:07d}"]
    if digits[0] == 0:
        return None
    weights = [2, 7, 6, 5, 4, 3, 2]
    remainder = sum(d * w for d, w in zip(digits, weights)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else "".join(map(str, digits)) + str(check)


class Command(BaseCommand):
    help = "Create many cases quickly for benchmarks (bulk inserts, no events)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    @transaction.atomic
    def handle(self, *args, cases: int, seed: int, **options):
        rng = random.Random(seed)
        User = get_user_model()
        teams = list(Team.objects.all()) or [Team.objects.create(name="Nord"), Team.objects.create(name="Syd")]
        consultants = {t.pk: list(t.members.all()) for t in teams}
        for team in teams:
            if not consultants[team.pk]:
                user, _ = User.objects.get_or_create(username=f"scale-{team.name.lower()}", defaults={"first_name": "Skala"})
                team.members.add(user)
                consultants[team.pk] = [user]

        employers = []
        base = 1_000_000 + rng.randint(0, 5_000_000)
        while len(employers) < max(10, cases // 200):
            cvr = cvr_with_checksum(base)
            base += 1
            if cvr:
                employers.append(Employer(cvr=cvr, p_number="", name=f"Virksomhed {cvr} ApS", address="Vej 1, 7100 Vejle"))
        employers = Employer.objects.bulk_create(employers, batch_size=2000, ignore_conflicts=False)

        existing = set(Employee.objects.values_list("cpr", flat=True))
        employees, birth, serial = [], date(1960, 1, 1), 1000
        while len(employees) < cases:
            cpr = f"{birth:%d%m%y}{serial:04d}"
            serial += 1
            if serial > 3999:  # 7th digit 0-3: born 1900-1999
                serial, birth = 1000, birth + timedelta(days=1)
            if cpr in existing:
                continue
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            employees.append(Employee(cpr=cpr, name=name, name_folded=fold(name), job_title="medarbejder"))
        employees = Employee.objects.bulk_create(employees, batch_size=2000)

        now = timezone.now()
        start_id = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        outcomes = [o for o, _ in Case.Outcome.choices]
        sources = [s for s, _ in Case.Source.choices]
        batch = []
        for i, employee in enumerate(employees):
            pk = start_id + i
            team = teams[i % len(teams)]
            opened = now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
            closed = rng.random() < 0.3
            batch.append(Case(
                id=pk, reference=f"FH-{opened.year}-{pk:05d}", employee=employee, employer=employers[i % len(employers)],
                team=team, consultant=None if rng.random() < 0.02 else rng.choice(consultants[team.pk]),
                source=rng.choice(sources), first_contact_at=opened,
                first_absence_day=timezone.localdate(opened) - timedelta(days=rng.randint(0, 30)),
                status=Case.Status.CLOSED if closed else Case.Status.OPEN,
                outcome=rng.choice(outcomes) if closed else "",
                closed_on=(timezone.localdate(opened) + timedelta(days=30)) if closed else None,
                complexity=rng.choice([Case.Complexity.SMOOTH, Case.Complexity.COMPLEX]),
                last_activity_at=opened + timedelta(days=rng.randint(0, 20)),
            ))
            if len(batch) == 5000:
                Case.objects.bulk_create(batch)
                batch = []
        Case.objects.bulk_create(batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence('cases_case','id'), (SELECT MAX(id) FROM cases_case))")
        self.stdout.write(self.style.SUCCESS(f"Created {cases} cases, {len(employers)} employers."))
