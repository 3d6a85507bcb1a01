"""Filters and the bulk reassign form of the team-lead dashboard."""

from __future__ import annotations

from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..formparts import PersonChoiceField
from ..forms import DATE_INPUT
from ..roles import is_admin
from .selectors import Period, consultants_for, teams_led_by


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_presets(today: date) -> list[tuple[str, date, date]]:
    """Links above the results: this month, this quarter, this year, the last 12 months."""
    return [
        (_("This month"), today.replace(day=1), today),
        (_("This quarter"), quarter_start(today), today),
        (_("This year"), date(today.year, 1, 1), today),
        (_("Last 12 months"), today - timedelta(days=365), today),
    ]


class DashboardFilterForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("All my teams"))
    consultant = PersonChoiceField(label=_("Consultant"), queryset=None, required=False, empty_label=_("All"))
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = teams_led_by(user)
        self.is_admin = is_admin(user)
        self.fields["team"].queryset = self.teams
        self.fields["consultant"].queryset = consultants_for(self.teams)
        self.fields["consultant"].label_from_instance = lambda u: u.get_full_name() or u.username
        today = timezone.localdate()
        self.fields["start"].initial = quarter_start(today)
        self.fields["end"].initial = today

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        team, consultant = data.get("team"), data.get("consultant")
        if team and consultant and not team.members.filter(pk=consultant.pk).exists():
            self.add_error("consultant", _("%(name)s is not on team %(team)s.") % {
                "name": consultant.get_full_name() or consultant.username, "team": team.name})
        return data

    def values(self) -> dict:
        """The chosen filters, or the defaults when the input is invalid: this quarter, and all my
        teams (a lead of a single team gets that team, so a team she is merely a member of is not
        mixed into her numbers)."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        team = data.get("team")
        if team is None and not self.is_admin:
            led = list(self.teams[:2])
            team = led[0] if len(led) == 1 else None
        return {
            "team": team,
            "consultant": data.get("consultant"),
            "period": Period(start=data.get("start") or quarter_start(today), end=data.get("end") or today),
        }


class BulkReassignForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label=_("Cases"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one case.")},
    )
    consultant = PersonChoiceField(
        label=_("New consultant"), queryset=None, error_messages={"required": _("Choose the new consultant.")}
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, cases, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda c: f"{c.reference} {c.employee.name}"
        self.fields["consultant"].queryset = consultants_for(teams)
        self.fields["consultant"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Reassign the chosen cases")))
