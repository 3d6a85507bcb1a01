from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db


def test_case_open_gives_readable_reference_and_event():
    team = make_team("Nord")
    user = make_user(team=team)
    case = make_case(team=team, consultant=user)
    assert case.reference == f"FH-{timezone.localdate().year}-{case.pk:05d}"
    assert Case.objects.get(pk=case.pk).reference == case.reference
    assert CaseEvent.objects.filter(case=case, kind="case_opened").exists()


def test_screening_with_a_risk_factor_is_complex_and_without_is_smooth():
    team = make_team()
    user = make_user(team=team)
    complex_case = make_case(team=team, consultant=user, screening=services.Screening(mental_health=True))
    smooth_case = make_case(team=team, consultant=user, screening=services.Screening())
    assert complex_case.complexity == Case.Complexity.COMPLEX
    assert smooth_case.complexity == Case.Complexity.SMOOTH


def test_second_open_case_for_same_person_is_refused_on_the_cpr_field():
    team = make_team()
    user = make_user(team=team)
    make_case(team=team, consultant=user, cpr="0101701234")
    with pytest.raises(ValidationError) as info:
        make_case(team=team, consultant=user, cpr="0101701234")
    assert "cpr" in info.value.error_dict
    assert Case.objects.count() == 1


def test_future_first_absence_day_is_refused_and_nothing_saved():
    team = make_team()
    with pytest.raises(ValidationError):
        make_case(team=team, first_absence_day=timezone.localdate() + timedelta(days=1))
    assert Case.objects.count() == 0


def test_close_requires_outcome_and_reopen_requires_reason():
    team = make_team()
    user = make_user(team=team)
    case = make_case(team=team, consultant=user)
    with pytest.raises(ValidationError):
        services.case_close(case=case, actor=user, outcome="")
    services.case_close(case=case, actor=user, outcome=Case.Outcome.RETAINED)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.case_reopen(case=case, actor=user, reason=" ")
    services.case_reopen(case=case, actor=user, reason="Ny sygemelding")
    case.refresh_from_db()
    assert case.is_open and case.outcome == ""


def test_reassign_refuses_someone_outside_the_team():
    nord, syd = make_team("Nord"), make_team("Syd")
    user, outsider = make_user(team=nord), make_user(team=syd)
    case = make_case(team=nord, consultant=user)
    with pytest.raises(ValidationError):
        services.case_reassign(case=case, actor=user, consultant=outsider)
    colleague = make_user(team=nord)
    services.case_reassign(case=case, actor=user, consultant=colleague)
    case.refresh_from_db()
    assert case.consultant == colleague
    assert case.events.filter(kind="case_reassigned").exists()


def test_journal_entry_is_not_copied_into_the_timeline():
    team = make_team()
    user = make_user(team=team)
    case = make_case(team=team, consultant=user)
    services.journal_add(case=case, actor=user, kind="note", text="Angst-SENTINEL")
    assert case.journal_entries.count() == 1
    assert not CaseEvent.objects.filter(summary__contains="SENTINEL").exists()


def test_access_record_masks_a_searched_cpr():
    user = make_user()
    entry = services.access_record(user=user, action="search", purpose="test", detail="010170-1234")
    assert entry.detail == "010170-XXXX"
