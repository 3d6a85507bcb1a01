"""Forms of the meeting pages. They validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Meeting, Offer, Participant, Placement, Step
from .services import LATE_CODE, ParticipantData, SlotData, WeekData, default_start, offers_for

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LateConfirmation(forms.Form):
    """The checkbox that confirms a time after a deadline. Shown only once the service has refused
    the time with the consequence (or when it was ticked), never in advance."""

    accept_late = forms.BooleanField(label=_("Book anyway: I accept that the deadline is exceeded"), required=False)

    @property
    def late_warning(self) -> bool:
        return self.has_error("starts_at", code=LATE_CODE)

    @property
    def show_late_confirmation(self) -> bool:
        return self.late_warning or (self.is_bound and bool(self.data.get(self.add_prefix("accept_late"))))


class SlotForm(LateConfirmation):
    starts_at = forms.DateTimeField(label=_("Time"), widget=DATETIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=10, max_value=480, initial=60)
    place_kind = forms.ChoiceField(label=_("Place"), choices=Meeting.PlaceKind.choices)
    place = forms.CharField(label=_("Address or room"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    field_order = ["starts_at", "duration_minutes", "place_kind", "place", "online_link", "accept_late"]

    def slot(self) -> SlotData:
        data = self.cleaned_data
        return SlotData(starts_at=data["starts_at"], duration_minutes=data["duration_minutes"],
                        place_kind=data["place_kind"], place=data["place"], online_link=data["online_link"])


class MeetingScheduleForm(SlotForm):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    field_order = ["kind", "starts_at", "duration_minutes", "place_kind", "place", "online_link", "accept_late"]


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------")] + list(Participant.Role.choices), required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def clean(self):
        data = super().clean()
        if (data.get("name") or data.get("email")) and not data.get("role"):
            self.add_error("role", _("Choose a role."))
        if data.get("email") and not data.get("name"):
            self.add_error("name", _("Write the participant's name."))
        return data

    def participant(self) -> ParticipantData | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return ParticipantData(role=data["role"], name=data["name"], email=data.get("email", ""), title=data.get("title", ""))


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=3)


# Hjørring and Roskilde: who sits at a case conference besides the consultant.
SPECIALIST_TITLES = (_("psychologist"), _("nurse"), _("physiotherapist"), _("occupational physician"))


def participant_initial(case, actor, kind: str | None = None) -> list[dict]:
    """Suggested participants: the employee, the employer's contact person and the consultant. A case
    conference suggests the consultant and specialists (the employee and the employer are not there); a
    meeting with the employee alone, such as a coaching conversation, suggests no employer."""
    if kind == Meeting.Kind.CASE_CONFERENCE:
        return [{"role": Participant.Role.CONSULTANT, "name": actor.get_full_name() or actor.username,
                 "email": actor.email, "title": str(_("retention consultant"))},
                {"role": Participant.Role.SPECIALIST, "title": str(SPECIALIST_TITLES[0])},
                {"role": Participant.Role.SPECIALIST, "title": str(SPECIALIST_TITLES[2])}]
    rows = [{"role": Participant.Role.EMPLOYEE, "name": case.employee.name, "email": case.employee.email,
             "title": case.employee.job_title}]
    if case.employer_contact and kind not in Meeting.EMPLOYEE_ALONE:
        rows.append({"role": Participant.Role.EMPLOYER, "name": case.employer_contact.name,
                     "email": case.employer_contact.email, "title": case.employer_contact.role})
    rows.append({"role": Participant.Role.CONSULTANT, "name": actor.get_full_name() or actor.username,
                 "email": actor.email, "title": str(_("retention consultant"))})
    return rows


class MoveForm(SlotForm):
    reason = forms.CharField(label=_("Reason for the move"), max_length=300, required=False)
    field_order = ["starts_at", "duration_minutes", "place_kind", "place", "online_link", "reason", "accept_late"]


class HoldForm(forms.Form):
    """When the meeting was held, in local time; it defaults to the booked start."""

    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME_INPUT,
                                  help_text=_("When the meeting took place, not when you register it."))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("prefix", "hold")
        kwargs.setdefault("initial", {"held_at": timezone.localtime(meeting.starts_at)})
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class StepChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.position}. {obj.name}"


def _step_field(label):
    return StepChoiceField(
        label=label, queryset=Step.objects.filter(active=True).order_by("position"), required=False,
        error_messages={"invalid_choice": _("That step is not on the step model.")},
    )


class PlacementsForm(forms.Form):
    employee = _step_field(_("The employee places themself on"))
    employer = _step_field(_("The employer places the employee on"))
    consultant = _step_field(_("The consultant places the employee on"))
    agreed = _step_field(_("Agreed step"))
    # Tapping a step at the table: `party` says whose placement, the tapped button sends `tap` (a step's
    # position). A plain submit carries both as well, so the taps work without JavaScript too.
    party = forms.ChoiceField(label=_("Whose placement"), required=False, initial="employee", choices=[
        ("employee", _("Employee")), ("employer", _("Employer")), ("consultant", _("Consultant")),
        ("agreed", _("Agreed step"))])
    tap = forms.IntegerField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_meeting(cls, meeting: Meeting, data=None, *, party: str | None = None):
        initial = {p.party: p.step_id for p in meeting.placements.all()}
        initial["agreed"] = meeting.agreed_step_id
        initial["party"] = party or "employee"
        if data is not None:
            data = cls._with_tap(data)
        return cls(data, initial=initial, prefix="goal1")

    @staticmethod
    def _with_tap(data):
        """Put a tapped step into the chosen party's field, as if it had been picked from its list."""
        tapped, party = data.get("goal1-tap"), data.get("goal1-party") or "employee"
        if not tapped or party not in ("employee", "employer", "consultant", "agreed"):
            return data
        step = Step.objects.filter(active=True, position=tapped).first() if str(tapped).isdigit() else None
        data = data.copy()
        data[f"goal1-{party}"] = step.pk if step else tapped  # an unknown step fails as "not on the step model"
        return data

    def placements(self) -> dict:
        return {party: self.cleaned_data[party] for party in Placement.Party.values}


