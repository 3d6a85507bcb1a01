"""What the retention job did, run by run (shown read-only in the admin)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        DONE_WITH_ERRORS = "errors", _("done with errors")

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    cases_anonymised = models.PositiveIntegerField(_("closed cases anonymised"), default=0)
    referrals_anonymised = models.PositiveIntegerField(_("rejected referrals anonymised"), default=0)
    mails_purged = models.PositiveIntegerField(_("sent e-mails emptied"), default=0)
    # The periods in force for this run (days), so a later change of the settings does not rewrite history.
    settings_used = models.JSONField(_("periods used"), default=dict)
    # Row ids and exception types only: never personal data.
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_state_display()}"
