"""Deadline policies (editable data), extra closed days, and one Deadline row per case and clock.

The sweep reads only rows whose `next_check_at` has come (a partial index over unfinished rows),
so its cost follows the number of rows due, not the number open (the healthchecks pattern).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeadlinePolicy(models.Model):
    class Kind(models.TextChoices):
        FIRST_MEETING = "first_meeting", _("first meeting")
        FOLLOW_UP = "follow_up", _("follow-up meeting")
        FAST_TRACK = "fast_track_conversation", _("fast-track first conversation")
        ORDINARY_FOLLOW_UP = "ordinary_follow_up", _("ordinary first follow-up")
        ABSENCE_CONVERSATION = "absence_conversation", _("employer's absence conversation")
        INFORMATION_FORM = "information_form", _("information form answer")
        AGREEMENT_ITEM = "agreement_item", _("agreement item")
        WISHED_ROUNDTABLE = "wished_roundtable", _("roundtable at the employer's wish")
        FOLLOW_UP_TASK = "follow_up_task", _("follow-up task (huskelapp)")
        GP_REQUEST = "gp_request", _("answer from the GP")
        INTERVENTION_START = "intervention_start", _("start of an agreed intervention")

        AFTERCARE_CHECK_IN = "aftercare_check_in", _("aftercare check-in")

        REASSESSMENT = "reassessment", _("reassessment by the end of week 22")

    class Start(models.TextChoices):
        FIRST_CONTACT = "first_contact", _("first contact / referral received")
        MEETING_HELD = "meeting_held", _("each meeting held")
        FAST_TRACK_REQUEST = "fast_track_request", _("fast-track request received")
        FIRST_ABSENCE_DAY = "first_absence_day", _("first absence day")
        FORM_SENT = "form_sent", _("information form sent")
        AGREED = "agreed", _("agreed at a meeting (its own date)")
        GP_REQUEST_SENT = "gp_request_sent", _("request to the GP sent")

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")
        WEEKS = "weeks", _("weeks")

    class Calendar(models.TextChoices):
        CLOCK = "clock", _("clock time (closed end days move to the next working day)")
        WORKING = "working", _("working days (weekends and holidays do not count)")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.CharField(_("starts on"), max_length=30, choices=Start.choices)
    amount = models.PositiveIntegerField(_("length"), help_text=_("Not used when the item carries its own date."))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices, default=Calendar.CLOCK)
    start_is_day_one = models.BooleanField(
        _("the start day counts as day 1"), default=False,
        help_text=_("E.g. 'by the end of week 8' counted from the first absence day."),
    )
    uses_own_date = models.BooleanField(_("each item has its own date"), default=False)
    warn_before = models.DurationField(_("warn the owner this long before the due time"), default=timedelta(days=1))
    escalate_after = models.DurationField(
        _("tell the team lead this long after a breach"), default=timedelta(days=1)
    )
    active = models.BooleanField(_("active"), default=True)
    legal_source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if not self.uses_own_date and (self.amount is None or self.amount <= 0):
            errors["amount"] = _("The length must be at least 1.")
        if self.warn_before is not None and self.warn_before < timedelta(0):
            errors["warn_before"] = _("The warning time cannot be negative.")
        if self.escalate_after is not None and self.escalate_after < timedelta(0):
            errors["escalate_after"] = _("The escalation time cannot be negative.")
        if errors:
            raise ValidationError(errors)


class ClosedDay(models.Model):
    """Extra closed days on top of weekends and public holidays (Grundlovsdag, 24 and 31 December...)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class DeadlineQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=Deadline.UNFINISHED)

    def overdue(self, now):
        return self.filter(Q(state=Deadline.State.BREACHED) | Q(state=Deadline.State.OPEN, due_at__lt=now))


class Deadline(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("deadline", "open")
        MET = "met", _("met")
        BREACHED = "breached", _("overdue")
        CANCELLED = "cancelled", _("cancelled")
        PAUSED = "paused", _("paused")

    UNFINISHED = (State.OPEN, State.BREACHED, State.PAUSED)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    policy = models.ForeignKey(DeadlinePolicy, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=DeadlinePolicy.Kind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("Empty: the case's consultant."),
    )
    start_at = models.DateTimeField(_("start"))
    due_at = models.DateTimeField(_("due"))
    derivation = models.CharField(_("how the due time was found"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    met_by = models.CharField(_("met by"), max_length=200, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    last_reminder_on = models.DateField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=300, blank=True)
    # When the sweep must look at this row next (warning, breach, escalation, reminder); NULL once
    # nothing more can happen (met, cancelled, paused). Kept by `cases.clock`, the one state machine.
    next_check_at = models.DateTimeField(null=True, blank=True)
    # Each due time after an extension, a resume or a recomputation is a new occurrence: it warns,
    # breaches, escalates and reminds once, and its number is in every dedup key and event.
    occurrence = models.PositiveIntegerField(_("occurrence"), default=1, db_default=1)
    # A row the sweep could not process: the error, when, and how often in a row (for the back-off).
    sweep_failures = models.PositiveSmallIntegerField(_("failed sweeps in a row"), default=0, db_default=0)
    sweep_error = models.CharField(_("last sweep error"), max_length=500, blank=True, default="", db_default="")
    sweep_failed_at = models.DateTimeField(_("last failed sweep"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["next_check_at"], condition=Q(next_check_at__isnull=False), name="deadline_sweep_idx"),
            models.Index(fields=["state", "due_at"], name="deadline_state_due_idx"),
            models.Index(fields=["case", "state"], name="deadline_case_state_idx"),
            models.Index(fields=["sweep_failed_at"], condition=Q(sweep_failures__gt=0), name="deadline_sweep_failing_idx"),
        ]
        constraints = [
            # A double submit of "information form sent" can never give two running 8-day clocks.
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(kind="information_form", state__in=["open", "breached", "paused"]),
                name="deadline_one_running_information_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_unfinished(self) -> bool:
        return self.state in self.UNFINISHED

    @property
    def display_title(self) -> str:
        # A plain dict look-up: get_FOO_display() rebuilds a hashable choices map on every call,
        # which dominated the sweep's profile.
        return self.title or str(KIND_LABELS.get(self.kind, self.kind))


KIND_LABELS = dict(DeadlinePolicy.Kind.choices)


class DeadlineEvent(models.Model):
    """Append-only history of a deadline: the current state is the latest event."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=30)
    note = models.CharField(_("note"), max_length=500, blank=True)
    occurrence = models.PositiveIntegerField(_("occurrence"), default=1, db_default=1)
    # When it was written (`at` is when it happened: a meeting registered late is met in the past).
    recorded_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        ordering = ["at", "id"]


class SweepRun(models.Model):
    """The last completed run of a periodic job (one row per job): /healthz reads it."""

    name = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    processed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    duration_s = models.FloatField(default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")

    def __str__(self) -> str:
        return f"{self.name} {self.finished_at:%Y-%m-%d %H:%M:%S}"
