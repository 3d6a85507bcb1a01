"""A mail server outage with several senders at once (the kick after each commit and the beat sweep, in
several workers): each failure backs off, and a sender that listed a message before another one failed
it does not try it again at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import OutboxMessage
from cases.notifications import _claim, outbox_enqueue

pytestmark = pytest.mark.django_db


def test_a_message_backed_off_by_another_sender_is_not_claimed_again():
    message = outbox_enqueue(to="hanne@nordlys.example", subject="Kvittering", text="Modtaget.", dedup_key="t:1")
    now = timezone.now()
    # Sender B failed it after sender A listed it as due: back-off set, lease released.
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=1, lease_until=None,
                                                       send_after=now + timedelta(minutes=2))
    assert not _claim(message.pk, now)  # sender A leaves it to the back-off
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1
    assert _claim(message.pk, now + timedelta(minutes=2))
