"""The employer's fast-track referral (SDL § 7 c): the STAR template as a row, the employee's consent
and own answers, and the consultant's triage."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identifiers import cpr_hash

# A request later than this after the first absence day is accepted but flagged (SDL § 7 c).
LATE_AFTER = timedelta(weeks=5)


class Referral(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("awaiting triage")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    class Consent(models.TextChoices):
        PENDING = "pending", _("not answered yet")
        GIVEN = "given", _("agrees to fast track")
        DECLINED = "declined", _("declines fast track")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField(_("request received"), default=timezone.now)
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("receiving team"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)

    # Employer and contact person
    cvr = models.CharField(_("CVR number"), max_length=8)
    p_number = models.CharField(_("P-number (workplace)"), max_length=10, blank=True)
    employer_name = models.CharField(_("employer's name"), max_length=200)
    employer_address = models.CharField(_("employer's address"), max_length=300)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_role = models.CharField(_("contact person's role"), max_length=100)
    contact_phone = models.CharField(_("contact person's phone"), max_length=30)
    contact_email = models.EmailField(_("contact person's e-mail"))

    # Employee
    employee_name = models.CharField(_("employee's name"), max_length=200)
    # The full CPR is kept until triage only (to match the person); afterwards the birth date part
    # (DDMMYY, what the pages show masked) and a keyed hash remain, see forget_cpr().
    employee_cpr = models.CharField(_("employee's CPR number"), max_length=10, blank=True)
    employee_cpr_hash = models.CharField(_("keyed hash of the CPR number"), max_length=64, blank=True, db_index=True,
                                         editable=False)
    employee_email = models.EmailField(_("employee's e-mail"), blank=True)
    employee_phone = models.CharField(_("employee's phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=200)

    # The absence and the three questions of BEK 1710 § 3, stk. 1 (employer's view). The employer "kan
    # vælge at oplyse": voluntary, so blank is allowed.
    first_absence_day = models.DateField(_("first absence day"))
    expected_over_8_weeks = models.BooleanField(_("absence expected to last more than 8 weeks"))
    affected_functions = models.TextField(_("which work functions are affected"), max_length=2000, blank=True)
    affected_duration = models.TextField(_("how long the illness has affected the work"), max_length=2000, blank=True)
    work_adapted = models.TextField(_("has the work been adapted"), max_length=2000, blank=True)

    # What has been tried
    absence_conversation_held = models.BooleanField(_("absence conversation held"), default=False)
    absence_conversation_on = models.DateField(_("date of the absence conversation"), null=True, blank=True)
    possibility_statement = models.BooleanField(_("possibility statement (mulighedserklæring) obtained"), default=False)
    adjustments_tried = models.TextField(_("adjustments tried"), max_length=2000, blank=True)
    employee_told = models.BooleanField(_("the employee has been told about the request"))
    meeting_wishes = models.CharField(_("wishes for a meeting time"), max_length=300, blank=True)

    # The employee's own answer (never shown to the employer)
    consent = models.CharField(_("employee's consent"), max_length=10, choices=Consent.choices, default=Consent.PENDING)
    consent_at = models.DateTimeField(_("consent answered"), null=True, blank=True)
    employee_functions = models.TextField(_("employee: affected work functions"), max_length=2000, blank=True)
    employee_duration = models.TextField(_("employee: how long the work has been affected"), max_length=2000, blank=True)
    employee_adapted = models.TextField(_("employee: has the work been adapted"), max_length=2000, blank=True)

    # Triage
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    rejection_reason = models.TextField(_("reason for rejection"), max_length=2000, blank=True)
    # Whether the rejection was sent as a decision (afgørelse, with complaint guidance): the municipality's
    # setting at the time, kept so that the status page later says what the mail said.
    rejected_as_decision = models.BooleanField(_("rejection sent as a decision"), null=True, blank=True, editable=False)
    # Set by the retention job (cases/retention.py) when the personal data of a rejected referral is removed.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("fast-track referral")
        verbose_name_plural = _("fast-track referrals")
        indexes = [models.Index(fields=["team", "state", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    def forget_cpr(self) -> list[str]:
        """After triage: keep the birth date and a keyed hash (still found by the person's CPR for an
        insight request), not the number. Returns the changed fields, for save(update_fields=...)."""
        if len(self.employee_cpr) == 10:
            self.employee_cpr_hash = cpr_hash(self.employee_cpr)
            self.employee_cpr = self.employee_cpr[:6]
        return ["employee_cpr", "employee_cpr_hash"]

    @property
    def is_late(self) -> bool:
        """More than 5 weeks from the first absence day to the request (accepted, but flagged)."""
        return timezone.localdate(self.received_at) - self.first_absence_day > LATE_AFTER

    @property
    def two_week_rule_applies(self) -> bool:
        """SDL § 13 b, stk. 2 binds the job centre only for a § 7 c request made within 5 weeks of the first
        absence day, and not when the employee declines (stk. 3). Whether this form *is* the § 7 c request
        is the municipality's setting (Organisation.fasttrack_channel), checked by the caller."""
        return not self.is_late and self.fast_track_applies

    @property
    def fast_track_applies(self) -> bool:
        return self.consent != self.Consent.DECLINED
