"""The sick-leave case, its timeline events and the consultant's journal."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Case(models.Model):
    class Source(models.TextChoices):
        PHONE_CALL = "phone_call", _("phone call")
        FAST_TRACK = "fast_track", _("fast-track referral")
        INFORMATION_FORM = "information_form", _("information form")
        GP = "gp", _("GP")
        CASEWORKER = "caseworker", _("caseworker")
        EMPLOYER_CONTACT = "employer_contact", _("employer contact")
        CITIZEN = "citizen", pgettext_lazy("case source", "citizen")
        CARE_CAMPAIGN = "care_campaign", _("care conversation at the workplace")
        ABSENCE_ALERT = "absence_alert", _("absence alert")
        # Lyngby-Taarbæk: screened at the information meeting for the sick-listed (~week 6).
        INFO_MEETING = "info_meeting", _("information meeting")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Complexity(models.TextChoices):
        UNSCREENED = "unscreened", _("not screened")
        SMOOTH = "smooth", _("smooth")
        COMPLEX = "complex", _("complex")

    class Outcome(models.TextChoices):
        RETAINED = "retained", _("retained in the same job")
        RETAINED_ADJUSTED = "retained_adjusted", _("retained with adjustments")
        # Worded as the results count it ("Delvis raskmelding eller arbejdsprøvning").
        PARTIAL_RETURN = "partial_return", _("partial return or work trial")
        RELOCATED = "relocated", _("relocated within the employer")
        NEW_JOB = "new_job", _("new job")
        FLEX_JOB = "flex_job", _("flex job")
        LEFT_LABOUR_MARKET = "left_labour_market", _("left the labour market")
        OTHER = "other", _("other")

    # Outcomes the results count as "retained in the job" (Hedensted's measure) and as "partial return
    # or work trial" (Varde's measure). The close form explains them from these same sets.
    RETAINED_OUTCOMES = frozenset({"retained", "retained_adjusted", "relocated"})
    ATTACHED_OUTCOMES = frozenset({"partial_return"})

    # Fields holding health information (GDPR art. 9). Never shown to an employer, never in an
    # employer-facing document or mail; tests seed sentinels into exactly these.
    SENSITIVE_FIELDS = ("health_note", "risk_note", "risk_mental_health")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    employee = models.ForeignKey("cases.Employee", on_delete=models.PROTECT, related_name="cases", verbose_name=_("employee"))
    employer = models.ForeignKey(
        "cases.Employer", on_delete=models.PROTECT, related_name="cases", null=True, blank=True, verbose_name=_("employer")
    )
    employer_contact = models.ForeignKey(
        "cases.ContactPerson", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("employer contact person"),
    )
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="cases", verbose_name=_("team"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("consultant"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    first_contact_at = models.DateTimeField(_("first contact"))
    first_absence_day = models.DateField(_("first absence day"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)

    # Functions and limitations: what the employer may know (helbredsoplysningsloven § 2).
    functional_limitations = models.TextField(_("functions and limitations"), blank=True)
    # Health details: sensitive.
    health_note = models.TextField(_("health details (sensitive)"), blank=True)

    # Hedensted's risk screening.
    risk_little_contact = models.BooleanField(_("little contact between employee and workplace"), default=False)
    risk_no_absence_talk = models.BooleanField(_("no conversation about the absence yet"), default=False)
    risk_job_health_mismatch = models.BooleanField(_("job and health not compatible in the long run"), default=False)
    risk_mental_health = models.BooleanField(_("anxiety, depression or stress"), default=False)
    risk_note = models.TextField(_("screening note (sensitive)"), blank=True)
    complexity = models.CharField(_("risk"), max_length=12, choices=Complexity.choices, default=Complexity.UNSCREENED)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    # The questionnaire the case was screened with, and its score against the threshold of that moment
    # (the answers: ScreeningAnswer). The four booleans above mirror the default questions' answers.
    questionnaire = models.ForeignKey(
        "cases.Questionnaire", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("screening questionnaire"),
    )
    screening_score = models.PositiveSmallIntegerField(_("screening score"), null=True, blank=True)
    screening_threshold = models.PositiveSmallIntegerField(_("screening threshold"), null=True, blank=True)
    # A relapse after a retained closing opens a new case linked to the earlier course (cases/aftercare.py).
    relapse_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="relapses",
        verbose_name=_("relapse of the earlier course"),
    )

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set by the retention job (cases/retention.py): the person and free texts are gone, statistics remain.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # Moved by every event on the case; the dashboard's "not touched for 14 days" reads it.
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)

    class Meta:
        ordering = ["-first_contact_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # One open case per person: the database guards what the form warns about.
            models.UniqueConstraint(
                fields=["employee"], condition=Q(status="open"), name="case_one_open_per_employee"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(outcome="") & Q(closed_on__isnull=False)),
                name="case_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["consultant", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def risk_factor_count(self) -> int:
        return sum(
            [self.risk_little_contact, self.risk_no_absence_talk, self.risk_job_health_mismatch, self.risk_mental_health]
        )


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        PHONE_CALL = "phone_call", _("phone call")
        EMAIL = "email", _("e-mail")
        MEETING_NOTE = "meeting_note", _("meeting note")
        AFTERCARE = "aftercare", _("aftercare check-in")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="journal_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    # Journal text is consultant notes: never shown to an employer.
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("time"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
