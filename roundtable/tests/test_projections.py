"""What outside parties see of offers and participants: employer names, neutral categories and roles."""

import pytest
from django.utils import timezone

from roundtable.models import Offer, Participant
from roundtable.projections import employer_minutes, role_label

pytestmark = pytest.mark.django_db


def test_seeded_offers_that_reveal_health_show_only_a_neutral_category():
    labels = {offer.name: offer.employer_label for offer in Offer.objects.all()}
    assert labels["Stresscoaching (forløb på 6 samtaler)"] == "støtte-/samtaleforløb"
    assert labels["Psykologsamtaler"] == "støtte-/samtaleforløb"
    assert labels["Fysioterapi og træning"] == "sundhedsfagligt forløb"
    assert labels["Arbejdsmedicinsk udredning"] == "sundhedsfagligt forløb"
    assert labels["Mentor på arbejdspladsen"] == "Mentor på arbejdspladsen"
    for name, label in labels.items():
        assert "psyk" not in label.lower() and "stress" not in label.lower(), name


def test_a_new_offer_shows_the_neutral_other_category_until_an_admin_names_it():
    offer = Offer.objects.create(name="Samtaler om angst")
    assert offer.employer_label == "andet tilbud"
    offer.employer_name = "Samtaleforløb"
    assert offer.employer_label == "Samtaleforløb"


@pytest.mark.parametrize("role, label", [
    (Participant.Role.SPECIALIST, "specialist"), (Participant.Role.GP, "specialist"),
    (Participant.Role.EMPLOYER, "arbejdsgiverrepræsentant"), (Participant.Role.UNION, "tillidsrepræsentant"),
])
def test_health_professionals_appear_by_the_neutral_role(role, label):
    assert role_label(role) == label


def test_minutes_frozen_before_employer_labels_never_fall_back_to_the_internal_name():
    content = {
        "reference": "FH-1", "kind": "roundtable", "starts_at": timezone.now().isoformat(), "place_kind": "job_centre",
        "employee_name": "Søren", "consultant_name": "Mette",
        "participants": [{"role": "specialist", "name": "Pia", "title": "psykolog", "answer": ""}],
        "offers": [{"name": "Stresscoaching (forløb på 6 samtaler)", "provider": "Coachhuset ApS", "contact": "",
                    "description": ""}],
    }
    minutes = employer_minutes(content=content, number=1, finalised_at=timezone.now())
    assert minutes.offers == ("andet tilbud",)
    assert [(p.name, p.role) for p in minutes.participants] == [("Pia", "specialist")]


def test_offer_catalogue_admin_lists_the_employer_label(admin_client):
    page = admin_client.get("/admin/roundtable/offer/").content.decode()
    assert "støtte-/samtaleforløb" in page and "Mentor på arbejdspladsen" in page
