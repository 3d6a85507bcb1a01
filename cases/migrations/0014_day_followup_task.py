"""The consultant's own follow-up task (huskelapp) as a clock: a policy with its own date per task."""

from datetime import timedelta

from django.db import migrations, models

# kind, name, starts_on, amount, unit, calendar, day_one, own_date, warn_before, escalate_after, source
# (the row shape of 0004's POLICIES). Each task carries its own date; "agreed" is the start kind for
# clocks whose date someone chose. A forgotten huskelapp is the consultant's own: warn the morning
# before, tell the team lead only after a week.
POLICY = ("follow_up_task", "Huskelapp til valgt dato", "agreed", 1, "days", "clock", False, True,
          timedelta(hours=8), timedelta(days=7), "Konsulentens egen opfølgning")
POLICIES = [POLICY]  # cases/apps.py ensure_defaults re-adds these after a flush


def seed(apps, schema_editor):
    from importlib import import_module

    Policy = apps.get_model("cases", "DeadlinePolicy")
    import_module("cases.migrations.0004_seed_deadline_policies").seed_policy(Policy, POLICY)


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlinePolicy").objects.filter(kind=POLICY[0]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_guard_retention'),
    ]

    operations = [
        migrations.AlterField(
            model_name='deadline',
            name='kind',
            field=models.CharField(choices=[('first_meeting', 'first meeting'), ('follow_up', 'follow-up meeting'), ('fast_track_conversation', 'fast-track first conversation'), ('ordinary_follow_up', 'ordinary first follow-up'), ('absence_conversation', "employer's absence conversation"), ('information_form', 'information form answer'), ('agreement_item', 'agreement item'), ('follow_up_task', 'follow-up task (huskelapp)')], max_length=30, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='deadlinepolicy',
            name='kind',
            field=models.CharField(choices=[('first_meeting', 'first meeting'), ('follow_up', 'follow-up meeting'), ('fast_track_conversation', 'fast-track first conversation'), ('ordinary_follow_up', 'ordinary first follow-up'), ('absence_conversation', "employer's absence conversation"), ('information_form', 'information form answer'), ('agreement_item', 'agreement item'), ('follow_up_task', 'follow-up task (huskelapp)')], max_length=30, unique=True, verbose_name='kind'),
        ),
        migrations.RunPython(seed, unseed),
    ]
