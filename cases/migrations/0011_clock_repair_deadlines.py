"""Repair rows written before the state machine kept its invariants (issue 9): a resumed past-due
deadline could be BREACHED without a breach time (the sweep then crashed on it every minute), an
extended paused deadline could keep a next check. Reversible as a no-op: the repaired rows are valid
under the old code too."""

from django.db import migrations
from django.db.models import F


def repair(apps, schema_editor):
    Deadline = apps.get_model("cases", "Deadline")
    Deadline.objects.filter(state="breached", breached_at__isnull=True).update(breached_at=F("due_at"))
    Deadline.objects.filter(state__in=["open", "breached"], next_check_at__isnull=True).update(next_check_at=F("due_at"))
    Deadline.objects.filter(state__in=["paused", "met", "cancelled"], next_check_at__isnull=False).update(next_check_at=None)
    Deadline.objects.filter(state="open").exclude(breached_at__isnull=True, escalated_at__isnull=True).update(
        breached_at=None, escalated_at=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_clock_deadline_engine")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
