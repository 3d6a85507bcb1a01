from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Deadline, DeadlinePolicy, OutboxMessage
from roundtable import services
from roundtable.models import Meeting, MeetingSlot, Participant, Step
from roundtable.tests.factories import held_meeting_with_goals, make_meeting, setup_case, step

pytestmark = pytest.mark.django_db
Kind = DeadlinePolicy.Kind


def test_step_model_and_offer_catalogue_are_seeded():
    assert list(Step.objects.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert Step.objects.get(position=1).name == "Rask og i fuldt arbejde"
    assert services.offers_for(Meeting(agreed_step_position=None)).count() >= 8


def test_schedule_creates_meeting_slot_participants_and_invitations():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    assert meeting.state == Meeting.State.INVITED
    assert meeting.slots.count() == 1
    assert meeting.participants.count() == 3
    assert OutboxMessage.objects.filter(case=case, dedup_key__startswith=f"meeting:{meeting.uid}:0:invite").count() == 3
    assert case.events.filter(kind="meeting_scheduled").exists()


def test_schedule_in_the_past_or_without_place_is_refused_and_nothing_saved():
    _team, user, case = setup_case()
    with pytest.raises(ValidationError) as info:
        make_meeting(case=case, actor=user, starts_in=timedelta(hours=-2))
    assert "starts_at" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        make_meeting(case=case, actor=user, place_kind=Meeting.PlaceKind.ONLINE, place="")
    assert "online_link" in info.value.error_dict
    assert Meeting.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_state_machine_refuses_illegal_moves():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    meeting = services.meeting_cancel(meeting=meeting, actor=user, reason="Medarbejderen er indlagt")
    assert meeting.state == Meeting.State.CANCELLED
    with pytest.raises(ValidationError):
        services.meeting_hold(meeting=meeting, actor=user)
    with pytest.raises(ValidationError):
        services.meeting_move(meeting=meeting, actor=user, slot=services.SlotData(
            starts_at=timezone.now() + timedelta(days=3), place="Jobcentret"))
    held = make_meeting(case=case, actor=user)
    services.meeting_hold(meeting=held, actor=user)
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=held, actor=user, reason="for sent")
    assert Meeting.objects.get(pk=held.pk).state == Meeting.State.HELD
    m = Meeting(state=Meeting.State.HELD)
    with pytest.raises(ValidationError):
        m.transition(Meeting.State.INVITED)


def test_move_keeps_history_raises_sequence_and_resets_answers():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    participant = meeting.participants.first()
    services.participant_answer(participant=participant, answer=Participant.Answer.COMING)
    new_time = timezone.now() + timedelta(days=5)
    meeting = services.meeting_move(meeting=meeting, actor=user, reason="Lone er syg", accept_late=True,
                                    slot=services.SlotData(starts_at=new_time, place_kind=Meeting.PlaceKind.JOB_CENTRE))
    assert meeting.state == Meeting.State.MOVED and meeting.sequence == 1
    assert MeetingSlot.objects.filter(meeting=meeting).count() == 2
    assert meeting.slots.last().reason == "Lone er syg"
    participant.refresh_from_db()
    assert participant.answer == ""
    services.meeting_move(meeting=meeting, actor=user, slot=services.SlotData(
        starts_at=new_time + timedelta(hours=1), place_kind=Meeting.PlaceKind.JOB_CENTRE), accept_late=True)
    assert Meeting.objects.get(pk=meeting.pk).sequence == 2


def test_answers_through_signed_token_and_forged_tokens_fail():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    participant = meeting.participants.get(role=Participant.Role.EMPLOYER)
    token = services.answer_token(participant)
    assert services.participant_from_token(token) == participant
    assert services.participant_from_token(token[:-2] + "xx") is None
    with pytest.raises(ValidationError):
        services.participant_answer(participant=participant, answer=Participant.Answer.NOT_COMING, comment="")
    services.participant_answer(participant=participant, answer=Participant.Answer.OTHER_TIME, comment="Kan kun om eftermiddagen")
    participant.refresh_from_db()
    assert participant.get_answer_display() and participant.answer_comment == "Kan kun om eftermiddagen"


def test_placements_keep_step_names_after_the_ladder_changes():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    services.placements_save(meeting=meeting, actor=user, agreed=step(4),
                             placements={"employee": step(5), "employer": step(3), "consultant": step(4)})
    meeting.refresh_from_db()
    assert meeting.placements_mismatch
    Step.objects.filter(position=4).update(name="Omdøbt trin")
    meeting.refresh_from_db()
    assert meeting.agreed_step_name == "Sygemeldt med kontakt og en plan for tilbagevenden"
    assert meeting.placements.get(party="consultant").step_name == "Sygemeldt med kontakt og en plan for tilbagevenden"
    assert [4, "Sygemeldt med kontakt og en plan for tilbagevenden"] in meeting.ladder


def test_placement_outside_the_ladder_is_refused():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    services.placements_save(meeting=meeting, actor=user, agreed=None, placements={"employee": step(2)})
    meeting.refresh_from_db()
    stranger = Step.objects.create(position=9, name="Ikke på stigen ved mødet")
    with pytest.raises(ValidationError):
        services.placements_save(meeting=meeting, actor=user, agreed=stranger, placements={})


