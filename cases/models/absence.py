"""Early detection: absence spells from payroll, their CSV sources, alert rules and alerts.

Spells and alerts are case-file data (who was sick when); sources, rules and settings are
configuration, edited in the admin. Logic lives in `cases.absence` (the feature package).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SETTINGS_PK = 1


class AbsenceSettings(models.Model):
    """One row (a singleton) for the period engine and the results."""

    gap_days = models.PositiveSmallIntegerField(
        _("days without sickness that start a new sickness period"), default=16,
        help_text=_("A gap of at least this many days between two spells starts a new sickness period (NAV uses 16)."),
    )
    on_time_days = models.PositiveSmallIntegerField(
        _("an alert is handled on time within (days)"), default=7,
    )
    alert_max_age_days = models.PositiveSmallIntegerField(
        _("raise alerts for rules met within the last (days)"), default=14,
        help_text=_("An import of older history does not mail managers about absences long over."),
    )
    team = models.ForeignKey(
        "cases.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team"),
        help_text=_("The team whose queue gets alerts from sources without a team of their own."),
    )

    class Meta:
        verbose_name = _("absence settings")
        verbose_name_plural = _("absence settings")

    def __str__(self) -> str:
        return str(_("absence settings"))

    def save(self, *args, **kwargs):
        self.pk = SETTINGS_PK
        super().save(*args, **kwargs)

    def clean(self):
        if not self.gap_days:
            raise ValidationError({"gap_days": _("At least 1 day.")})

    @classmethod
    def current(cls) -> "AbsenceSettings":
        row = cls.objects.filter(pk=SETTINGS_PK).select_related("team").first()
        return row or cls(pk=SETTINGS_PK)


class AbsenceSource(models.Model):
    """Where spells come from, and for a CSV export how to read it: payroll systems publish no
    standard absence format, so the columns, date format, delimiter and encoding are set per source."""

    class Encoding(models.TextChoices):
        UTF8 = "utf-8-sig", _("UTF-8")
        LATIN1 = "cp1252", _("Windows-1252 (Latin-1)")

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Short name used by the API, e.g. \"silkeborg-data\"."))
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey("cases.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("team"), help_text=_("The team whose queue gets this source's alerts."))
    delimiter = models.CharField(_("delimiter"), max_length=2, default=";")
    encoding = models.CharField(_("encoding"), max_length=12, choices=Encoding.choices, default=Encoding.UTF8)
    date_format = models.CharField(_("date format"), max_length=20, default="%d-%m-%Y",
                                   help_text=_("Python strftime codes, e.g. %d-%m-%Y for 31-01-2026 or %Y-%m-%d."))
    col_cvr = models.CharField(_("column: CVR"), max_length=60, default="CVR")
    col_p_number = models.CharField(_("column: P-number"), max_length=60, blank=True, default="P-nummer")
    col_cpr = models.CharField(_("column: CPR"), max_length=60, blank=True, default="CPR")
    col_employment_number = models.CharField(_("column: employment number"), max_length=60, blank=True,
                                             default="Ansættelsesnummer")
    col_name = models.CharField(_("column: name"), max_length=60, blank=True, default="Navn")
    col_first_day = models.CharField(_("column: first day"), max_length=60, default="Første fraværsdag")
    col_last_day = models.CharField(_("column: last day"), max_length=60, default="Sidste fraværsdag")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("absence source")
        verbose_name_plural = _("absence sources")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if not (self.col_cpr or self.col_employment_number):
            raise ValidationError(_("Name the CPR column, the employment number column or both."))
        if len(self.delimiter.replace("\\t", "\t")) != 1:
            raise ValidationError({"delimiter": _("One character (write \\t for a tab).")})

    @property
    def date_format_shown(self) -> str:
        """The date format as people write it (DD-MM-ÅÅÅÅ), not as strftime codes."""
        shown = self.date_format
        for code, label in (("%d", _("DD")), ("%m", _("MM")), ("%Y", _("YYYY")), ("%y", _("YY"))):
            shown = shown.replace(code, str(label))
        return shown


class EmploymentNumber(models.Model):
    """Resolves a payroll system's employment number to the person (for exports without CPR)."""

    employer = models.ForeignKey("cases.Employer", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("employer"))
    number = models.CharField(_("employment number"), max_length=40)
    employee = models.ForeignKey("cases.Employee", on_delete=models.CASCADE, related_name="employment_numbers",
                                 verbose_name=_("employee"))

    class Meta:
        verbose_name = _("employment number")
        verbose_name_plural = _("employment numbers")
        constraints = [models.UniqueConstraint(fields=["employer", "number"], name="employment_number_unique")]

    def __str__(self) -> str:
        return self.number


