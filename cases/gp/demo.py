"""Demo: Vordingborg's GP collaboration. A partner practice with two contact persons, a meeting held
ten days ago with twelve patients who consented (one case opened with the source GP), the next
meeting proposed three weeks on, and two GP requests on cases: one waiting, one answered."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from ..models import Case, GpContact, GpPractice
from . import services

PATIENTS = [
    ("Anne Marie Holst", "advice", "Tvivl om sygedagpenge ved nedsat tid: vejledt om delvis sygemelding.",
     "Vejledning givet; patienten kontakter selv arbejdsgiveren."),
    ("Bo Lykke", "early_intervention", "Rygsmerter, tungt lagerarbejde.", "Tilbudt samtale med fastholdelseskonsulent."),
    ("Dorthe Skov", "advice", "", "Vejledt om fastholdelsesplan (SDL § 7 b)."),
    ("Erik Munk", "early_intervention", "Søvnproblemer efter omstrukturering.", "Tilbudt stresshåndteringsforløb."),
    ("Gitte Brandt", "advice", "", "Ingen indsats nu; lægen følger op."),
    ("Hans Jørgen Kro", "early_intervention", "Knæoperation planlagt.", "Tilbudt rundbordssamtale med arbejdsgiver."),
    ("Inge Lund", "advice", "", "Vejledt om mulighedserklæring."),
    ("Jakob Friis", "early_intervention", "Skulder, kan ikke løfte over hovedhøjde.", "Tilbudt arbejdsprøvning."),
    ("Karen Vestergaard", "advice", "", "Vejledning givet."),
    ("Lars Nygaard", "early_intervention", "Angst, svært ved kundekontakt.", "Tilbudt psykologsamtaler via jobcentret."),
    ("Mona Kirk", "advice", "", "Vejledt om delvis raskmelding."),
]
OPENED = ("Nanna Stærmose", "1503884321", "Stress, risiko for sygemelding.",
          "Sag oprettet; konsulenten ringer til patienten i morgen.")


def seed_gp(ctx) -> None:
    mette = ctx.users["konsulent"]
    nord = ctx.teams["Nord"]
    practice = GpPractice.objects.create(
        name="Lægehuset Algade", address="Algade 12, 4760 Vordingborg", phone="55 37 00 00",
        email="algade@laeger.example", team=nord)
    GpContact.objects.create(practice=practice, name="Susanne Birk", role="praktiserende læge", phone="55 37 00 01",
                             email="birk@laeger.example")
    GpContact.objects.create(practice=practice, name="Jens Holm", role="sekretær", phone="55 37 00 00")
    GpPractice.objects.create(name="Lægerne i Præstø", address="Adelgade 40, 4720 Præstø", phone="55 99 10 10",
                              team=nord)
    day = timezone.localdate() - timedelta(days=10)
    held = timezone.make_aware(datetime.combine(day, time(13, 0)))
    rows = [services.PatientRow(name=name, consent=True, outcome=outcome, note=note, feedback=feedback)
            for name, outcome, note, feedback in PATIENTS]
    name, cpr, note, feedback = OPENED
    rows.append(services.PatientRow(name=name, consent=True, outcome="case_opened", cpr=cpr, note=note,
                                    feedback=feedback))
    services.gp_meeting_register(actor=mette, practice=practice, held_at=held, rows=rows)

    mine = [case for case in ctx.cases if case.is_open and case.consultant_id == mette.pk
            and case.source != Case.Source.GP][:2]
    if len(mine) < 2:
        return
    now = timezone.now()
    services.gp_request_send(case=mine[0], actor=mette, kind="medical_certificate", practice=practice,
                             question="Funktionsniveau og forventet varighed.", sent_at=now - timedelta(days=3))
    answered = services.gp_request_send(case=mine[1], actor=mette, kind="possibility_statement",
                                        gp_name="Læge Karsten Ibsen, Vordingborg",
                                        question="Del 2 af mulighedserklæringen.", sent_at=now - timedelta(days=7))
    services.gp_request_answer(request=answered, actor=mette, answered_at=now - timedelta(days=2),
                               note="Kan arbejde 20 timer om ugen uden tunge løft de næste 4 uger.")


GP_DEMO_STEPS = [seed_gp]
