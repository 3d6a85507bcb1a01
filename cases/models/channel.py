"""The safe channel to the citizen: contact points the job centre has verified with the person, and
one-time codes that open health documents behind a signed link.

A contact point is verified for one exact value: when the phone number changes, the new number is
unverified until a consultant confirms it with the citizen again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("phone (text message)")
        EMAIL = "email", _("e-mail")

    class Source(models.TextChoices):
        JOB_CENTRE = "job_centre", _("the job centre")
        EMPLOYER = "employer", _("the employer")

    class Method(models.TextChoices):
        CALL = "call", _("on the phone with the citizen")
        MEETING = "meeting", _("at a meeting")
        IN_PERSON = "in_person", _("in person at the job centre")

    employee = models.ForeignKey("cases.Employee", on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    value = models.CharField(_("phone or e-mail"), max_length=254)
    source = models.CharField(_("given by"), max_length=12, choices=Source.choices, default=Source.JOB_CENTRE)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    verified_how = models.CharField(_("verified how"), max_length=10, choices=Method.choices, blank=True)

    class Meta:
        ordering = ["kind", "-verified_at", "pk"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(fields=["employee", "kind", "value"], name="contact_point_unique"),
            models.CheckConstraint(condition=models.Q(verified_at__isnull=True) | ~models.Q(verified_how=""),
                                   name="contact_point_verified_how"),
        ]

    def __str__(self) -> str:
        return capfirst(self.label)

    @property
    def label(self) -> str:
        """For use inside a sentence: "telefon (sms): •••• 40 50"."""
        return f"{self.get_kind_display()}: {self.masked}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def masked(self) -> str:
        """What a person holding only the link may see: enough to recognise their own number or address."""
        if self.kind == self.Kind.PHONE:
            return "•••• " + self.value[-4:-2] + " " + self.value[-2:]
        local, _at, domain = self.value.partition("@")
        return f"{local[:1]}•••@{domain}"


class OneTimeCode(models.Model):
    """A code that opens the citizen's health documents. Stored as a keyed hash only; a newer code
    replaces the older ones; a limited number of wrong attempts locks it."""

    employee = models.ForeignKey("cases.Employee", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    # None: the consultant handed the code over in person.
    sent_to = models.ForeignKey(ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["employee", "created_at"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.created_at:%Y-%m-%d %H:%M}"
