"""Early detection (Hjørring): absence spells, sources, alert rules and alerts; the week-22 reassessment
clock as a deadline policy; the default rules (7 days; 3 spells within 3 months) and settings."""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

D = timedelta(days=1)
# Same row shape as 0004's POLICIES (cases/apps.py ensure_defaults re-adds it after a flush).
POLICY = ("reassessment", "Revurdering senest ved udgangen af uge 22", "first_absence_day", 22, "weeks", "clock",
          True, False, 14 * D, 2 * D, "Sygedagpengeloven §§ 24 og 27")
POLICIES = [POLICY]
RULES = [
    ("7 dages sammenhængende sygdom", "consecutive_days", 7, 3, 3),
    ("3 fraværsperioder inden for 3 måneder", "spells_in_window", 7, 3, 3),
]


def seed(apps, schema_editor):
    from importlib import import_module

    Policy = apps.get_model("cases", "DeadlinePolicy")
    import_module("cases.migrations.0004_seed_deadline_policies").seed_policy(Policy, POLICY)
    seed_absence_defaults(apps)


def seed_absence_defaults(apps, using="default"):
    """The default alert rules and settings (also re-added after a flush by cases/apps.py)."""
    Rule = apps.get_model("cases", "AbsenceAlertRule")
    Settings = apps.get_model("cases", "AbsenceSettings")
    if not Rule.objects.using(using).exists():
        for name, kind, days, count, months in RULES:
            Rule.objects.using(using).create(name=name, kind=kind, days=days, count=count, months=months)
    if not Settings.objects.using(using).exists():
        Settings.objects.using(using).create(pk=1, gap_days=16, on_time_days=7)


