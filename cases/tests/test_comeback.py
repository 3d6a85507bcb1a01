"""Come-back: the screening questionnaire, aftercare check-ins and relapse (cases/screening.py,
cases/aftercare.py), and the relapse counts on the results page."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from cases import aftercare, screening, services
from cases.dashboard import kpis
from cases.dashboard.selectors import Period, results_for
from cases.models import Case, Deadline, JournalEntry, Question, Questionnaire, ScreeningAnswer
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db
Q = screening.QuestionRow


@pytest.fixture
def team():
    return make_team("Nord")


@pytest.fixture
def mette(team):
    return make_user("mette", team=team, first_name="Mette", last_name="Jensen", lead=True)


# --- scoring (pure) --------------------------------------------------------------------------------

QUESTIONS = [Q("contact", "Lidt kontakt", 1), Q("talk", "Ingen samtale", 2), Q("stress", "Stress", 3, health=True),
             Q("info", "Kun til orientering", 0)]


@pytest.mark.parametrize(("answers", "threshold", "expected_score", "complex_"), [
    ({}, 3, 0, False),
    ({"talk": True}, 3, 2, False),                      # one below the threshold: smooth
    ({"contact": True, "talk": True}, 3, 3, True),      # exactly the threshold: complex
    ({"stress": True}, 3, 3, True),
    ({"stress": True, "talk": True}, 6, 5, False),
    ({"info": True}, 1, 0, False),                      # a yes with weight 0 adds nothing
    ({"contact": True, "talk": True, "stress": True}, 6, 6, True),
])
def test_the_score_is_the_sum_of_weights_and_complex_from_the_threshold(answers, threshold, expected_score, complex_):
    result = screening.score(QUESTIONS, answers, threshold)
    assert result.score == expected_score
    assert result.complex is complex_
    assert result.complexity == (Case.Complexity.COMPLEX if complex_ else Case.Complexity.SMOOTH)


def test_the_reasons_are_the_yes_answers_that_counted_in_question_order():
    result = screening.score(QUESTIONS, {"stress": True, "contact": True, "info": True, "talk": False}, 2)
    assert [q.key for q in result.reasons] == ["contact", "stress"]
    assert screening.score(QUESTIONS, {}, 0).threshold == 1  # a threshold below 1 would make every case complex


# --- the default questionnaire is the old four factors ------------------------------------------------


def test_the_default_questionnaire_is_hedensteds_four_factors():
    questionnaire = screening.active_questionnaire()
    assert questionnaire.threshold == 1
    assert [(q.key, q.weight, q.health) for q in questionnaire.questions.all()] == [
        ("little_contact", 1, False), ("no_absence_talk", 1, False), ("job_health_mismatch", 1, True),
        ("mental_health", 1, True)]


def test_the_default_questionnaire_gives_the_old_rule_for_every_combination(team, mette):
    case = make_case(team=team, consultant=mette)
    for flags in itertools.product([False, True], repeat=4):
        given = dict(zip(screening.LEGACY_KEYS, flags, strict=True))
        services.case_screen(case=case, actor=mette, screening=services.Screening(**given))
        case.refresh_from_db()
        # The old rule: any factor makes the case complex; the old count is the score.
        assert case.complexity == (Case.Complexity.COMPLEX if any(flags) else Case.Complexity.SMOOTH), flags
        assert case.screening_score == sum(flags) == case.risk_factor_count
        assert {a.question.key: a.yes for a in case.screening_answers.all()} == given
        assert [a.question.key for a in screening.screening_reasons(case)] == [k for k, v in given.items() if v]


def test_cases_screened_before_the_questionnaire_get_answers_from_their_booleans(team, mette):
    case = make_case(team=team, consultant=mette)
    unscreened = make_case(team=team, consultant=mette)
    Case.objects.filter(pk=case.pk).update(screened_at=timezone.now(), complexity="complex", risk_mental_health=True,
                                           risk_little_contact=True)
    ScreeningAnswer.objects.all().delete()
    Questionnaire.objects.all().delete()  # as before migration 0021
    import_module("cases.migrations.0026_comeback_seed").forward(django_apps, None)
    case.refresh_from_db()
    assert case.screening_score == 2 and case.screening_threshold == 1
    assert {a.question.key for a in screening.screening_reasons(case)} == {"little_contact", "mental_health"}
    assert not unscreened.screening_answers.exists()


def test_an_admins_questionnaire_renders_on_the_case_page_and_shows_its_reasons(client, team, mette):
    Questionnaire.objects.update(active=False)
    own = Questionnaire.objects.create(name="Come-back screening", threshold=3, active=True)
    Question.objects.create(questionnaire=own, key="long_absence", text="Sygemeldt over 4 uger", weight=2, position=1)
    Question.objects.create(questionnaire=own, key="worry", text="Bekymret for at miste jobbet", weight=1, position=2)
    Question.objects.create(questionnaire=own, key="pain", text="Langvarige smerter", weight=1, health=True, position=3)
    case = make_case(team=team, consultant=mette)
    client.force_login(mette)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Sygemeldt over 4 uger" in page and "id_risk_long_absence" in page and "id_risk_mental_health" not in page
    assert "En score på 3 point eller mere gør sagen kompleks." in page
    response = client.post(reverse("cases:screen", args=[case.reference]),
                           {"risk_long_absence": "on", "risk_worry": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.screening_score, case.complexity) == (2, Case.Complexity.SMOOTH)  # one below 3
    client.post(reverse("cases:screen", args=[case.reference]), {"risk_long_absence": "on", "risk_pain": "on"})
    case.refresh_from_db()
    assert (case.screening_score, case.complexity) == (3, Case.Complexity.COMPLEX)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "score 3 point (kompleks fra 3)" in page
    assert "Sygemeldt over 4 uger (+2)" in page and "Langvarige smerter (+1)" in page
    assert "Bekymret for at miste jobbet (+" not in page
    assert case.events.filter(kind="case_screened").order_by("pk").last().summary == "Risikoscreening: kompleks (score 3, tærskel 3)."


def test_a_weight_changed_later_does_not_rewrite_an_old_score(team, mette):
    case = make_case(team=team, consultant=mette, screening=services.Screening(mental_health=True))
    Question.objects.filter(key="mental_health").update(weight=5)
    assert [a.weight for a in screening.screening_reasons(case)] == [1]


def test_a_refused_screening_keeps_the_ticks_and_says_why_in_danish(client, team, mette):
    case = make_case(team=team, consultant=mette)
    client.force_login(mette)
    response = client.post(reverse("cases:screen", args=[case.reference]),
                           {"risk_mental_health": "on", "risk_note": "x" * 5001})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_risk_note_error"' in page and "5001" in page  # Django's Danish "højst 5000 tegn" message
    assert 'id="id_risk_mental_health" checked' in page
    case.refresh_from_db()
    assert case.screened_at is None


def test_health_answers_are_deleted_when_the_case_is_anonymised(team, mette):
    from cases.retention import case_anonymise

    case = make_case(team=team, consultant=mette,
                     screening=services.Screening(little_contact=True, mental_health=True))
    services.case_close(case=case, actor=mette, outcome="retained")
    assert case_anonymise(case=case)
    assert [a.question.key for a in case.screening_answers.all()] == ["little_contact", "no_absence_talk"]
    case.refresh_from_db()
    assert case.risk_mental_health is False and case.screening_score == 2  # the statistics stay


# --- aftercare -------------------------------------------------------------------------------------


def _local_due(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


def test_due_dates_and_weeks_are_plain_functions():
    assert aftercare.aftercare_due_dates(date(2026, 11, 2), (12, 2, 6, 2)) == [
        date(2026, 11, 16), date(2026, 12, 14), date(2027, 1, 25)]
    assert aftercare.parse_weeks(" 2, 6;12 ") == (2, 6, 12)
    for bad in ("", "to", "0", "2, 200"):
        with pytest.raises(Exception) as error:
            aftercare.parse_weeks(bad)
        assert "uge" in str(error.value)
    assert aftercare.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_closing_as_retained_with_aftercare_plans_three_check_ins(client, team, mette):
    case = make_case(team=team, consultant=mette)
    client.force_login(mette)
    closed_on = timezone.localdate() - timedelta(days=3)
    response = client.post(reverse("cases:close", args=[case.reference]), {
        "outcome": "retained_adjusted", "closed_on": closed_on.isoformat(), "aftercare": "on",
        "aftercare_weeks": "2, 6, 12"})
    assert response.status_code == 302
    again = client.post(reverse("cases:close", args=[case.reference]), {  # a double submit
        "outcome": "retained_adjusted", "closed_on": closed_on.isoformat(), "aftercare": "on",
        "aftercare_weeks": "2, 6, 12"})
    assert again.status_code == 302
    clocks = list(aftercare.aftercare_clocks(case))
    assert [c.due_at for c in clocks] == [_local_due(closed_on + timedelta(weeks=n)) for n in (2, 6, 12)]
    assert [c.title for c in clocks] == [f"Efterværn: opfølgning {n} uger efter lukning" for n in (2, 6, 12)]
    assert {c.state for c in clocks} == {Deadline.State.OPEN}
    # The closing cancelled the course's other clocks, not the check-ins planned after it.
    assert not case.deadlines.unfinished().exclude(kind=aftercare.KIND).exists()
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Registrér opfølgning" in page and "Efterværn" in page


def test_aftercare_is_refused_for_another_outcome_and_the_case_stays_open(client, team, mette):
    case = make_case(team=team, consultant=mette)
    client.force_login(mette)
    response = client.post(reverse("cases:close", args=[case.reference]), {
        "outcome": "new_job", "closed_on": timezone.localdate().isoformat(), "aftercare": "on",
        "aftercare_weeks": "2, 6, 12", "note": "Ny stilling i Vejle"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Efterværn er for en sag, der lukkes som fastholdt i jobbet." in page
    assert "Ny stilling i Vejle" in page  # nothing typed is lost
    case.refresh_from_db()
    assert case.is_open and not aftercare.aftercare_clocks(case).exists()
    response = client.post(reverse("cases:close", args=[case.reference]), {
        "outcome": "retained", "closed_on": timezone.localdate().isoformat(), "aftercare": "on",
        "aftercare_weeks": "2, seks"})
    assert response.status_code == 400 and "»seks« er ikke et antal uger mellem 1 og 104." in response.content.decode()
    case.refresh_from_db()
    assert case.is_open


def test_a_button_after_closing_plans_aftercare_once(client, team, mette):
    case = make_case(team=team, consultant=mette)
    services.case_close(case=case, actor=mette, outcome="relocated")
    client.force_login(mette)
    url = reverse("cases:aftercare_plan", args=[case.reference])
    assert client.post(url, {"aftercare-weeks": "2, 6, 12"}).status_code == 302
    again = client.post(url, {"aftercare-weeks": "2, 6, 12"})
    assert again.status_code == 400 and "allerede planlagt" in again.content.decode()
    assert aftercare.aftercare_clocks(case).count() == 3


def test_the_sweep_keeps_enforcing_check_ins_on_a_closed_case(team, mette):
    case = make_case(team=team, consultant=mette)
    services.case_close(case=case, actor=mette, outcome="retained", closed_on=timezone.localdate() - timedelta(weeks=3))
    first, second, third = aftercare.aftercare_plan(case=case, actor=mette)
    assert first.due_at < timezone.now()  # 2 weeks after a closing 3 weeks ago
    sweep_deadlines(now=timezone.now())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Deadline.State.BREACHED and second.state == Deadline.State.OPEN
    assert mette.notifications.filter(kind="deadline_breach", deadline=first).exists()


def test_a_check_in_note_meets_its_clock(client, team, mette):
    case = make_case(team=team, consultant=mette)
    services.case_close(case=case, actor=mette, outcome="retained")
    first = aftercare.aftercare_plan(case=case, actor=mette)[0]
    client.force_login(mette)
    url = reverse("cases:aftercare_check_in", args=[case.reference, first.pk])
    refused = client.post(url, {f"ci{first.pk}-at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                f"ci{first.pk}-text": "   "})
    assert refused.status_code == 400 and "Skriv en kort note om opfølgningen." in refused.content.decode()
    first.refresh_from_db()
    assert first.is_unfinished
    response = client.post(url, {f"ci{first.pk}-at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                 f"ci{first.pk}-text": "Fuld tid igen, ingen nye tegn på stress."})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == Deadline.State.MET and first.met_by == "note om opfølgning"
    entry = case.journal_entries.get()
    assert entry.kind == JournalEntry.Kind.AFTERCARE and entry.text.startswith("Fuld tid igen")
    assert case.events.filter(kind="aftercare_check_in").exists()
    assert aftercare.aftercare_clocks(case).filter(state=Deadline.State.OPEN).count() == 2


def test_reopening_the_case_ends_its_aftercare(team, mette):
    case = make_case(team=team, consultant=mette)
    services.case_close(case=case, actor=mette, outcome="retained")
    aftercare.aftercare_plan(case=case, actor=mette)
    services.case_reopen(case=case, actor=mette, reason="Lukket ved en fejl")
    assert set(aftercare.aftercare_clocks(case).values_list("state", flat=True)) == {Deadline.State.CANCELLED}


# --- relapse ---------------------------------------------------------------------------------------


def test_a_relapse_opens_a_new_case_linked_to_the_earlier_course(client, team, mette):
    case = make_case(team=team, consultant=mette)
    services.case_close(case=case, actor=mette, outcome="retained", closed_on=timezone.localdate() - timedelta(days=40))
    aftercare.aftercare_plan(case=case, actor=mette)
    client.force_login(mette)
    url = reverse("cases:relapse", args=[case.reference])
    refused = client.post(url, {"relapse-reason": "", "relapse-first_absence_day": "2026-01-01"})
    assert refused.status_code == 400 and "Beskriv tilbagefaldet med få ord." in refused.content.decode()
    response = client.post(url, {"relapse-reason": "Sygemeldt igen med stress",
                                 "relapse-first_absence_day": timezone.localdate().isoformat()})
    new = Case.objects.get(relapse_of=case)
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[new.reference])
    case.refresh_from_db()
    assert case.outcome == "retained" and not case.is_open  # the earlier course keeps its outcome
    assert new.is_open and new.employee == case.employee and new.employer == case.employer
    assert new.deadlines.filter(kind="first_meeting", state=Deadline.State.OPEN).exists()
    assert set(aftercare.aftercare_clocks(case).values_list("state", flat=True)) == {Deadline.State.CANCELLED}
    assert case.reference in new.events.get(kind="case_opened").summary
    assert new.reference in case.events.get(kind="relapse").summary
    page = client.get(reverse("cases:detail", args=[new.reference])).content.decode()
    assert "Tilbagefald efter det tidligere forløb" in page and case.reference in page
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Tilbagefald: nyt forløb" in page and new.reference in page
    # A double submit gives the same new case; a relapse needs a retained closing.
    assert aftercare.relapse_open(case=case, actor=mette, reason="igen") == new
    other = make_case(team=team, consultant=mette)
    services.case_close(case=other, actor=mette, outcome="flex_job")
    with pytest.raises(Exception, match="Genåbn sagen i stedet"):
        aftercare.relapse_open(case=other, actor=mette, reason="Syg igen")


def test_relapse_share_counts_within_the_months_after_closing():
    rows = [(date(2026, 1, 31), date(2026, 7, 31)),  # exactly 6 months: within
            (date(2026, 1, 31), date(2026, 8, 1)),   # a day later: within 12 only
            (date(2026, 3, 1), None),
            (date(2026, 3, 1), date(2027, 3, 2))]    # after 12 months: neither
    assert kpis.relapse_share(rows, months=6) == kpis.Share(1, 4)
    assert kpis.relapse_share(rows, months=12) == kpis.Share(2, 4)
    assert kpis.relapse_share([], months=6).percent is None


def test_the_results_page_shows_relapses_within_6_and_12_months(client, team, mette):
    from cases.roles import Role

    lead = make_user("lone", team=team, role=Role.TEAM_LEAD, lead=True)
    today = timezone.localdate()
    early = make_case(team=team, consultant=mette, cpr="0101801234")
    late = make_case(team=team, consultant=mette, cpr="0202802345")
    steady = make_case(team=team, consultant=mette, cpr="0303803456")
    for case in (early, late, steady):
        services.case_close(case=case, actor=mette, outcome="retained", closed_on=today - timedelta(days=300))
    aftercare.relapse_open(case=early, actor=mette, reason="Syg igen")
    Case.objects.filter(relapse_of=early).update(first_contact_at=timezone.now() - timedelta(days=200))  # ~3 months
    aftercare.relapse_open(case=late, actor=mette, reason="Syg igen")  # ~10 months after
    results = results_for(lead, period=Period(start=today - timedelta(days=365), end=today))
    assert results.relapses_6 == kpis.Share(1, 3)
    assert results.relapses_12 == kpis.Share(2, 3)
    client.force_login(lead)
    page = client.get(reverse("dashboard:results"), {"start": (today - timedelta(days=365)).isoformat(),
                                                     "end": today.isoformat()}).content.decode()
    assert "Tilbagefald inden for 6 måneder efter lukning" in page and "1 af 3" in page and "2 af 3" in page
    csv = client.get(reverse("dashboard:results_csv"), {"start": (today - timedelta(days=365)).isoformat(),
                                                        "end": today.isoformat()}).content.decode("utf-8-sig")
    assert "Tilbagefald inden for 12 måneder efter en lukning som fastholdt;2;3;66,7" in csv


def test_a_due_check_in_is_on_the_consultants_my_work(team, mette):
    from cases.dashboard.mywork import my_clocks

    case = make_case(team=team, consultant=mette)
    services.case_close(case=case, actor=mette, outcome="retained")
    planned = aftercare.aftercare_plan(case=case, actor=mette)
    assert [d.pk for d in my_clocks(mette) if d.case_id == case.pk] == [d.pk for d in planned]


def test_the_questionnaire_is_edited_in_the_admin_and_only_one_is_in_use(client):
    from cases.roles import Role

    ada = make_user("ada", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(ada)
    default = screening.active_questionnaire()
    page = client.get(reverse("admin:cases_questionnaire_change", args=[default.pk]))
    assert page.status_code == 200 and "Angst, depression eller stress" in page.content.decode()
    other = Questionnaire.objects.create(name="Come-back screening", threshold=2)
    form = {"name": "Come-back screening", "threshold": "2", "active": "on", "source": "",
            "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0", "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000"}
    response = client.post(reverse("admin:cases_questionnaire_change", args=[other.pk]), form)
    assert response.status_code == 200
    assert "Et andet spørgeskema er i brug. Tag det ud af brug først." in response.content.decode()
    other.refresh_from_db()
    assert not other.active and screening.active_questionnaire() == default
