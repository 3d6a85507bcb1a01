"""The per-user switch for the 07:30 "Mit arbejde" mail."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_day_employer_master_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='consultantprofile',
            name='morning_digest',
            field=models.BooleanField(default=False, help_text='A mail at 07:30 on working days with the counts of My work (no names, no health data).', verbose_name='morning mail'),
        ),
    ]
