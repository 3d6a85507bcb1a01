"""The risk screening as data (Come-back's screening tool, Hedensted's four risk factors as the default):
a questionnaire of yes/no questions, each with a weight, and a threshold. A case's answers are kept per
question with the weight they counted with, so a later change of weights never rewrites an old score.

The answers are case-file data; a question marked `health` reveals health information (GDPR art. 9):
its answer is never shown to an employer, and it is deleted when the case is anonymised.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    name = models.CharField(_("name"), max_length=200)
    threshold = models.PositiveSmallIntegerField(
        _("threshold"), default=1,
        help_text=_("A score at or above the threshold makes the case complex; below it, smooth."),
    )
    active = models.BooleanField(
        _("in use"), default=False, help_text=_("New screenings use the questionnaire in use (only one at a time)."))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["-active", "name"]
        verbose_name = _("screening questionnaire")
        verbose_name_plural = _("screening questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="questionnaire_one_active"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.active and Questionnaire.objects.filter(active=True).exclude(pk=self.pk).exists():
            raise ValidationError({"active": _("Another questionnaire is in use. Take it out of use first.")})
        if self.threshold is not None and self.threshold < 1:
            raise ValidationError({"threshold": _("The threshold must be at least 1.")})


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions",
                                      verbose_name=_("questionnaire"))
    # The form field is "risk_<key>": the default questions keep the names of the old case fields.
    key = models.SlugField(_("key"), max_length=40, help_text=_("Short technical name, e.g. little_contact."))
    text = models.CharField(_("question"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    health = models.BooleanField(
        _("reveals health information"), default=False,
        help_text=_("The answer says something about the employee's health: never shown to the employer."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("screening question")
        verbose_name_plural = _("screening questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class ScreeningAnswer(models.Model):
    """A case's answer to one question; `weight` is the question's weight when it was answered."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screening_answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    yes = models.BooleanField(_("yes"), default=False)
    weight = models.PositiveSmallIntegerField(_("weight"), default=0)

    class Meta:
        ordering = ["question__position", "question__pk"]
        verbose_name = _("screening answer")
        verbose_name_plural = _("screening answers")
        constraints = [
            models.UniqueConstraint(fields=["case", "question"], name="screening_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.question_id} {self.yes}"
