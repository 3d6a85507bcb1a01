"""Employers as master data: CVR may be missing (kept as typed, "CVR mangler"); changes keep a history."""

import cases.identifiers
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0014_day_followup_task'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EmployerChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='time')),
                ('summary', models.CharField(max_length=300, verbose_name='change')),
                ('changes', models.JSONField(blank=True, default=dict)),
            ],
            options={
                'verbose_name': 'employer change',
                'verbose_name_plural': 'employer changes',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='employer',
            name='employer_cvr_pnumber_unique',
        ),
        migrations.AlterField(
            model_name='employer',
            name='cvr',
            field=models.CharField(blank=True, db_index=True, max_length=8, validators=[cases.identifiers.validate_cvr], verbose_name='CVR number'),
        ),
        migrations.AddConstraint(
            model_name='employer',
            constraint=models.UniqueConstraint(condition=models.Q(('cvr', ''), _negated=True), fields=('cvr', 'p_number'), name='employer_cvr_pnumber_unique'),
        ),
        migrations.AddField(
            model_name='employerchange',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='employerchange',
            name='employer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='cases.employer'),
        ),
    ]
