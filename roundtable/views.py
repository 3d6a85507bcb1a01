"""Meeting pages: thin. Reads through selectors (the case the user may see), changes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import case_for_change, read_record
from cases.models import AccessLog
from cases.web import PURPOSE_CASEWORK, apply_validation_error, render_read, staff_required

from . import pdf, services
from .access import meeting_detail as meeting_log_detail
from .access import meeting_for_change, meeting_for_reading
from .forms import (
    AgreementForm,
    AnswerForm,
    CancelForm,
    ConsultantNoteForm,
    CorrectionForm,
    FollowUpForm,
    HoldForm,
    MeetingScheduleForm,
    MoveForm,
    OfferStartForm,
    ParticipantFormSet,
    PlacementsForm,
    SpecialistNoteForm,
    participant_initial,
    plan_forms,
)
from .models import Meeting, MinutesVersion
from .projections import invitation_for
from .screening_forms import StartAnswersForm
from .services.screening import start_answers_save, start_questions_of
from .staircase import staircase

# --- scheduling ----------------------------------------------------------------------------------


@login_required
@staff_required
def meeting_create(request, reference):
    case = case_for_change(user=request.user, reference=reference)
    data = request.POST if request.method == "POST" else None
    kind = request.GET.get("kind", Meeting.Kind.ROUNDTABLE)
    form = MeetingScheduleForm(data, initial={"kind": kind})
    # Suggested rows count even when left unchanged: no row may be skipped as "empty".
    people = ParticipantFormSet(data, prefix="p", initial=participant_initial(case, request.user, kind),
                                form_kwargs={"empty_permitted": False})
    if request.method == "POST" and form.is_valid() and people.is_valid():
        participants = [p for p in (f.participant() for f in people) if p is not None]
        try:
            meeting = services.meeting_schedule(
                case=case, actor=request.user, kind=form.cleaned_data["kind"], slot=form.slot(), participants=participants,
                accept_late=form.cleaned_data["accept_late"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is booked and the invitations are on their way."))
            return redirect("roundtable:detail", reference=case.reference, pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render_read(request, "roundtable/meeting_form.html", {"case": case, "form": form, "people": people,
                                                                 "kind": kind},
                       status=status, case=case, detail="nyt møde")


# --- the meeting page ----------------------------------------------------------------------------


def _context(request, meeting: Meeting, **forms) -> dict:
    placements = {p.party: p.position for p in meeting.placements.all()}
    plan, weeks = plan_forms(meeting)
    booked = meeting.follow_up_id and meeting.follow_up.state != Meeting.State.CANCELLED
    proposal = services.follow_up_proposal(meeting) if meeting.is_held and not booked else None
    context = {
        "case": meeting.case,
        "meeting": meeting,
        "stairs": staircase(ladder=meeting.ladder or services._ladder(), placements=placements,
                            agreed=meeting.agreed_step_position),
        "mismatch": meeting.placements_mismatch,
        "placements_form": PlacementsForm.for_meeting(meeting),
        "plan_form": plan,
        "week_forms": weeks,
        "agreement_form": AgreementForm(),
        "note_form": SpecialistNoteForm(),
        "consultant_note_form": ConsultantNoteForm(initial={"consultant_note": meeting.consultant_note},
                                                   kind=meeting.kind),
        "move_form": MoveForm(initial={
            "starts_at": meeting.starts_at, "duration_minutes": meeting.duration_minutes, "place_kind": meeting.place_kind,
            "place": meeting.place, "online_link": meeting.online_link}),
        "cancel_form": CancelForm(),
        "hold_form": HoldForm(meeting=meeting),
        "follow_up_form": FollowUpForm(initial={"starts_at": proposal}) if proposal else None,
        "follow_up_proposal": proposal,
        "correction_form": CorrectionForm(),
        "is_conference": meeting.kind == Meeting.Kind.CASE_CONFERENCE,
        "offer_starts": list(meeting.offer_starts.select_related("offer", "deadline")),
        "offer_form": OfferStartForm(meeting=meeting) if meeting.kind == Meeting.Kind.CASE_CONFERENCE else None,
        "minutes_problems": services.minutes_problems(meeting) if meeting.is_held and not meeting.minutes_locked else [],
        "versions": list(meeting.versions.all()),
        "start_form": StartAnswersForm(questions=start_questions_of(meeting))
        if meeting.kind == Meeting.Kind.START else None,
    }
    context.update(forms)
    return context


@login_required
@staff_required
def meeting_detail(request, reference, pk):
    meeting = meeting_for_reading(user=request.user, reference=reference, pk=pk, purpose=PURPOSE_CASEWORK)
    return render(request, "roundtable/meeting_detail.html", _context(request, meeting))


# The goals that are swapped in place at the table (htmx): the section's anchor names its partial.
PARTIALS = {"goal1": "roundtable/partials/goal1.html", "goal2": "roundtable/partials/goal2.html",
            "goal3": "roundtable/partials/goal3.html"}


def _section(request, reference, pk, *, build, handle, key, success, anchor="", fresh=None):
    """POST handler shared by the sections of the meeting page: on a refusal the page is shown again
    with the section's errors and everything typed.

    From htmx (a goal's form at the table) only that goal's section comes back, saved or refused, and
    showing it is a logged read like the full page. `fresh(meeting, forms)` gives the section's forms
    to show after a save (default: empty ones from the context)."""
    meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)
    forms = build(meeting, request.POST)
    main = forms[0] if isinstance(forms, tuple) else forms
    valid = all(f.is_valid() for f in forms) if isinstance(forms, tuple) else forms.is_valid()
    partial = PARTIALS.get(anchor) if request.htmx else None
    if valid:
        try:
            handle(meeting, forms)
        except ValidationError as error:
            apply_validation_error(main, error)
        else:
            if partial:
                meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)  # as saved
                extra = fresh(meeting, forms) if fresh else {}
                return render_read(request, partial, _context(request, meeting, saved=success, **extra),
                                   case=meeting.case, detail=meeting_log_detail(meeting))
            messages.success(request, success)
            url = reverse("roundtable:detail", args=[meeting.case.reference, meeting.pk])
            return redirect(url + (f"#{anchor}" if anchor else ""))
    if isinstance(forms, tuple):
        extra = dict(zip(key, forms, strict=True))
    else:
        extra = {key: forms}
    return render_read(request, partial or "roundtable/meeting_detail.html", _context(request, meeting, **extra),
                       status=400, case=meeting.case, detail=meeting_log_detail(meeting))


@login_required
@staff_required
@require_POST
def meeting_move(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: MoveForm(data), key="move_form",
        handle=lambda m, f: services.meeting_move(meeting=m, actor=request.user, slot=f.slot(),
                                                  reason=f.cleaned_data["reason"], accept_late=f.cleaned_data["accept_late"]),
        success=_("The meeting is moved and the participants are told."),
    )


@login_required
@staff_required
@require_POST
def meeting_cancel(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: CancelForm(data), key="cancel_form",
        handle=lambda m, f: services.meeting_cancel(meeting=m, actor=request.user, reason=f.cleaned_data["reason"]),
        success=_("The meeting is cancelled and the participants are told."),
    )


@login_required
@staff_required
@require_POST
def meeting_hold(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: HoldForm(data, meeting=m), key="hold_form",
        handle=lambda m, f: services.meeting_hold(meeting=m, actor=request.user, at=f.cleaned_data["held_at"]),
        success=_("The meeting is recorded as held; the follow-up clock has started."),
    )


@login_required
@staff_required
@require_POST
def placements_save(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: PlacementsForm.for_meeting(m, data), key="placements_form",
        handle=lambda m, f: services.placements_save(meeting=m, actor=request.user, placements=f.placements(),
                                                     agreed=f.cleaned_data["agreed"]),
        success=_("Goal 1 saved."), anchor="goal1",
        # The next tap places the same party again unless another is chosen.
        fresh=lambda m, f: {"placements_form": PlacementsForm.for_meeting(m, party=f.cleaned_data["party"] or None)},
    )


@login_required
@staff_required
@require_POST
def plan_save(request, reference, pk):
    def handle(meeting, forms):
        plan, weeks = forms
        services.plan_save(
            meeting=meeting, actor=request.user, plan_text=plan.cleaned_data["plan_text"],
            weeks=[w for w in (f.week_data() for f in weeks) if w is not None], offers=list(plan.cleaned_data["offers"]),
        )

    return _section(request, reference, pk, build=lambda m, data: plan_forms(m, data), key=("plan_form", "week_forms"),
                    handle=handle, success=_("Goal 2 saved."), anchor="goal2")


@login_required
@staff_required
@require_POST
def agreement_add(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: AgreementForm(data), key="agreement_form",
        handle=lambda m, f: services.agreement_add(meeting=m, actor=request.user, **f.cleaned_data),
        success=_("Agreement added."), anchor="goal3",
    )


@login_required
@staff_required
@require_POST
def offer_decide(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: OfferStartForm(data, meeting=m), key="offer_form",
        handle=lambda m, f: services.offer_decide(meeting=m, actor=request.user, **f.cleaned_data),
        success=_("The offer is recorded; its start is a deadline on the case."), anchor="offers",
    )


def _offer_start(request, reference, pk, offer_pk):
    meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)
    return get_object_or_404(meeting.offer_starts.select_related("deadline", "offer"), pk=offer_pk)


def _offer_action(request, reference, pk, offer_pk, *, act, success: str):
    """A decided offer's button (started / withdrawn): the service's refusal or the success as a message."""
    decided = _offer_start(request, reference, pk, offer_pk)
    try:
        act(decided=decided, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(reverse("roundtable:detail", args=[reference, pk]) + "#offers")


@login_required
@staff_required
@require_POST
def offer_started(request, reference, pk, offer_pk):
    return _offer_action(request, reference, pk, offer_pk, act=services.offer_started,
                         success=_("The start is registered; the deadline is met."))


@login_required
@staff_required
@require_POST
def offer_withdraw(request, reference, pk, offer_pk):
    return _offer_action(request, reference, pk, offer_pk, act=services.offer_withdraw,
                         success=_("The offer is removed and its deadline cancelled."))


def _agreement(request, reference, pk, agreement_pk):
    meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)
    return meeting, get_object_or_404(meeting.agreements.select_related("deadline"), pk=agreement_pk)


@login_required
@staff_required
@require_POST
def agreement_done(request, reference, pk, agreement_pk):
    meeting, agreement = _agreement(request, reference, pk, agreement_pk)
    services.agreement_done(agreement=agreement, actor=request.user)
    messages.success(request, _("Agreement marked as done."))
    return redirect(reverse("roundtable:detail", args=[reference, pk]) + "#goal3")


@login_required
@staff_required
@require_POST
def agreement_remove(request, reference, pk, agreement_pk):
    meeting, agreement = _agreement(request, reference, pk, agreement_pk)
    try:
        services.agreement_remove(agreement=agreement, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Agreement removed."))
    return redirect(reverse("roundtable:detail", args=[reference, pk]) + "#goal3")


@login_required
@staff_required
@require_POST
def specialist_note_add(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: SpecialistNoteForm(data), key="note_form",
        handle=lambda m, f: services.specialist_note_add(meeting=m, actor=request.user, **f.cleaned_data),
        success=_("Note added."), anchor="notes",
    )


@login_required
@staff_required
@require_POST
def consultant_note_save(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: ConsultantNoteForm(data, kind=m.kind), key="consultant_note_form",
        handle=lambda m, f: services.meeting_note_save(meeting=m, actor=request.user, text=f.cleaned_data["consultant_note"]),
        success=_("Note saved."), anchor="notes",
    )


@login_required
@staff_required
@require_POST
def start_answers(request, reference, pk):
    """Lyngby-Taarbæk's start conversation: the employee's answers to the three questions."""
    return _section(
        request, reference, pk, key="start_form",
        build=lambda m, data: StartAnswersForm(data, questions=start_questions_of(m)),
        handle=lambda m, f: start_answers_save(meeting=m, actor=request.user, answers=f.answers()),
        success=_("The answers are saved."), anchor="start",
    )


@login_required
@staff_required
@require_POST
def follow_up_book(request, reference, pk):
    meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            follow_up = services.follow_up_book(meeting=meeting, actor=request.user, starts_at=form.cleaned_data["starts_at"],
                                                accept_late=form.cleaned_data["accept_late"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The follow-up meeting is booked and the invitations are on their way."))
            return redirect("roundtable:detail", reference=reference, pk=follow_up.pk)
    return render_read(request, "roundtable/meeting_detail.html", _context(request, meeting, follow_up_form=form),
                       status=400, case=meeting.case, detail=meeting_log_detail(meeting))


@login_required
@staff_required
@require_POST
def minutes_finalise(request, reference, pk):
    meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)
    try:
        version = services.minutes_finalise(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Minutes finalised as version %(number)s and sent to the participants.") % {
            "number": version.number})
    return redirect(reverse("roundtable:detail", args=[reference, pk]) + "#minutes")


@login_required
@staff_required
@require_POST
def minutes_letter(request, reference, pk, number):
    """A fresh link to the full minutes for the citizen (the first one expired or went astray)."""
    meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)
    version = get_object_or_404(MinutesVersion, meeting=meeting, number=number)
    if services.minutes_letter_send(version=version, actor=request.user, again=True):
        messages.success(request, _("A new link to the full minutes has been sent to the citizen."))
    else:
        messages.error(request, _("The citizen has no e-mail address: give them the full minutes in person."))
    return redirect(reverse("roundtable:detail", args=[reference, pk]) + "#minutes")


@login_required
@staff_required
@require_POST
def minutes_correct(request, reference, pk):
    return _section(
        request, reference, pk, build=lambda m, data: CorrectionForm(data), key="correction_form",
        handle=lambda m, f: services.minutes_correct(meeting=m, actor=request.user, reason=f.cleaned_data["reason"]),
        success=_("Correction started: edit the minutes and finalise again."), anchor="minutes",
    )


@login_required
@staff_required
def minutes_pdf(request, reference, pk, number, variant):
    meeting = meeting_for_change(user=request.user, reference=reference, pk=pk)
    if variant not in (pdf.FULL, pdf.EMPLOYER):
        raise Http404
    version = get_object_or_404(MinutesVersion, meeting=meeting, number=number)
    read_record(
        user=request.user, action=AccessLog.Action.DOWNLOAD, purpose=PURPOSE_CASEWORK, case=meeting.case,
        detail=f"referat møde {meeting.pk} v{number} ({'arbejdsgiver' if variant == pdf.EMPLOYER else 'fuld'})",
    )
    response = HttpResponse(pdf.read_pdf(version, variant), content_type="application/pdf")
    suffix = "-arbejdsgiver" if variant == pdf.EMPLOYER else ""
    response["Content-Disposition"] = f'attachment; filename="referat-{reference}-v{number}{suffix}.pdf"'
    return response


# --- the participant's answer (no account: a signed link) ---------------------------------------


def participant_answer(request, token):
    participant = services.participant_from_token(token)
    if participant is None:
        raise Http404
    meeting = participant.meeting
    form = AnswerForm(request.POST or None, initial={"answer": participant.answer or None,
                                                      "comment": participant.answer_comment})
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_answer(participant=participant, answer=form.cleaned_data["answer"],
                                        comment=form.cleaned_data["comment"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            saved = True
    status = 400 if request.method == "POST" and not saved else 200
    # An outside party's page: built from the recipient's Invitation projection, not from the models.
    invitation = invitation_for(meeting, participant, event="invite", answer_url="", when="")
    return render(request, "roundtable/answer.html", {
        "inv": invitation, "state": meeting.state, "answer_label": participant.get_answer_display() if participant.answer else "",
        "form": form, "saved": saved}, status=status)
