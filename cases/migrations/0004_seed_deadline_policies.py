"""Seed the deadline policies of domain.md and the default extra closed days (editable in the admin)."""

from datetime import date, timedelta

from django.db import migrations

H = timedelta(hours=1)
D = timedelta(days=1)

POLICIES = [
    # kind, name, starts_on, amount, unit, calendar, day_one, own_date, warn_before, escalate_after, source
    ("first_meeting", "Første møde inden 48 timer", "first_contact", 48, "hours", "working", False, False, 8 * H, D,
     "Helsingør-modellen"),
    ("follow_up", "Opfølgningsmøde efter 4 uger", "meeting_held", 4, "weeks", "clock", False, False, 2 * D, D,
     "Helsingør, Roskilde"),
    ("fast_track_conversation", "Første opfølgningssamtale i fast track inden 2 uger", "fast_track_request", 2, "weeks", "clock",
     False, False, 3 * D, D, "Sygedagpengeloven § 13 b, stk. 2"),
    ("ordinary_follow_up", "Første opfølgning inden udgangen af 8. sygeuge", "first_absence_day", 8, "weeks", "clock",
     True, False, 7 * D, D, "Sygedagpengeloven § 13 b, stk. 1"),
    # SDL § 7 a: "senest 4 uger efter første fraværsdag" = first absence day + 28 (not day one, see 0020_legal).
    ("absence_conversation", "Arbejdsgiverens sygefraværssamtale inden 4 uger", "first_absence_day", 4, "weeks",
     "clock", False, False, 5 * D, 2 * D, "Sygedagpengeloven § 7 a (arbejdsgiverens pligt)"),
    ("information_form", "Svar på oplysningsskema inden 8 dage", "form_sent", 8, "days", "clock", False, False,
     2 * D, D, "Sygedagpengeloven § 11"),
    ("agreement_item", "Aftalepunkt til aftalt dato", "agreed", 1, "days", "clock", False, True, D, D,
     "Helsingør, mål 3"),
]


def seed_policy(Policy, row):
    kind, name, starts_on, amount, unit, calendar, day_one, own_date, warn, escalate, source = row
    Policy.objects.update_or_create(kind=kind, defaults=dict(
        name=name, starts_on=starts_on, amount=amount, unit=unit, calendar=calendar, start_is_day_one=day_one,
        uses_own_date=own_date, warn_before=warn, escalate_after=escalate, legal_source=source, active=True,
    ))


def seed(apps, schema_editor):
    Policy = apps.get_model("cases", "DeadlinePolicy")
    ClosedDay = apps.get_model("cases", "ClosedDay")
    for row in POLICIES:
        seed_policy(Policy, row)
    for year in range(2024, 2041):
        for day, name in ((date(year, 6, 5), "Grundlovsdag"), (date(year, 12, 24), "Juleaftensdag"),
                          (date(year, 12, 31), "Nytårsaftensdag")):
            ClosedDay.objects.get_or_create(date=day, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_deadlines")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
