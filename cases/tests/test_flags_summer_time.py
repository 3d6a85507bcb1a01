"""A card's condition is the same whichever time zone the counting instant carries (found by the
13-week simulation: the untouched card and a filter counted at the same instant differed by one case
across the summer-time change of 28 March 2027)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import Case
from cases.selectors import case_search
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db


def test_untouched_is_fourteen_times_24_hours_in_any_time_zone():
    team = make_team("Nord")
    lead = make_user("birgitte", team=team, lead=True)
    case = make_case(team=team, consultant=make_user("mette", team=team))
    # Touched 52 minutes after the instant exactly 14 x 24 hours before the count: not untouched yet.
    Case.objects.filter(pk=case.pk).update(last_activity_at=datetime(2027, 3, 27, 6, 57, tzinfo=UTC))
    in_utc = datetime(2027, 4, 10, 6, 5, tzinfo=UTC)
    in_copenhagen = in_utc.astimezone(ZoneInfo("Europe/Copenhagen"))  # 08:05 summer time
    for now in (in_utc, in_copenhagen):
        assert not case_search(lead, team=str(team.pk), flag="untouched", now=now).exists(), now
    Case.objects.filter(pk=case.pk).update(last_activity_at=datetime(2027, 3, 27, 6, 4, tzinfo=UTC))
    for now in (in_utc, in_copenhagen):
        assert case_search(lead, team=str(team.pk), flag="untouched", now=now).count() == 1, now
