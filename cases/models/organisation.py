"""The municipality's identity: who sends the minutes, the receipts and the mails. One row (a singleton),
edited by an administrator in the admin; `cases.identity.sender()` reads it for documents and mails."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SINGLETON_PK = 1


class Organisation(models.Model):
    municipality = models.CharField(_("municipality"), max_length=100)
    job_centre = models.CharField(_("job centre"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True, help_text=_("As printed, e.g. \"Rådhusvej 1, 8000 Aarhus C\"."))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    web = models.URLField(_("website"), blank=True)
    logo = models.FileField(
        _("logo"), upload_to="organisation/", blank=True,
        validators=[FileExtensionValidator(["svg", "png"])],
        help_text=_("An SVG or PNG, printed at the top of the minutes and the receipts. Without a logo the name is printed."),
    )

    class Meta:
        verbose_name = _("organisation settings")
        verbose_name_plural = _("organisation settings")

    def __str__(self) -> str:
        return self.job_centre or self.municipality

    def save(self, *args, **kwargs):
        # One row: whatever the admin does, it edits the same settings.
        self.pk = SINGLETON_PK
        super().save(*args, **kwargs)
