"""Demo fast-track referrals in every state: waiting for triage (consent pending, given, declined, one
late), accepted into a case, rejected. Team Nord receives the referrals."""

from datetime import timedelta

from django.utils import timezone

from .fasttrack import services
from .models import Referral


def _data(i: int, *, name: str, cpr: str, weeks_absent: int, days_ago: int) -> dict:
    employers = [("13585628", "Nordlys Lager & Logistik A/S", "Industrivej 40, 6000 Kolding", "Hanne Ærenlund", "HR-partner"),
                 ("25313763", "Vestjysk Maskinfabrik ApS", "Fabriksvej 7, 6800 Varde", "Kurt Bønnelykke", "værkfører"),
                 ("10150817", "Åbyhøj Rengøring I/S", "Søndergade 3, 8230 Åbyhøj", "Lise Østergaard", "indehaver")]
    cvr, employer, address, contact, role = employers[i % len(employers)]
    received = timezone.now() - timedelta(days=days_ago, hours=2)
    first = timezone.localdate(received) - timedelta(weeks=weeks_absent)
    return {
        "received_at": received, "cvr": cvr, "p_number": "", "employer_name": employer, "employer_address": address,
        "contact_name": contact, "contact_role": role, "contact_phone": "+45 70 20 30 40",
        "contact_email": f"{contact.split()[0].lower()}@arbejdsgiver.example", "employee_name": name, "employee_cpr": cpr,
        "employee_email": f"{name.split()[0].lower()}@post.example", "employee_phone": "", "job_title": "lagermedarbejder",
        "first_absence_day": first, "expected_over_8_weeks": True,
        "affected_functions": "Kan ikke løfte eller køre truck; kontorarbejde går.",
        "affected_duration": f"Siden første fraværsdag for {weeks_absent} uger siden.",
        "work_adapted": "Vi har tilbudt lettere opgaver på nedsat tid.", "absence_conversation_held": True,
        "absence_conversation_on": first + timedelta(days=10), "possibility_statement": i % 2 == 0,
        "adjustments_tried": "Hæve-sænkebord og kortere vagter.", "employee_told": True,
        "meeting_wishes": "Gerne en formiddag på arbejdspladsen.",
    }


def seed_referrals(ctx) -> None:
    nord = ctx.teams["Nord"]
    nord.receives_fast_track = True
    nord.save(update_fields=["receives_fast_track"])
    people = [("Rasmus Kjærgaard", "1203754321"), ("Yasmin Øzdemir", "0907911234"), ("Kim Løvendal", "2406682345"),
              ("Bo Ærenlund", "1511803456"), ("Helle Sønderby", "0302774567"), ("Tobias Ågård", "2809935678")]
    made = []
    for i, (name, cpr) in enumerate(people):
        weeks = 7 if i == 1 else 3  # one request later than the 5-week window
        made.append(services.referral_submit(data=_data(i, name=name, cpr=cpr, weeks_absent=weeks, days_ago=i)))
    answers = {2: Referral.Consent.GIVEN, 3: Referral.Consent.DECLINED, 4: Referral.Consent.GIVEN}
    for index, consent in answers.items():
        services.referral_employee_answer(referral=made[index], answer=services.EmployeeAnswer(
            consent=consent, functions="Jeg kan ikke løfte, men kan godt lave lettere opgaver.",
            duration="Ryggen har drillet i et par måneder.", adapted="Nej, ikke endnu."))
    services.referral_accept(referral=made[4], actor=ctx.users["konsulent"])
    services.referral_reject(referral=made[5], actor=ctx.users["konsulent3"],
                             reason="Medarbejderen er raskmeldt og tilbage i fuldt arbejde; der er ikke behov for fast track.")