ENSURE_DEFAULTS = seed_absence_defaults  # cases/apps.py calls it after every migrate and flush


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlinePolicy").objects.filter(kind=POLICY[0]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0028_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AbsenceAlertRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('kind', models.CharField(choices=[('consecutive_days', 'consecutive calendar days of sickness'), ('spells_in_window', 'spells within a number of months')], max_length=20, verbose_name='kind')),
                ('days', models.PositiveSmallIntegerField(default=7, help_text='For consecutive days.', verbose_name='days')),
                ('count', models.PositiveSmallIntegerField(default=3, help_text='For spells in a window.', verbose_name='number of spells')),
                ('months', models.PositiveSmallIntegerField(default=3, help_text='For spells in a window.', verbose_name='months')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'absence alert rule',
                'verbose_name_plural': 'absence alert rules',
                'ordering': ['kind', 'pk'],
            },
        ),
        migrations.AlterField(
            model_name='case',
            name='source',
            field=models.CharField(choices=[('phone_call', 'phone call'), ('fast_track', 'fast-track referral'), ('information_form', 'information form'), ('gp', 'GP'), ('caseworker', 'caseworker'), ('employer_contact', 'employer contact'), ('citizen', 'citizen'), ('absence_alert', 'absence alert')], max_length=20, verbose_name='source'),
        ),
        migrations.AlterField(
            model_name='deadline',
            name='kind',
            field=models.CharField(choices=[('first_meeting', 'first meeting'), ('follow_up', 'follow-up meeting'), ('fast_track_conversation', 'fast-track first conversation'), ('ordinary_follow_up', 'ordinary first follow-up'), ('absence_conversation', "employer's absence conversation"), ('information_form', 'information form answer'), ('agreement_item', 'agreement item'), ('wished_roundtable', "roundtable at the employer's wish"), ('follow_up_task', 'follow-up task (huskelapp)'), ('reassessment', 'reassessment by the end of week 22')], max_length=30, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='deadlinepolicy',
            name='kind',
            field=models.CharField(choices=[('first_meeting', 'first meeting'), ('follow_up', 'follow-up meeting'), ('fast_track_conversation', 'fast-track first conversation'), ('ordinary_follow_up', 'ordinary first follow-up'), ('absence_conversation', "employer's absence conversation"), ('information_form', 'information form answer'), ('agreement_item', 'agreement item'), ('wished_roundtable', "roundtable at the employer's wish"), ('follow_up_task', 'follow-up task (huskelapp)'), ('reassessment', 'reassessment by the end of week 22')], max_length=30, unique=True, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='AbsenceSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('alert_max_age_days', models.PositiveSmallIntegerField(default=14, help_text='An import of older history does not mail managers about absences long over.', verbose_name='raise alerts for rules met within the last (days)')),
                ('gap_days', models.PositiveSmallIntegerField(default=16, help_text='A gap of at least this many days between two spells starts a new sickness period (NAV uses 16).', verbose_name='days without sickness that start a new sickness period')),
                ('on_time_days', models.PositiveSmallIntegerField(default=7, verbose_name='an alert is handled on time within (days)')),
                ('team', models.ForeignKey(blank=True, help_text='The team whose queue gets alerts from sources without a team of their own.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.team', verbose_name='team')),
            ],
            options={
                'verbose_name': 'absence settings',
                'verbose_name_plural': 'absence settings',
            },
        ),
        migrations.CreateModel(
            name='AbsenceSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='Short name used by the API, e.g. "silkeborg-data".', max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('delimiter', models.CharField(default=';', max_length=2, verbose_name='delimiter')),
                ('encoding', models.CharField(choices=[('utf-8-sig', 'UTF-8'), ('cp1252', 'Windows-1252 (Latin-1)')], default='utf-8-sig', max_length=12, verbose_name='encoding')),
                ('date_format', models.CharField(default='%d-%m-%Y', help_text='Python strftime codes, e.g. %d-%m-%Y for 31-01-2026 or %Y-%m-%d.', max_length=20, verbose_name='date format')),
                ('col_cvr', models.CharField(default='CVR', max_length=60, verbose_name='column: CVR')),
                ('col_p_number', models.CharField(blank=True, default='P-nummer', max_length=60, verbose_name='column: P-number')),
                ('col_cpr', models.CharField(blank=True, default='CPR', max_length=60, verbose_name='column: CPR')),
                ('col_employment_number', models.CharField(blank=True, default='Ansættelsesnummer', max_length=60, verbose_name='column: employment number')),
                ('col_name', models.CharField(blank=True, default='Navn', max_length=60, verbose_name='column: name')),
                ('col_first_day', models.CharField(default='Første fraværsdag', max_length=60, verbose_name='column: first day')),
                ('col_last_day', models.CharField(default='Sidste fraværsdag', max_length=60, verbose_name='column: last day')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('team', models.ForeignKey(blank=True, help_text="The team whose queue gets this source's alerts.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.team', verbose_name='team')),
            ],
            options={
                'verbose_name': 'absence source',
                'verbose_name_plural': 'absence sources',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='AbsenceImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='started')),
                ('filename', models.CharField(blank=True, max_length=200, verbose_name='file')),
                ('lines', models.PositiveIntegerField(default=0, verbose_name='lines')),
                ('created', models.PositiveIntegerField(default=0, verbose_name='new spells')),
                ('updated', models.PositiveIntegerField(default=0, verbose_name='updated spells')),
                ('unchanged', models.PositiveIntegerField(default=0, verbose_name='unchanged spells')),
                ('failed', models.PositiveIntegerField(default=0, verbose_name='refused lines')),
                ('errors', models.JSONField(blank=True, default=list)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='cases.absencesource')),
            ],
            options={
                'verbose_name': 'absence import',
                'verbose_name_plural': 'absence imports',
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AbsenceSpell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_day', models.DateField(verbose_name='first day')),
                ('last_day', models.DateField(blank=True, help_text='Empty while ongoing.', null=True, verbose_name='last day')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='absence_spells', to='cases.case', verbose_name='case')),
                ('employee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='absence_spells', to='cases.employee', verbose_name='employee')),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='absence_spells', to='cases.employer', verbose_name='employer')),
                ('last_import', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.absenceimport')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='spells', to='cases.absencesource', verbose_name='source')),
            ],
            options={
                'verbose_name': 'absence spell',
                'verbose_name_plural': 'absence spells',
                'ordering': ['employee', 'first_day'],
            },
        ),
        migrations.CreateModel(
            name='AbsenceAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_day', models.DateField(verbose_name='period or window start')),
                ('triggered_on', models.DateField(verbose_name='rule met on')),
                ('raised_at', models.DateTimeField(db_index=True, verbose_name='raised')),
                ('rule_text', models.CharField(max_length=200, verbose_name='rule')),
                ('state', models.CharField(choices=[('open', 'open'), ('case_opened', 'case opened'), ('closed', 'closed')], default='open', max_length=12, verbose_name='state')),
                ('close_reason', models.CharField(blank=True, choices=[('contacted', 'manager contacted, no case needed'), ('back_at_work', 'back at work'), ('existing_case', 'already followed in a case'), ('not_relevant', 'not relevant')], max_length=20, verbose_name='reason')),
                ('close_note', models.TextField(blank=True, verbose_name='note')),
                ('handled_at', models.DateTimeField(blank=True, null=True, verbose_name='handled')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='absence_alerts', to='cases.case', verbose_name='case')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.contactperson', verbose_name='manager')),
                ('employee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='absence_alerts', to='cases.employee', verbose_name='employee')),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.employer', verbose_name='employer')),
                ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.team', verbose_name='team')),
                ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='alerts', to='cases.absencealertrule', verbose_name='rule')),
                ('spells', models.ManyToManyField(blank=True, related_name='alerts', to='cases.absencespell')),
            ],
            options={
                'verbose_name': 'absence alert',
                'verbose_name_plural': 'absence alerts',
                'ordering': ['-raised_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='EmploymentNumber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=40, verbose_name='employment number')),
                ('employee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='employment_numbers', to='cases.employee', verbose_name='employee')),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.employer', verbose_name='employer')),
            ],
            options={
                'verbose_name': 'employment number',
                'verbose_name_plural': 'employment numbers',
            },
        ),
        migrations.AddIndex(
            model_name='absencespell',
            index=models.Index(fields=['first_day'], name='absence_spell_first_idx'),
        ),
        migrations.AddConstraint(
            model_name='absencespell',
            constraint=models.UniqueConstraint(fields=('employee', 'employer', 'first_day'), name='absence_spell_identity'),
        ),
        migrations.AddConstraint(
            model_name='absencespell',
            constraint=models.CheckConstraint(condition=models.Q(('last_day__isnull', True), ('last_day__gte', models.F('first_day')), _connector='OR'), name='absence_spell_last_after_first'),
        ),
        migrations.AddIndex(
            model_name='absencealert',
            index=models.Index(fields=['team', 'state'], name='absence_alert_queue_idx'),
        ),
        migrations.AddConstraint(
            model_name='absencealert',
            constraint=models.UniqueConstraint(fields=('rule', 'employee', 'key_day'), name='absence_alert_once'),
        ),
        migrations.AddConstraint(
            model_name='employmentnumber',
            constraint=models.UniqueConstraint(fields=('employer', 'number'), name='employment_number_unique'),
        ),
        migrations.RunPython(seed, unseed),
    ]
