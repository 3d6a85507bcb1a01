"""seed_demo: every app's demo steps run on an empty database, once, and show every deadline state."""

import pytest
from django.core.management import call_command

from cases.models import Case, ContactPoint, Deadline, Notification, OutboxMessage, Referral


@pytest.mark.django_db
def test_seed_demo_loads_every_feature_once(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    cases = Case.objects.count()
    assert cases >= 12
    states = set(Deadline.objects.values_list("state", flat=True))
    assert {"open", "met", "breached", "cancelled", "paused"} <= states
    assert Notification.objects.filter(kind="deadline_breach").exists()
    assert Notification.objects.filter(kind="deadline_warning").exists()
    referrals = Referral.objects.all()
    assert {r.state for r in referrals} == {"new", "accepted", "rejected"}
    assert {r.consent for r in referrals} == {"pending", "given", "declined"}
    assert any(r.is_late for r in referrals)
    # The channel to the citizen: one case with a verified phone, and the minutes went as a link only.
    assert ContactPoint.objects.filter(kind="phone", verified_at__isnull=False).count() == 1
    assert not any(a["filename"].endswith(".pdf") and "arbejdsgiver" not in a["filename"]
                   for m in OutboxMessage.objects.all() for a in m.attachments)
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Case.objects.count() == cases


@pytest.mark.django_db
def test_seed_demo_fills_mettes_my_work(settings):
    """Journey 8: every list of "Mit arbejde" has something for konsulent."""
    from django.contrib.auth import get_user_model

    from cases.dashboard.mywork import my_work

    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = my_work(get_user_model().objects.get(username="konsulent")).counts
    assert all(counts.values()), counts


@pytest.mark.django_db
def test_seed_demo_refuses_outside_demo_mode(settings):
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_fills_in_a_demo_municipality(settings):
    from cases.identity import consultant_contact, sender
    from cases.models import ConsultantProfile

    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert sender().job_centre == "Jobcenter Fjordby" and sender().phone
    mette = ConsultantProfile.objects.get(user__username="konsulent").user
    assert consultant_contact(mette).phone == "72 10 20 41"
