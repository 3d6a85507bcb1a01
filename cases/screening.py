"""The risk screening as a questionnaire (cases.models.screening): scoring as a pure function, and the
service that stores a case's answers, score, complexity and the mirror of the four old risk fields.

Decision: the answers are the screening. The four boolean fields of Case (risk_little_contact ...) are
kept as a mirror of the default questions' answers (same keys), written by the same service, so older
code and exports that read them stay correct; cases screened before the questionnaire got answers
from their booleans in migration 0021.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Case, Question, Questionnaire, ScreeningAnswer

# The default questions' keys: each mirrors into Case.risk_<key>.
LEGACY_KEYS = ("little_contact", "no_absence_talk", "job_health_mismatch", "mental_health")
FIELD_PREFIX = "risk_"


@dataclass
class Screening:
    """What the consultant answered. `answers` by question key; without it, the four legacy factors."""

    little_contact: bool = False
    no_absence_talk: bool = False
    job_health_mismatch: bool = False
    mental_health: bool = False
    note: str = ""
    answers: dict[str, bool] | None = None

    def answer_map(self) -> dict[str, bool]:
        if self.answers is not None:
            return {key: bool(value) for key, value in self.answers.items()}
        return {key: getattr(self, key) for key in LEGACY_KEYS}


@dataclass(frozen=True)
class QuestionRow:
    key: str
    text: str
    weight: int
    health: bool = False


@dataclass(frozen=True)
class Score:
    score: int
    threshold: int
    reasons: tuple[QuestionRow, ...]  # the questions answered yes that added to the score, in order

    @property
    def complex(self) -> bool:
        return self.score >= self.threshold

    @property
    def complexity(self) -> str:
        return Case.Complexity.COMPLEX if self.complex else Case.Complexity.SMOOTH


def score(questions: Iterable[QuestionRow], answers: Mapping[str, bool], threshold: int) -> Score:
    """Sum of the weights of the questions answered yes; complex at or above the threshold."""
    reasons = tuple(q for q in questions if answers.get(q.key) and q.weight > 0)
    return Score(score=sum(q.weight for q in reasons), threshold=max(1, threshold), reasons=reasons)


def active_questionnaire() -> Questionnaire | None:
    return Questionnaire.objects.filter(active=True).first()


def questions_of(questionnaire: Questionnaire | None) -> list[Question]:
    return list(questionnaire.questions.all()) if questionnaire is not None else []


def _rows(questions: Iterable[Question]) -> list[QuestionRow]:
    return [QuestionRow(key=q.key, text=q.text, weight=q.weight, health=q.health) for q in questions]


def screening_prepare(case: Case, screening: Screening) -> list[ScreeningAnswer]:
    """Set the case's screening fields from the questionnaire in use (not saved) and return its answers
    (unsaved: the case may not have a primary key yet)."""
    questionnaire = active_questionnaire()
    if questionnaire is None:
        raise ValidationError(_("No screening questionnaire is in use. Ask the administrator to choose one."))
    questions = questions_of(questionnaire)
    given = screening.answer_map()
    result = score(_rows(questions), given, questionnaire.threshold)
    case.questionnaire = questionnaire
    case.screening_score = result.score
    case.screening_threshold = result.threshold
    case.complexity = result.complexity
    case.screened_at = timezone.now()
    case.risk_note = screening.note
    keys = {q.key for q in questions}
    for key in LEGACY_KEYS:
        setattr(case, FIELD_PREFIX + key, bool(given.get(key)) if key in keys else False)
    return [ScreeningAnswer(question=q, yes=bool(given.get(q.key)), weight=q.weight) for q in questions]


SCREENING_FIELDS = ["risk_little_contact", "risk_no_absence_talk", "risk_job_health_mismatch", "risk_mental_health",
                    "risk_note", "complexity", "screened_at", "questionnaire", "screening_score",
                    "screening_threshold"]


def screening_store(case: Case, answers: list[ScreeningAnswer]) -> None:
    """Replace the case's answers (a new screening replaces the old one; the timeline keeps the history)."""
    ScreeningAnswer.objects.filter(case=case).delete()
    for answer in answers:
        answer.case = case
    ScreeningAnswer.objects.bulk_create(answers)


def screening_summary(case: Case) -> str:
    return _("Risk screening: %(level)s (score %(score)s, threshold %(threshold)s).") % {
        "level": case.get_complexity_display(), "score": case.screening_score or 0,
        "threshold": case.screening_threshold or 1,
    }


def screening_reasons(case: Case) -> list[ScreeningAnswer]:
    """The answers that added to the score: yes, with a weight."""
    return list(case.screening_answers.filter(yes=True, weight__gt=0).select_related("question"))


def screening_initial(case: Case) -> dict:
    """The form's starting values: the case's answers when it was screened with the questionnaire in use."""
    initial = {"risk_note": case.risk_note}
    active = active_questionnaire()
    if active is not None and case.questionnaire_id == active.pk:
        for answer in case.screening_answers.select_related("question"):
            initial[FIELD_PREFIX + answer.question.key] = answer.yes
    elif case.screened_at is None or case.questionnaire_id is None:
        initial.update({FIELD_PREFIX + key: getattr(case, FIELD_PREFIX + key) for key in LEGACY_KEYS})
    return initial
