"""Legal fix (danish-review.md L9): the seeded offer "Hæve-sænkebord og hjælpemidler" cited "§ 56" for
workplace aids. Sygedagpengeloven § 56 is the § 56 agreement (refund from the first absence day for a
chronic or long-term illness), not workplace aids. Only the seeded text is changed; an offer an
administrator has already rewritten is left alone."""

from django.db import migrations

OLD = "Arbejdspladsindretning; § 56 og hjælpemidler efter behov."
NEW = "Arbejdspladsindretning og hjælpemidler efter behov."


def fix(apps, schema_editor):
    Offer = apps.get_model("roundtable", "Offer")
    Offer.objects.filter(description=OLD).update(description=NEW)


def unfix(apps, schema_editor):
    Offer = apps.get_model("roundtable", "Offer")
    Offer.objects.filter(description=NEW, name="Hæve-sænkebord og hjælpemidler").update(description=OLD)


class Migration(migrations.Migration):
    dependencies = [("roundtable", "0002_project_offer_employer_name")]
    operations = [migrations.RunPython(fix, unfix)]
