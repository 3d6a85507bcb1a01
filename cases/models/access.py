"""Who read what, when and why (GDPR art. 9 data; citizens may ask, CJEU C-579/21)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("viewed the case")
        REVEAL_CPR = "reveal_cpr", _("showed the full CPR number")
        SEARCH = "search", _("searched")
        EXPORT = "export", _("exported")
        DOWNLOAD = "download", _("downloaded a document")
        WRITE = "write", _("changed")
        INSIGHT_EXPORT = "insight_export", _("exported an access log for insight")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="access_logs")
    employee = models.ForeignKey(
        "cases.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="access_logs"
    )
    # Never the CPR itself: the search text is stored with digits masked (see services.access_record).
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["employee", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"
