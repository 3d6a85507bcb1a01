"""Forms for the case file. They validate input; the services decide and write."""

from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .aftercare import AFTERCARE_WEEKS, parse_weeks
from .flags import FLAGS
from .followups import Reason as FollowupReason
from .formparts import EmployeeFields, EmployerContactFields, PersonChoiceField
from .identifiers import looks_like_cpr
from .models import Case, JournalEntry
from .screening import FIELD_PREFIX, Screening, active_questionnaire, questions_of
from .selectors import consultants_of, teams_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class ScreeningFields(forms.Form):
    """The questionnaire in use as yes/no boxes (one per question, "risk_<key>"), and the screening note."""

    risk_note = forms.CharField(
        label=_("Screening note (sensitive)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = active_questionnaire()
        self.questions = questions_of(self.questionnaire)
        note = self.fields.pop("risk_note")
        for question in self.questions:
            self.fields[FIELD_PREFIX + question.key] = forms.BooleanField(
                label=question.text, required=False,
                help_text=ngettext("Weight %(n)s point", "Weight %(n)s points", question.weight) % {"n": question.weight},
            )
        self.fields["risk_note"] = note

    @property
    def question_field_names(self) -> list[str]:
        return [FIELD_PREFIX + question.key for question in self.questions]

    def screening_help(self) -> str:
        if self.questionnaire is None:
            return str(_("No screening questionnaire is in use. Ask the administrator to choose one."))
        return ngettext("A score of %(n)s point or more makes the case complex.",
                        "A score of %(n)s points or more makes the case complex.",
                        self.questionnaire.threshold) % {"n": self.questionnaire.threshold}

    def screening(self) -> Screening:
        data = self.cleaned_data
        answers = {question.key: bool(data.get(FIELD_PREFIX + question.key)) for question in self.questions}
        return Screening(answers=answers, note=data.get("risk_note", ""))


class CaseCreateForm(EmployeeFields, EmployerContactFields, ScreeningFields):
    # Blank boxes alone do not say "screened, no risk": without this tick (or a ticked factor or a note)
    # the case stays "not screened" until a screening is saved on the case page.
    screened_now = forms.BooleanField(
        label=_("I have done the risk screening now"), required=False,
        help_text=_("Leave it blank if you screen later: the case is then \"not screened\", not \"smooth\". "
                    "Screened with no risk factor ticked, the case is smooth."),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    consultant = PersonChoiceField(label=_("Consultant"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=Case.Source.choices)
    first_contact_at = forms.DateTimeField(label=_("First contact"), widget=DATETIME_INPUT)
    first_absence_day = forms.DateField(
        label=_("First absence day"), required=False, widget=DATE_INPUT, validators=[not_in_future]
    )
    functional_limitations = forms.CharField(
        label=_("Functions and limitations (may be shared with the employer)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
    )
    health_note = forms.CharField(
        label=_("Health details (sensitive, never shared with the employer)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = teams_of(user)
        self.fields["team"].queryset = teams
        self.fields["consultant"].queryset = consultants_of(teams)
        if not self.is_bound:
            self.initial.setdefault("first_contact_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("consultant", user.pk)
            first_team = teams.filter(members=user).first() or teams.first()
            if first_team:
                self.initial.setdefault("team", first_team.pk)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Employee"), *self.EMPLOYEE_FIELDS),
            HTML('{% include "cases/partials/employer_fields.html" %}'),
            Fieldset(_("Case"), "source", "first_contact_at", "first_absence_day", "team", "consultant",
                     "functional_limitations", "health_note"),
            Fieldset(
                _("Risk screening"),
                HTML(f'<p class="text-muted small">{escape(self.screening_help())}</p>'),
                "screened_now", *self.question_field_names, "risk_note",
            ),
            Submit("submit", _("Open case")),
        )

    def clean_first_contact_at(self):
        value = self.cleaned_data["first_contact_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The first contact cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()  # the employer and contact rules: cases.formparts
        consultant, team = data.get("consultant"), data.get("team")
        if consultant and team and not (team.members.filter(pk=consultant.pk).exists() or team.leads.filter(pk=consultant.pk).exists()):
            self.add_error("consultant", _("The consultant is not on the chosen team."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "employee": self.employee_data(),
            "employer": self.employer_data(),
            "contact": self.contact_data(),
            "team": d["team"],
            "consultant": d["consultant"],
            "source": d["source"],
            "first_contact_at": d["first_contact_at"],
            "first_absence_day": d["first_absence_day"],
            "functional_limitations": d["functional_limitations"],
            "health_note": d["health_note"],
            "screening": self.screening_if_done(),
        }

    def screening_if_done(self) -> Screening | None:
        """The screening, or None when it was not done: a ticked factor or a note counts as done."""
        screening = self.screening()
        if self.cleaned_data.get("screened_now") or any(screening.answer_map().values()) or screening.note.strip():
            return screening
        return None


class CaseEditForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["source", "first_contact_at", "first_absence_day", "functional_limitations", "health_note"]
        widgets = {"first_contact_at": DATETIME_INPUT, "first_absence_day": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_absence_day"].validators.append(not_in_future)
        self.fields["first_contact_at"].help_text = _(
            "Correcting a date recomputes the running deadlines that start from it.")
        # The fast-track request time is the start of the running fast-track clock (a request that came
        # by another channel than the product's form may need its time corrected).
        running = self.instance.pk and self.instance.deadlines.unfinished().filter(kind="fast_track_conversation").first()
        if running:
            self.fields["fast_track_request_at"] = forms.DateTimeField(
                label=_("Fast-track request received"), widget=DATETIME_INPUT, initial=running.start_at,
                validators=[_not_future_moment],
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_first_contact_at(self):
        value = self.cleaned_data["first_contact_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The first contact cannot be in the future."))
        return value


class ScreeningForm(ScreeningFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save screening")))


class ReassignForm(forms.Form):
    consultant = PersonChoiceField(label=_("New consultant"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants_of([case.team])
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Reassign")))


def outcome_help() -> str:
    """Which outcomes the results count as what, in the results' own headings and the outcomes' labels."""
    labels = dict(Case.Outcome.choices)

    def names(outcomes) -> str:
        return ", ".join(f"\u201d{labels[value]}\u201d" for value, _label in Case.Outcome.choices if value in outcomes)

    return _("In the results, %(retained)s counts %(retained_list)s. %(attached)s counts %(attached_list)s. "
             "The other outcomes count in neither.") % {
        "retained": f"\u201d{_('Retained in the job')}\u201d", "retained_list": names(Case.RETAINED_OUTCOMES),
        "attached": f"\u201d{_('Partial return or work trial')}\u201d",
        "attached_list": names(Case.ATTACHED_OUTCOMES),
    }


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------")] + list(Case.Outcome.choices))
    closed_on = forms.DateField(label=_("Closing date"), widget=DATE_INPUT, validators=[not_in_future])
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    aftercare = forms.BooleanField(label=_("Plan aftercare check-ins"), required=False,
                                   help_text=_("Only when the case closes as retained in the job."))
    aftercare_weeks = forms.CharField(label=_("Check-ins, weeks after closing"), required=False, max_length=60,
                                      initial=", ".join(str(n) for n in AFTERCARE_WEEKS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = _("Choose the outcome of the case.")
        self.fields["outcome"].help_text = outcome_help()
        self.initial.setdefault("closed_on", timezone.localdate())
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Close case"), css_class="btn-danger"))

    def clean(self):
        data = super().clean()
        data["weeks"] = ()
        if data.get("aftercare"):
            if data.get("outcome") and data["outcome"] not in Case.RETAINED_OUTCOMES:
                self.add_error("aftercare", _("Aftercare is for a case closed as retained in the job."))
            try:
                data["weeks"] = parse_weeks(data.get("aftercare_weeks") or "")
            except forms.ValidationError as error:
                self.add_error("aftercare_weeks", error)
        return data


class AftercarePlanForm(forms.Form):
    weeks = forms.CharField(label=_("Check-ins, weeks after closing"), max_length=60,
                            initial=", ".join(str(n) for n in AFTERCARE_WEEKS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="aftercare", **kwargs)
        self.fields["weeks"].error_messages["required"] = _("Write at least one number of weeks, e.g. 2, 6, 12.")

    def clean_weeks(self):
        return parse_weeks(self.cleaned_data["weeks"])


class CheckInForm(forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=DATETIME_INPUT)
    text = forms.CharField(label=_("Check-in note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Write a short note about the check-in.")
        if not self.is_bound:
            self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_at(self):
        value = self.cleaned_data["at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The time cannot be in the future."))
        return value


class RelapseForm(forms.Form):
    reason = forms.CharField(label=_("What happened?"), max_length=300)
    first_absence_day = forms.DateField(label=_("New first absence day"), required=False, widget=DATE_INPUT,
                                        validators=[not_in_future])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="relapse", **kwargs)
        self.fields["reason"].error_messages["required"] = _("Describe the relapse in a few words.")


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Give a reason for reopening the case.")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Reopen case")))


class JournalForm(forms.ModelForm):
    class Meta:
        model = JournalEntry
        fields = ["kind", "occurred_at", "text"]
        widgets = {"occurred_at": DATETIME_INPUT, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Write the journal entry.")
        self.fields["text"].max_length = 20000
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.add_input(Submit("submit", _("Add to journal")))


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(Case.Status.choices))
    consultant = forms.ChoiceField(label=_("Consultant"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    complexity = forms.ChoiceField(
        label=_("Risk"), required=False, choices=[("", _("All"))] + list(Case.Complexity.choices)
    )
    flag = forms.ChoiceField(label=_("Deadlines"), required=False, choices=[("", _("All"))] + list(FLAGS.items()))
    sort = forms.ChoiceField(
        label=_("Sort"), required=False,
        choices=[
            ("-first_contact", _("Newest first")), ("first_contact", _("Oldest first")),
            ("name", _("Name")), ("reference", _("Reference")), ("activity", _("Least recently touched")),
        ],
    )

    def __init__(self, data=None, *args, user, cpr_allowed: bool = False, **kwargs):
        # A CPR is searched only from the POSTed search form (cpr_allowed). One that arrives in a URL
        # (a GET: the list, its export, the bulk reassign) is dropped before anything sees it: no CPR
        # search runs and the page does not echo it back.
        self.cpr_refused = False
        if data is not None and not cpr_allowed and looks_like_cpr(data.get("q")):
            data = data.copy()
            data["q"] = ""
            self.cpr_refused = True
        super().__init__(data, *args, **kwargs)
        teams = teams_of(user)
        self.fields["team"].choices = [("", _("All"))] + [(str(t.pk), t.name) for t in teams]
        self.fields["consultant"].choices = (
            [("", _("All")), ("none", _("Unassigned"))]
            + [(str(u.pk), u.get_full_name() or u.username) for u in consultants_of(teams)]
        )


# --- deadlines on the case page ------------------------------------------------------------------


def _not_future_moment(value):
    if value and value > timezone.now():
        raise forms.ValidationError(_("The time cannot be in the future."))
    return value


class DeadlinePauseForm(forms.Form):
    reason = forms.CharField(label=_("Why is the clock paused?"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Give a reason for the pause.")


class DeadlineExtendForm(forms.Form):
    new_due_at = forms.DateTimeField(label=_("New due time"), widget=DATETIME_INPUT)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Give a reason for the extension.")
        self.fields["new_due_at"].error_messages["required"] = _("Give the new due time.")

    def clean_new_due_at(self):
        value = self.cleaned_data["new_due_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The new due time must lie in the future."))
        return value


class DeadlineMetForm(forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=DATETIME_INPUT, validators=[_not_future_moment])
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))


class InformationFormSentForm(forms.Form):
    sent_at = forms.DateTimeField(label=_("Sent"), widget=DATETIME_INPUT, validators=[_not_future_moment])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("sent_at", timezone.localtime().replace(second=0, microsecond=0))


DEADLINE_ACTION_FORMS = {"pause": DeadlinePauseForm, "extend": DeadlineExtendForm, "met": DeadlineMetForm}


class FollowupTaskForm(forms.Form):
    """The consultant's own follow-up task (huskelapp) on a case."""

    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------")] + list(FollowupReason.choices))
    due_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="followup", **kwargs)
        self.fields["reason"].error_messages["required"] = _("Choose a reason.")
        self.fields["due_on"].error_messages["required"] = _("Give the date.")


class EmployerEditForm(forms.Form):
    """The explicit edit of an employer's master data (the service keeps the history)."""

    name = forms.CharField(label=_("Employer's name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    cvr = forms.CharField(label=_("CVR number"), max_length=10, required=False)
    p_number = forms.CharField(label=_("P-number (workplace)"), max_length=12, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Give the employer's name.")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the employer")))


class EmployerLookupForm(EmployerContactFields):
    """The employer fields alone, bound to what the CVR lookup (htmx) sends."""
