"""danish-review.md L9: sygedagpengeloven § 56 is the § 56 agreement (refund from the first absence day for
a chronic or long-term illness), not workplace aids; no seeded offer may cite it for aids."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from roundtable.models import Offer

pytestmark = pytest.mark.django_db


def test_no_seeded_offer_cites_sdl_56_for_workplace_aids():
    assert not Offer.objects.filter(description__contains="§ 56").exists()
    offer = Offer.objects.get(name="Hæve-sænkebord og hjælpemidler")
    assert offer.description == "Arbejdspladsindretning og hjælpemidler efter behov."


def test_the_data_migration_fixes_a_database_seeded_before():
    offer = Offer.objects.get(name="Hæve-sænkebord og hjælpemidler")
    offer.description = "Arbejdspladsindretning; § 56 og hjælpemidler efter behov."
    offer.save()
    edited = Offer.objects.create(name="Eget tilbud", description="Aftale efter § 56 om refusion.", step_from=1, step_to=7)
    import_module("roundtable.migrations.0003_legal_offer_aids").fix(django_apps, None)
    offer.refresh_from_db()
    edited.refresh_from_db()
    assert offer.description == "Arbejdspladsindretning og hjælpemidler efter behov."
    assert edited.description == "Aftale efter § 56 om refusion."  # an administrator's own text is left alone