def test_plan_offers_are_filtered_to_the_agreed_step():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    services.placements_save(meeting=meeting, actor=user, agreed=step(1), placements={})
    meeting.refresh_from_db()
    suited = list(services.offers_for(meeting))
    assert suited and all(o.step_from <= 1 <= o.step_to for o in suited)
    from roundtable.models import Offer

    unsuited = Offer.objects.exclude(pk__in=[o.pk for o in suited]).first()
    with pytest.raises(ValidationError):
        services.plan_save(meeting=meeting, actor=user, plan_text="x", weeks=[], offers=[unsuited])
    with pytest.raises(ValidationError):
        services.plan_save(meeting=meeting, actor=user, plan_text="x", offers=[], weeks=[
            services.WeekData(week=1, hours=10), services.WeekData(week=1, hours=12)])


def test_agreement_needs_who_and_what_and_a_date_opens_a_deadline_that_done_meets():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    with pytest.raises(ValidationError) as info:
        services.agreement_add(meeting=meeting, actor=user, who=" ", what="")
    assert {"who", "what"} <= set(info.value.error_dict)
    due = timezone.localdate() + timedelta(days=3)
    agreement = services.agreement_add(meeting=meeting, actor=user, who="Lone", what="Fjerner gårdvagt", due_on=due)
    deadline = agreement.deadline
    assert deadline.kind == Kind.AGREEMENT_ITEM and deadline.state == Deadline.State.OPEN
    assert timezone.localtime(deadline.due_at).date() == due
    services.agreement_done(agreement=agreement, actor=user)
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET
    undated = services.agreement_add(meeting=meeting, actor=user, who="Søren", what="Taler med sin læge")
    assert undated.deadline is None


def test_holding_meets_first_meeting_clock_and_starts_follow_up_clock():
    _team, user, case = setup_case()
    first = case.deadlines.get(kind=Kind.FIRST_MEETING)
    assert first.state == Deadline.State.OPEN
    meeting = make_meeting(case=case, actor=user)
    services.meeting_hold(meeting=meeting, actor=user)
    first.refresh_from_db()
    assert first.state == Deadline.State.MET
    follow = case.deadlines.get(kind=Kind.FOLLOW_UP, state=Deadline.State.OPEN)
    meeting.refresh_from_db()
    assert follow.start_at == meeting.held_at
    assert follow.due_at - meeting.held_at >= timedelta(days=27)
    # The follow-up meeting meets that clock and starts the next one.
    follow_up = services.follow_up_book(meeting=meeting, actor=user)
    assert follow_up.kind == Meeting.Kind.FOLLOW_UP
    assert timedelta(0) <= follow.due_at - follow_up.starts_at < timedelta(days=4)
    assert timezone.localtime(follow_up.starts_at).weekday() < 5
    assert timezone.localtime(follow_up.starts_at).time() == timezone.localtime(meeting.starts_at).time().replace(
        second=0, microsecond=0)
    assert follow_up.participants.count() == 3
    # A second booking (a double click) gets the same follow-up and sends nothing more.
    assert services.follow_up_book(meeting=meeting, actor=user) == follow_up
    assert Meeting.objects.filter(kind=Meeting.Kind.FOLLOW_UP).count() == 1
    services.meeting_hold(meeting=follow_up, actor=user)
    follow.refresh_from_db()
    assert follow.state == Deadline.State.MET
    assert case.deadlines.filter(kind=Kind.FOLLOW_UP, state=Deadline.State.OPEN).count() == 1


def test_finalising_with_empty_goals_is_refused_with_every_problem_named():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    services.meeting_hold(meeting=meeting, actor=user)
    with pytest.raises(ValidationError) as info:
        services.minutes_finalise(meeting=meeting, actor=user)
    assert len(info.value.messages) == 3
    assert not meeting.versions.exists()


def test_finalise_locks_and_a_correction_needs_a_reason_and_makes_a_new_version():
    _team, user, case, meeting = held_meeting_with_goals()
    v1 = services.minutes_finalise(meeting=meeting, actor=user, send=False)
    assert v1.number == 1 and len(v1.pdf_full_sha256) == 64
    meeting.refresh_from_db()
    assert meeting.minutes_locked
    with pytest.raises(ValidationError):
        services.agreement_add(meeting=meeting, actor=user, who="x", what="y")
    with pytest.raises(ValidationError):
        services.minutes_correct(meeting=meeting, actor=user, reason="  ")
    services.minutes_correct(meeting=meeting, actor=user, reason="Forkert dato for gårdvagt")
    meeting.refresh_from_db()
    services.plan_save(meeting=meeting, actor=user, plan_text="Rettet plan", weeks=[], offers=[])
    v2 = services.minutes_finalise(meeting=meeting, actor=user, send=False)
    assert v2.number == 2 and v2.reason == "Forkert dato for gårdvagt"
    v1.refresh_from_db()
    assert v1.content["plan_text"].startswith("Uge 1") and v2.content["plan_text"] == "Rettet plan"


def test_start_conversation_meets_only_the_first_meeting_clock():
    _team, user, case = setup_case()
    start = make_meeting(case=case, actor=user, kind=Meeting.Kind.START)
    services.meeting_hold(meeting=start, actor=user)
    assert case.deadlines.get(kind=Kind.FIRST_MEETING).state == Deadline.State.MET
    assert not case.deadlines.filter(kind=Kind.FOLLOW_UP).exists()


def test_a_care_conversation_meets_the_first_meeting_clock_and_starts_the_follow_up_like_a_roundtable():
    _team, user, case = setup_case()
    care = make_meeting(case=case, actor=user, kind=Meeting.Kind.CARE)
    services.meeting_hold(meeting=care, actor=user)
    assert case.deadlines.get(kind=Kind.FIRST_MEETING).state == Deadline.State.MET
    assert case.deadlines.get(kind=Kind.FOLLOW_UP).state == Deadline.State.OPEN
