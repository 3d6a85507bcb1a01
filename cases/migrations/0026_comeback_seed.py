"""Seed the default screening questionnaire (Hedensted's four risk factors, weight 1 each, threshold 1:
any factor makes the case complex, as before), move every screened case's four booleans into answers,
and seed the aftercare check-in clock (Come-back's efterværn)."""

from datetime import timedelta

from django.db import migrations

# kind, name, starts_on, amount, unit, calendar, day_one, own_date, warn_before, escalate_after, source
# (the row shape of 0004's POLICIES). Each check-in has its own date (weeks after the closing).
POLICY = ("aftercare_check_in", "Efterværn: opfølgning efter lukning", "agreed", 1, "days", "clock", False, True,
          timedelta(days=2), timedelta(days=7), "Come-back: efterværn")
POLICIES = [POLICY]  # cases/apps.py ensure_defaults re-adds these after a flush

QUESTIONNAIRE = ("Hedensteds risikofaktorer", 1, "Hedensted Kommune: risikosager")
# key (= the old case field without "risk_"), Danish question, weight, reveals health
QUESTIONS = [
    ("little_contact", "Begrænset kontakt mellem medarbejder og arbejdsplads", 1, False),
    ("no_absence_talk", "Ingen samtale om fraværet endnu", 1, False),
    ("job_health_mismatch", "Job og helbred er ikke forenelige på sigt", 1, True),
    ("mental_health", "Angst, depression eller stress", 1, True),
]


def seed_questionnaire(apps, using="default"):
    """The default questionnaire, in use. Does nothing when any questionnaire exists (an admin's own
    questionnaire is never replaced)."""
    Questionnaire = apps.get_model("cases", "Questionnaire")
    Question = apps.get_model("cases", "Question")
    if Questionnaire.objects.using(using).exists():
        return None
    name, threshold, source = QUESTIONNAIRE
    questionnaire = Questionnaire.objects.using(using).create(name=name, threshold=threshold, source=source,
                                                              active=True)
    for position, (key, text, weight, health) in enumerate(QUESTIONS, start=1):
        Question.objects.using(using).create(questionnaire=questionnaire, key=key, text=text, weight=weight,
                                             health=health, position=position)
    return questionnaire


def forward(apps, schema_editor):
    from importlib import import_module

    Policy = apps.get_model("cases", "DeadlinePolicy")
    import_module("cases.migrations.0004_seed_deadline_policies").seed_policy(Policy, POLICY)
    questionnaire = seed_questionnaire(apps)
    if questionnaire is None:
        return
    Case = apps.get_model("cases", "Case")
    Answer = apps.get_model("cases", "ScreeningAnswer")
    questions = {q.key: q for q in questionnaire.questions.all()}
    for case in Case.objects.filter(screened_at__isnull=False).iterator():
        answers = [Answer(case=case, question=questions[key], yes=bool(getattr(case, f"risk_{key}")),
                          weight=questions[key].weight) for key in questions]
        Answer.objects.bulk_create(answers)
        score = sum(a.weight for a in answers if a.yes)
        Case.objects.filter(pk=case.pk).update(questionnaire=questionnaire, screening_score=score,
                                               screening_threshold=questionnaire.threshold)


def backward(apps, schema_editor):
    apps.get_model("cases", "DeadlinePolicy").objects.filter(kind=POLICY[0]).delete()
    apps.get_model("cases", "Case").objects.update(questionnaire=None, screening_score=None, screening_threshold=None)
    apps.get_model("cases", "ScreeningAnswer").objects.all().delete()
    apps.get_model("cases", "Question").objects.all().delete()
    apps.get_model("cases", "Questionnaire").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_comeback_questionnaire_aftercare")]
    operations = [migrations.RunPython(forward, backward)]
