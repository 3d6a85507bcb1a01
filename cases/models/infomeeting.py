"""Lyngby-Taarbæk's week-6 screening: the consultant's mark of one person's sickness period at the
information meeting (in the target group for a start conversation, and why, or not).

Case-file data about a person: the reasons are health information (GDPR art. 9). Never employer-facing,
never in a mail. The booking of the start conversation is the roundtable app's; the mark only keeps why
a booking could not be made, so the list shows it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningMark(models.Model):
    class Reason(models.TextChoices):
        WORK_RELATED = "work_related", _("work-related illness")
        STRESS = "stress", _("stress")
        ANXIETY = "anxiety", _("anxiety")
        DEPRESSION = "depression", _("depression")

    # Fields with health information: never shown to an employer, never in a mail.
    SENSITIVE_FIELDS = ("reasons", "note")

    employee = models.ForeignKey("cases.Employee", on_delete=models.CASCADE, related_name="screening_marks",
                                 verbose_name=_("employee"))
    employer = models.ForeignKey("cases.Employer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("employer"))
    # The sickness period's first day: a period is screened once, whichever week it is looked at in.
    period_first_day = models.DateField(_("first sick day"))
    in_target_group = models.BooleanField(_("in the target group"))
    reasons = models.JSONField(_("reasons (sensitive)"), default=list, blank=True)
    note = models.TextField(_("note (sensitive)"), blank=True, max_length=500)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked"))
    # The case the start conversation was booked on (opened at the booking, or the person's open case):
    # anonymising the closed case empties the mark (cases/retention.py).
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))
    # Why the start conversation could not be booked (a service's Danish message); empty once booked.
    booking_problem = models.CharField(_("not booked because"), max_length=500, blank=True)

    class Meta:
        ordering = ["period_first_day", "pk"]
        verbose_name = _("screening mark")
        verbose_name_plural = _("screening marks")
        constraints = [
            models.UniqueConstraint(fields=["employee", "employer", "period_first_day"], name="screening_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.period_first_day}"

    def clean(self):
        unknown = set(self.reasons) - set(self.Reason.values)
        if unknown:
            raise ValidationError({"reasons": _("Choose reasons from the list.")})
        if self.in_target_group and not self.reasons:
            raise ValidationError({"reasons": _("Choose at least one reason, or mark the person as not in the "
                                                "target group.")})
        if not self.in_target_group and self.reasons:
            raise ValidationError({"reasons": _("A person outside the target group has no reasons.")})

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [str(labels[r]) for r in self.Reason.values if r in self.reasons]
