"""Vordingborg's GP collaboration: practices and their contact persons, the meeting every third week
where the GPs bring patients who consented (one batch with a row per patient), and the consultant's
requests to a GP (possibility statement, medical certificate), each with its own clock.

Patient rows and GP answers are case data (health information): read through `cases.access`,
never shown to an employer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..identifiers import mask_cpr, validate_cpr


class GpPractice(models.Model):
    """A GP practice the job centre works with (master data, like an employer)."""

    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="gp_practices",
                             verbose_name=_("team"))
    interval_days = models.PositiveSmallIntegerField(
        _("days between meetings"), default=21, help_text=_("Vordingborg: every third week (21 days)."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("GP practice")
        verbose_name_plural = _("GP practices")

    def __str__(self) -> str:
        return self.name


class GpContact(models.Model):
    """A contact person at the practice (a GP, a nurse, the secretary)."""

    practice = models.ForeignKey(GpPractice, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("GP contact person")
        verbose_name_plural = _("GP contact persons")

    def __str__(self) -> str:
        return self.name


class GpMeeting(models.Model):
    """One meeting with a practice, registered as one batch of patient rows."""

    practice = models.ForeignKey(GpPractice, on_delete=models.PROTECT, related_name="meetings",
                                 verbose_name=_("GP practice"))
    held_at = models.DateTimeField(_("held"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("GP meeting")
        verbose_name_plural = _("GP meetings")

    def __str__(self) -> str:
        return f"{self.practice} {self.held_at:%Y-%m-%d}"


class GpPatient(models.Model):
    """A patient discussed at a GP meeting, identified minimally: a name and, when needed, a CPR
    number or a link to the case."""

    class Outcome(models.TextChoices):
        ADVICE = "advice", _("advice given")
        EARLY_INTERVENTION = "early_intervention", _("early intervention offered")
        CASE_OPENED = "case_opened", _("case opened")

    meeting = models.ForeignKey(GpMeeting, on_delete=models.CASCADE, related_name="patients")
    name = models.CharField(_("name"), max_length=200)
    cpr = models.CharField(_("CPR number"), max_length=10, blank=True, validators=[validate_cpr])
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="gp_patients",
                             verbose_name=_("case"))
    consent = models.BooleanField(_("the patient has consented"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # Health information: the consultant's note and the feedback to the GP. Never to an employer.
    note = models.TextField(_("note (sensitive)"), blank=True)
    feedback = models.TextField(_("feedback to the GP"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("patient at a GP meeting")
        verbose_name_plural = _("patients at GP meetings")
        constraints = [models.CheckConstraint(condition=Q(consent=True), name="gp_patient_has_consent")]

    def __str__(self) -> str:
        return self.name

    @property
    def cpr_masked(self) -> str:
        return mask_cpr(self.cpr) if self.cpr else ""


class GpRequest(models.Model):
    """The consultant asks a GP for a statement; the answer meets the request's clock."""

    class Kind(models.TextChoices):
        POSSIBILITY_STATEMENT = "possibility_statement", _("possibility statement (mulighedserklæring)")
        MEDICAL_CERTIFICATE = "medical_certificate", _("medical certificate (LÆ 285)")
        OTHER = "other", _("other statement")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="gp_requests")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    practice = models.ForeignKey(GpPractice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("GP practice"))
    gp_name = models.CharField(_("GP"), max_length=200, blank=True)
    # What is asked: may hold health information.
    question = models.TextField(_("what is asked"), blank=True)
    sent_at = models.DateTimeField(_("sent"))
    deadline = models.ForeignKey("cases.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.TextField(_("the answer (sensitive)"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("GP request")
        verbose_name_plural = _("GP requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
