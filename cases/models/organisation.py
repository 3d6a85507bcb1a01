"""The municipality's identity: who sends the minutes, the receipts and the mails. One row (a singleton),
edited by an administrator in the admin; `cases.identity.sender()` reads it for documents and mails."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SINGLETON_PK = 1

# The default complaint guidance (klagevejledning) printed under a rejection when the municipality treats
# it as a formal decision (forvaltningsloven § 25; complaints under the sick-pay act go to Ankestyrelsen
# through the municipality, retssikkerhedsloven §§ 66-67, sygedagpengeloven § 69). Danish on purpose: it
# is the municipality's own text, edited in the admin.
DEFAULT_COMPLAINT_GUIDANCE = (
    "Du kan klage over afgørelsen til Ankestyrelsen. Klagen skal være modtaget senest 4 uger efter, "
    "at du har fået denne afgørelse. Du sender klagen til jobcentret, fx med e-mail eller brev. "
    "Jobcentret vurderer afgørelsen igen. Fastholder jobcentret afgørelsen, sender vi klagen videre "
    "til Ankestyrelsen. Klagen skal helst være skriftlig, men du kan også ringe til jobcentret."
)


class Organisation(models.Model):
    class FastTrackChannel(models.TextChoices):
        # The safe default: the form claims no more than the law. BEK 1710 § 3 has the employer send the
        # § 7 c request via NemRefusion; the form then only helps the job centre start early.
        NEMREFUSION = "nemrefusion", _("The form is extra information; the request itself goes through NemRefusion (virk.dk)")
        FORM = "form", _("The municipality accepts this form as the employer's request (SDL § 7 c)")

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

    # Texts whose legal status depends on the municipality (danish-review.md L6, L7, tone 6). The defaults
    # claim no more than the law; the municipality's lawyer decides and changes them here.
    fasttrack_channel = models.CharField(
        _("fast-track channel"), max_length=20, choices=FastTrackChannel.choices, default=FastTrackChannel.NEMREFUSION,
        help_text=_("Only choose the form as the request when the municipality has confirmed that it accepts it. "
                    "Then the form and the receipt state the 2-week rule of SDL § 13 b, stk. 2."),
    )
    fasttrack_intro = models.TextField(
        _("intro text of the fast-track form"), max_length=2000, blank=True,
        help_text=_("Replaces the first paragraph of the public form. Leave empty to use the default text."),
    )
    rejection_is_decision = models.BooleanField(
        _("a rejected fast-track request is a decision (afgørelse)"), default=False,
        help_text=_("When ticked, the rejection mail and the status page call it a decision and carry the reason "
                    "and the complaint guidance below (forvaltningsloven §§ 22 and 25). When not ticked, they "
                    "never use the word afgørelse."),
    )
    complaint_guidance = models.TextField(
        _("complaint guidance (klagevejledning)"), max_length=3000, blank=True, default=DEFAULT_COMPLAINT_GUIDANCE,
        help_text=_("Printed under a rejection when it is a decision. Have it checked by the municipality's lawyer."),
    )
    mail_sender_name = models.CharField(
        _("name in the mail footer"), max_length=100, blank=True,
        help_text=_("E.g. \"Jobcenter Aarhus\". Leave empty to use the job centre's name."),
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