class AbsenceImport(models.Model):
    """One CSV upload or API call: counts, and each refused line's number and Danish message (never a CPR)."""

    source = models.ForeignKey(AbsenceSource, on_delete=models.PROTECT, related_name="imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    created = models.PositiveIntegerField(_("new spells"), default=0)
    updated = models.PositiveIntegerField(_("updated spells"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged spells"), default=0)
    failed = models.PositiveIntegerField(_("refused lines"), default=0)
    # [{"line": 7, "message": "..."}]: the message names the field, never the value of a CPR.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("absence import")
        verbose_name_plural = _("absence imports")

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class AbsenceSpell(models.Model):
    """One stretch of absence as payroll reported it. Its identity is (employee, employer, first day):
    the same spell imported twice is one row, and a corrected last day updates it."""

    employee = models.ForeignKey("cases.Employee", on_delete=models.CASCADE, related_name="absence_spells",
                                 verbose_name=_("employee"))
    employer = models.ForeignKey("cases.Employer", on_delete=models.PROTECT, related_name="absence_spells",
                                 verbose_name=_("employer"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty while ongoing."))
    source = models.ForeignKey(AbsenceSource, on_delete=models.PROTECT, related_name="spells",
                               verbose_name=_("source"))
    last_import = models.ForeignKey(AbsenceImport, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="absence_spells", verbose_name=_("case"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["employee", "first_day"]
        verbose_name = _("absence spell")
        verbose_name_plural = _("absence spells")
        constraints = [
            models.UniqueConstraint(fields=["employee", "employer", "first_day"], name="absence_spell_identity"),
            models.CheckConstraint(condition=Q(last_day__isnull=True) | Q(last_day__gte=models.F("first_day")),
                                   name="absence_spell_last_after_first"),
        ]
        indexes = [models.Index(fields=["first_day"], name="absence_spell_first_idx")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.first_day}–{self.last_day or ''}"


class AbsenceAlertRule(models.Model):
    class Kind(models.TextChoices):
        CONSECUTIVE_DAYS = "consecutive_days", _("consecutive calendar days of sickness")
        SPELLS_IN_WINDOW = "spells_in_window", _("spells within a number of months")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(_("days"), default=7, help_text=_("For consecutive days."))
    count = models.PositiveSmallIntegerField(_("number of spells"), default=3, help_text=_("For spells in a window."))
    months = models.PositiveSmallIntegerField(_("months"), default=3, help_text=_("For spells in a window."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("absence alert rule")
        verbose_name_plural = _("absence alert rules")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == self.Kind.CONSECUTIVE_DAYS and not self.days:
            raise ValidationError({"days": _("At least 1 day.")})
        if self.kind == self.Kind.SPELLS_IN_WINDOW and (self.count < 2 or not self.months):
            raise ValidationError(_("At least 2 spells within at least 1 month."))


class AbsenceAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=AbsenceAlert.State.OPEN)


class AbsenceAlert(models.Model):
    """A rule met for one employee: mailed to the workplace's manager and listed in the team's queue
    until a consultant opens a case from it or closes it with a reason."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CASE_OPENED = "case_opened", _("case opened")
        CLOSED = "closed", _("closed")

    class CloseReason(models.TextChoices):
        CONTACTED = "contacted", _("manager contacted, no case needed")
        BACK_AT_WORK = "back_at_work", _("back at work")
        EXISTING_CASE = "existing_case", _("already followed in a case")
        NOT_RELEVANT = "not_relevant", _("not relevant")

    # Closed with these reasons the alert counted as "turned into a case or contact".
    CONTACT_REASONS = frozenset({"contacted", "existing_case"})

    rule = models.ForeignKey(AbsenceAlertRule, on_delete=models.PROTECT, related_name="alerts",
                             verbose_name=_("rule"))
    employee = models.ForeignKey("cases.Employee", on_delete=models.CASCADE, related_name="absence_alerts",
                                 verbose_name=_("employee"))
    employer = models.ForeignKey("cases.Employer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("employer"))
    contact = models.ForeignKey("cases.ContactPerson", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("manager"))
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    key_day = models.DateField(_("period or window start"))
    triggered_on = models.DateField(_("rule met on"))
    raised_at = models.DateTimeField(_("raised"), db_index=True)
    rule_text = models.CharField(_("rule"), max_length=200)
    spells = models.ManyToManyField(AbsenceSpell, related_name="alerts", blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    close_reason = models.CharField(_("reason"), max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(_("note"), blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="absence_alerts", verbose_name=_("case"))

    objects = AbsenceAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("absence alert")
        verbose_name_plural = _("absence alerts")
        constraints = [
            models.UniqueConstraint(fields=["rule", "employee", "key_day"], name="absence_alert_once"),
        ]
        indexes = [models.Index(fields=["team", "state"], name="absence_alert_queue_idx")]

    def __str__(self) -> str:
        return f"{self.rule_text} ({self.triggered_on})"

    @property
    def handled_in(self) -> timedelta | None:
        return self.handled_at - self.raised_at if self.handled_at else None
