"""Double submits and concurrent edits of a meeting: one follow-up per double click, and no goal
edit lands after the minutes are frozen. PostgreSQL with two threads; SQLite for the idempotent path."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import OutboxMessage
from cases.tests.concurrency import race
from roundtable import services
from roundtable.models import Meeting
from roundtable.tests.factories import held_meeting_with_goals


def _invitations(meeting: Meeting) -> int:
    return OutboxMessage.objects.filter(dedup_key__startswith=f"meeting:{meeting.uid}:").count()


@pytest.mark.django_db
def test_a_double_click_on_book_follow_up_books_one_meeting_and_one_round_of_invitations(client):
    _team, user, case, meeting = held_meeting_with_goals()
    client.force_login(user)
    url = reverse("roundtable:follow_up", args=[case.reference, meeting.pk])
    when = timezone.localtime(services.follow_up_proposal(meeting)).strftime("%Y-%m-%dT%H:%M")
    first = client.post(url, {"starts_at": when})
    second = client.post(url, {"starts_at": when})
    follow_up = Meeting.objects.get(kind=Meeting.Kind.FOLLOW_UP)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("roundtable:detail", args=[case.reference, follow_up.pk])
    assert _invitations(follow_up) == 3  # one per participant with an e-mail


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_follow_up_bookings_at_once_book_one_meeting():
    assert connection.vendor == "postgresql"
    _team, user, _case, meeting = held_meeting_with_goals()
    stale_a, stale_b = Meeting.objects.get(pk=meeting.pk), Meeting.objects.get(pk=meeting.pk)
    first, second = race(lambda: services.follow_up_book(meeting=stale_a, actor=user),
                         lambda: services.follow_up_book(meeting=stale_b, actor=user))
    assert isinstance(first, Meeting) and isinstance(second, Meeting) and first.pk == second.pk
    follow_up = Meeting.objects.get(kind=Meeting.Kind.FOLLOW_UP)
    assert _invitations(follow_up) == 3


EDITS = {
    "agreement": lambda m, user: services.agreement_add(meeting=m, actor=user, who="Lone", what="Sent tilføjet"),
    "plan": lambda m, user: services.plan_save(meeting=m, actor=user, plan_text="Sent ændret", weeks=[], offers=[]),
    "note": lambda m, user: services.meeting_note_save(meeting=m, actor=user, text="Sent notat"),
    "placements": lambda m, user: services.placements_save(meeting=m, actor=user, placements={}, agreed=None),
}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_no_goal_edit_lands_after_the_minutes_are_frozen(settings, tmp_path, edit):
    assert connection.vendor == "postgresql"
    settings.MEDIA_ROOT = tmp_path
    _team, user, _case, meeting = held_meeting_with_goals()
    stale = Meeting.objects.get(pk=meeting.pk)  # the edit form was opened before finalising
    before = (stale.plan_text, stale.consultant_note, stale.agreed_step_position, stale.agreements.count())
    version, edited = race(lambda: services.minutes_finalise(meeting=meeting, actor=user, send=False),
                           lambda: EDITS[edit](stale, user))
    assert not isinstance(version, Exception), version
    assert isinstance(edited, ValidationError), edited
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert fresh.minutes_locked
    assert (fresh.plan_text, fresh.consultant_note, fresh.agreed_step_position, fresh.agreements.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_goal_edit_from_a_stale_page_after_finalising_is_refused(settings, tmp_path, edit):
    settings.MEDIA_ROOT = tmp_path
    _team, user, _case, meeting = held_meeting_with_goals()
    stale = Meeting.objects.get(pk=meeting.pk)
    services.minutes_finalise(meeting=meeting, actor=user, send=False)
    assert not stale.minutes_locked  # the copy the edit holds does not know yet
    with pytest.raises(ValidationError):
        EDITS[edit](stale, user)
