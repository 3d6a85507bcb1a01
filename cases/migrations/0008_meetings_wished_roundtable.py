"""The retention phone's wished roundtable (Kolding): the employer asks for a roundtable within
1-7 working days of the call. Each case carries its own number of days, so the policy uses the
item's own date; admins can switch it off or change the warning and escalation times."""

from datetime import timedelta

from django.db import migrations, models


# Same row shape as 0004 (cases.apps.ensure_defaults re-adds it after a flush):
# kind, name, starts_on, amount, unit, calendar, day_one, own_date, warn_before, escalate_after, source
POLICIES = [
    ("wished_roundtable", "Rundbordssamtale inden for de dage, arbejdsgiveren ønsker (1-7 arbejdsdage)", "first_contact",
     7, "days", "working", False, True, timedelta(days=1), timedelta(days=1), "Kolding, fastholdelsestelefonen"),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("cases", "DeadlinePolicy")
    for kind, name, starts_on, amount, unit, calendar, day_one, own_date, warn, escalate, source in POLICIES:
        Policy.objects.update_or_create(kind=kind, defaults=dict(
            name=name, starts_on=starts_on, amount=amount, unit=unit, calendar=calendar, start_is_day_one=day_one,
            uses_own_date=own_date, warn_before=warn, escalate_after=escalate, legal_source=source, active=True,
        ))


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlinePolicy").objects.filter(kind="wished_roundtable").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_door_accesslog_referral'),
    ]

    operations = [
        migrations.AlterField(
            model_name='deadline',
            name='kind',
            field=models.CharField(choices=[('first_meeting', 'first meeting'), ('follow_up', 'follow-up meeting'), ('fast_track_conversation', 'fast-track first conversation'), ('ordinary_follow_up', 'ordinary first follow-up'), ('absence_conversation', "employer's absence conversation"), ('information_form', 'information form answer'), ('agreement_item', 'agreement item'), ('wished_roundtable', "roundtable at the employer's wish")], max_length=30, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='deadlinepolicy',
            name='kind',
            field=models.CharField(choices=[('first_meeting', 'first meeting'), ('follow_up', 'follow-up meeting'), ('fast_track_conversation', 'fast-track first conversation'), ('ordinary_follow_up', 'ordinary first follow-up'), ('absence_conversation', "employer's absence conversation"), ('information_form', 'information form answer'), ('agreement_item', 'agreement item'), ('wished_roundtable', "roundtable at the employer's wish")], max_length=30, unique=True, verbose_name='kind'),
        ),
        migrations.RunPython(seed, unseed),
    ]
