"""Caseload targets per consultant, and the retention phone (Kolding): duty roster, swaps, calls."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FULL_TIME_HOURS = 37


class ConsultantProfile(models.Model):
    """Varde: a consultant carries about as many cases as weekly hours (37 for a full-timer)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultant_profile", verbose_name=_("user")
    )
    weekly_hours = models.DecimalField(
        _("weekly hours"), max_digits=4, decimal_places=1, default=FULL_TIME_HOURS,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    caseload_target = models.PositiveSmallIntegerField(
        _("caseload target"), default=FULL_TIME_HOURS, help_text=_("Open cases this consultant should carry.")
    )
    # The direct line printed in mails to employers and employees and on the employer's status page.
    phone = models.CharField(
        _("direct phone"), max_length=30, blank=True,
        help_text=_("Shown to employers and employees as the consultant's direct contact."),
    )
    # Kolding: at least 10 workplaces a week, one of them new.
    outreach_weekly_target = models.PositiveSmallIntegerField(
        _("outreach target (workplaces a week)"), default=10,
        help_text=_("Workplaces this consultant should reach each week (visits, meetings, calls, campaigns)."),
    )
    outreach_new_weekly_target = models.PositiveSmallIntegerField(
        _("outreach target (new workplaces a week)"), default=1,
        help_text=_("Of those, workplaces never reached before."),
    )
    morning_digest = models.BooleanField(
        _("morning mail"), default=False,
        help_text=_("A mail at 07:30 on working days with the counts of My work (no names, no health data)."),
    )

    class Meta:
        verbose_name = _("consultant profile")
        verbose_name_plural = _("consultant profiles")

    def __str__(self) -> str:
        return str(self.user)


class DutyShift(models.Model):
    """Who answers the team's retention phone on one working day."""

    team = models.ForeignKey("cases.Team", on_delete=models.CASCADE, related_name="duty_shifts", verbose_name=_("team"))
    date = models.DateField(_("date"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_shifts", verbose_name=_("on duty")
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("phone duty")
        verbose_name_plural = _("phone duties")
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="dutyshift_one_per_team_day")]
        indexes = [models.Index(fields=["consultant", "date"])]

    def __str__(self) -> str:
        return f"{self.team} {self.date:%Y-%m-%d} {self.consultant}"


class ShiftSwap(models.Model):
    """A consultant asks a colleague to take a shift (optionally in exchange for one of theirs).
    Both must agree: the swap happens when the colleague accepts (or a team lead sets the roster)."""

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="swaps_out", verbose_name=_("shift"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_swaps_received", verbose_name=_("colleague")
    )
    counterpart_shift = models.ForeignKey(
        DutyShift, on_delete=models.CASCADE, null=True, blank=True, related_name="swaps_in",
        verbose_name=_("the colleague's shift in exchange"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        constraints = [
            models.UniqueConstraint(fields=["shift"], condition=Q(state="pending"), name="shiftswap_one_pending_per_shift"),
        ]


class PhoneCall(models.Model):
    """One call to the retention phone, logged by the consultant on duty."""

    class CallerType(models.TextChoices):
        EMPLOYER = "employer", _("employer")
        CITIZEN = "citizen", pgettext_lazy("caller type", "citizen")
        GP = "gp", _("GP")
        CASEWORKER = "caseworker", _("caseworker")
        UNION = "union", _("union")

    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="phone_calls", verbose_name=_("team"))
    received_at = models.DateTimeField(_("received"), db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="phone_calls_taken", verbose_name=_("taken by")
    )
    caller_type = models.CharField(_("caller"), max_length=12, choices=CallerType.choices)
    caller_name = models.CharField(_("caller's name"), max_length=200, blank=True)
    caller_contact = models.CharField(_("phone or e-mail"), max_length=200, blank=True)
    # The caller's own account: may hold health details, never shown to an employer.
    summary = models.TextField(_("summary"))
    settled = models.BooleanField(_("settled on the phone"), default=False)
    roundtable_within_days = models.PositiveSmallIntegerField(
        _("roundtable wanted within (days)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="phone_calls", verbose_name=_("case")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        indexes = [models.Index(fields=["team", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(roundtable_within_days__isnull=True)
                | Q(roundtable_within_days__gte=1, roundtable_within_days__lte=7),
                name="phonecall_roundtable_1_to_7_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.get_caller_type_display()}"

    @property
    def needs_case(self) -> bool:
        return not self.settled and self.case_id is None
