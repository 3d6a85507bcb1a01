"""Employer outreach (Kolding's postcards and visits, Stevns's leader-group meetings, Vordingborg's
company network): what the job centre did to reach workplaces before anyone was sick-listed.

Not case data: an activity names workplaces and their contact persons, never an employee."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutreachActivity(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("workplace visit")
        LEADER_GROUP = "leader_group", _("leader-group meeting")
        NETWORK = "network", _("company network meeting")
        CAMPAIGN = "campaign", _("campaign (e.g. postcards)")
        PHONE = "phone", _("phone call to a workplace")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"), db_index=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outreach_activities",
        verbose_name=_("consultant"),
    )
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="outreach_activities",
                             verbose_name=_("team"))
    workplaces = models.ManyToManyField("cases.Employer", related_name="outreach_activities",
                                        verbose_name=_("workplaces"))
    contacts = models.ManyToManyField("cases.ContactPerson", blank=True, related_name="outreach_activities",
                                      verbose_name=_("contact persons met"))
    met = models.CharField(_("who took part"), max_length=300, blank=True,
                           help_text=_("E.g. the school's leader group, HR and the union representative."))
    presented = models.TextField(_("what was presented"), max_length=2000)
    follow_up = models.TextField(_("follow-up agreed"), max_length=2000, blank=True)
    follow_up_on = models.DateField(_("follow-up by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        indexes = [models.Index(fields=["consultant", "held_on"]), models.Index(fields=["team", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d-%m-%Y}"
