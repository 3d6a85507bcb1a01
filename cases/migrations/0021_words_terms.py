"""Danish review (T16): the fast-track policy names the statutory meeting as SDL § 13 b, stk. 2 does:
"første opfølgningssamtale". Renames the stored policy only where it still has the seeded name, so a
name an administrator changed stays. 0004's POLICIES (re-seeded by ensure_defaults) carries the new name."""

from django.db import migrations

RENAMES = [
    # kind, old seeded name, new name
    ("fast_track_conversation", "Første samtale i fast track inden 2 uger",
     "Første opfølgningssamtale i fast track inden 2 uger"),
]


def forwards(apps, schema_editor):
    Policy = apps.get_model("cases", "DeadlinePolicy")
    for kind, old, new in RENAMES:
        Policy.objects.filter(kind=kind, name=old).update(name=new)


def backwards(apps, schema_editor):
    Policy = apps.get_model("cases", "DeadlinePolicy")
    for kind, old, new in RENAMES:
        Policy.objects.filter(kind=kind, name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [("cases", "0020_legal_texts")]
    operations = [migrations.RunPython(forwards, backwards)]