class PlanForm(forms.Form):
    plan_text = forms.CharField(label=_("Plan for the return"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                max_length=10000, help_text=_(
                                    "The plan, the weeks and the agreements are in the minutes that every participant "
                                    "receives, the employer included. Health details belong in the consultant's note."))
    offers = forms.ModelMultipleChoiceField(label=_("Offers for the agreed step"), queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("prefix", "goal2")
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = offers_for(meeting)
        self.fields["offers"].label_from_instance = _offer_choice_label


def _offer_choice_label(offer) -> str:
    """The internal name for the consultant, with what the employer's copy of the minutes will say."""
    name = f"{offer.name} ({offer.provider})" if offer.provider else offer.name
    return _("%(name)s – the employer sees: %(label)s") % {"name": name, "label": offer.employer_label}


class WeekForm(forms.Form):
    week = forms.IntegerField(label=_("Week"), min_value=1, max_value=104, required=False)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=60, max_digits=4, decimal_places=1, required=False)
    tasks = forms.CharField(label=_("Tasks"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("week") is not None and data.get("hours") is None:
            self.add_error("hours", _("Write the hours for the week."))
        if data.get("hours") is not None and data.get("week") is None:
            self.add_error("week", _("Write the week number."))
        return data

    def week_data(self) -> WeekData | None:
        data = self.cleaned_data
        if data.get("week") is None:
            return None
        return WeekData(week=data["week"], hours=data["hours"], tasks=data.get("tasks", ""))


WeekFormSet = forms.formset_factory(WeekForm, extra=2)


def plan_forms(meeting: Meeting, data=None):
    plan = PlanForm(data, meeting=meeting, initial={"plan_text": meeting.plan_text,
                                                    "offers": [o.pk for o in meeting.offers.all()]})
    weeks = WeekFormSet(data, prefix="weeks", form_kwargs={"empty_permitted": False}, initial=[
        {"week": w.week, "hours": w.hours, "tasks": w.tasks} for w in meeting.plan_weeks.all()])
    return plan, weeks


class AgreementForm(forms.Form):
    who = forms.CharField(label=_("Who"), max_length=200, required=False)
    what = forms.CharField(label=_("What"), max_length=500, required=False)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "goal3")
        super().__init__(*args, **kwargs)
        self.fields["who"].widget.attrs["list"] = "participant-names"


class SpecialistNoteForm(forms.Form):
    author_name = forms.CharField(label=_("Specialist"), max_length=200, required=False)
    author_title = forms.CharField(label=_("Profession"), max_length=200, required=False,
                                   help_text=_("E.g. psychologist, physiotherapist, occupational physician."))
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class ConsultantNoteForm(forms.Form):
    consultant_note = forms.CharField(label=_("Consultant's note (internal, not for the employer)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if kind == Meeting.Kind.COACHING:  # the coaching conversation's notes: the same internal field
            self.fields["consultant_note"].label = _("Notes from the coaching conversation (sensitive, never shared "
                                                     "with the employer)")
            self.fields["consultant_note"].widget.attrs["rows"] = 6


class FollowUpForm(LateConfirmation):
    starts_at = forms.DateTimeField(label=_("Follow-up meeting"), widget=DATETIME_INPUT)

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value < timezone.now():
            raise forms.ValidationError(_("The meeting cannot be scheduled in the past."))
        return value


class OfferStartForm(forms.Form):
    """An offer decided at the case conference and when it starts (default: the week after)."""

    offer = forms.ModelChoiceField(label=_("Offer"), queryset=Offer.objects.filter(active=True).order_by("name"),
                                   error_messages={"required": _("Choose an offer from the catalogue.")})
    start_on = forms.DateField(label=_("Agreed start"), widget=DATE_INPUT)
    course_weeks = forms.IntegerField(label=_("Length of the course (weeks)"), min_value=1, max_value=52,
                                      required=False, help_text=_("E.g. 6 weeks (Hjørring's course lasts 5-6 weeks)."))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("prefix", "offer")
        kwargs.setdefault("initial", {"start_on": default_start(meeting)})
        super().__init__(*args, **kwargs)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"), widget=forms.RadioSelect,
        choices=[(Participant.Answer.COMING, _("I am coming")),
                 (Participant.Answer.OTHER_TIME, _("I need another time")),
                 (Participant.Answer.NOT_COMING, _("I am not coming"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required if you cannot come: e.g. which times suit you."))
