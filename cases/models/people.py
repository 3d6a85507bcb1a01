"""Teams, employers (by CVR) and employees (by CPR)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..identifiers import format_cpr, mask_cpr, validate_cpr, validate_cvr, validate_p_number


def fold(text: str) -> str:
    """Case-folded copy for searching: SQLite folds ASCII only, so 'Østergård' needs this."""
    return (text or "").casefold()


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("consultants")
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="led_teams", blank=True, verbose_name=_("team leads")
    )
    receives_fast_track = models.BooleanField(
        _("receives fast-track referrals"), default=False,
        help_text=_("The team whose consultants triage the employers' fast-track referrals."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Employer(models.Model):
    """Master data: one row per workplace (CVR + P-number). A case form finds it by CVR and never
    renames it; changes go through `cases.employers.employer_update`, which keeps the history.
    An employer typed on the phone without a CVR is kept as typed, with `cvr` empty ("CVR mangler")."""

    cvr = models.CharField(_("CVR number"), max_length=8, blank=True, validators=[validate_cvr], db_index=True)
    p_number = models.CharField(_("P-number"), max_length=10, blank=True, validators=[validate_p_number])
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [models.UniqueConstraint(fields=["cvr", "p_number"], condition=~models.Q(cvr=""),
                                               name="employer_cvr_pnumber_unique")]

    def __str__(self) -> str:
        return f"{self.name} (CVR {self.cvr})" if self.cvr else f"{self.name} ({_('CVR missing')})"

    @property
    def cvr_missing(self) -> bool:
        return not self.cvr


class EmployerChange(models.Model):
    """Append-only history of an employer's master data: who changed what, from what, to what."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    summary = models.CharField(_("change"), max_length=300)
    # {"field": [old, new], ...}
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("employer change")
        verbose_name_plural = _("employer changes")

    def __str__(self) -> str:
        return self.summary


class ContactPerson(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Employee(models.Model):
    cpr = models.CharField(_("CPR number"), max_length=10, unique=True, validators=[validate_cpr])
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def cpr_masked(self) -> str:
        return mask_cpr(self.cpr)

    @property
    def cpr_formatted(self) -> str:
        return format_cpr(self.cpr)
