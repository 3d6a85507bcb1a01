"""Early detection in the browser's views: upload with preview then import, the queue, one alert, the
results figures; plus the figures' pure function and the Lyngby-Taarbæk selector."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.absence import alerts
from cases.absence.ingest import SpellInput, spells_ingest
from cases.absence.selectors import AlertRow, figures_from_rows, periods_reaching_week
from cases.models import AbsenceAlert, AbsenceSpell, AccessLog, Deadline
from cases.roles import Role
from cases.tests.absence_factories import HEADER, csv_line, make_absence_world
from cases.tests.factories import make_user

pytestmark = pytest.mark.django_db
D = timedelta(days=1)
CPR1, CPR2 = "0101901234", "0202852345"


@pytest.fixture
def w():
    return make_absence_world()


def _file(*lines):
    return SimpleUploadedFile("fravaer.csv", ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def test_upload_previews_with_masked_cpr_then_imports_on_confirmation(client, w):
    client.force_login(w.consultant)
    first = timezone.localdate() - 9 * D
    response = client.post(reverse("absence:upload"), {
        "source": w.source.pk, "file": _file(csv_line(CPR1, first, None), csv_line("12", first, None))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "010190-XXXX" in page and CPR1 not in page and "0101901234"[6:] + "" not in page.split("010190-")[1][:4]
    assert "1 linje kan ikke indlæses" in page and "10 cifre" in page
    assert not AbsenceSpell.objects.exists()  # a preview writes nothing
    preview_log = AccessLog.objects.latest("id")
    assert preview_log.purpose == "fraværsregistrering" and "forhåndsvisning" in preview_log.detail

    response = client.post(reverse("absence:upload"), {"action": "import"})
    assert response.status_code == 302
    assert AbsenceSpell.objects.get().employee.cpr == CPR1
    page = client.get(response["Location"]).content.decode()
    assert "Linjer, der ikke blev indlæst" in page and ">3<" in page
    assert AbsenceAlert.objects.count() == 1  # evaluated after the import
    # The confirmation cannot be replayed: the previewed file is gone.
    assert client.post(reverse("absence:upload"), {"action": "import"}).status_code == 302
    assert AbsenceSpell.objects.count() == 1


def test_a_file_with_the_wrong_columns_is_refused_with_a_danish_message(client, w):
    client.force_login(w.consultant)
    bad = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client.post(reverse("absence:upload"), {"source": w.source.pk, "file": bad})
    assert response.status_code == 400 and "Filen mangler kolonne" in response.content.decode()


def _alerts(w, n, start=0):
    first = timezone.localdate() - 9 * D
    rows = [SpellInput(cvr="29189978", cpr=f"{i + 1:02d}0190{1000 + i:04d}", name=f"Person {i}", first_day=first)
            for i in range(start, start + n)]
    spells_ingest(rows=rows, source=w.source)


def test_the_queue_lists_open_alerts_in_constant_queries(client, w, django_assert_max_num_queries):
    client.force_login(w.consultant)
    _alerts(w, 2)
    with django_assert_max_num_queries(14) as small:
        assert client.get(reverse("absence:queue")).status_code == 200
    _alerts(w, 12, start=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("absence:queue")).content.decode()
    assert page.count("Person ") == 14 and "Lene Leder" in page


def test_a_stranger_sees_neither_the_queue_nor_the_alert(client, w):
    _alerts(w, 1)
    from cases.tests.factories import make_team

    stranger = make_user(team=make_team("Syd"))
    client.force_login(stranger)
    assert "Person 0" not in client.get(reverse("absence:queue")).content.decode()
    assert client.get(reverse("absence:alert", args=[AbsenceAlert.objects.get().pk])).status_code == 404


def test_close_with_a_reason_or_open_a_case_from_the_alert(client, w):
    _alerts(w, 2)
    one, two = AbsenceAlert.objects.order_by("pk")
    client.force_login(w.consultant)
    page = client.get(reverse("absence:alert", args=[one.pk])).content.decode()
    first = timezone.localdate() - 9 * D
    assert "sygeuge 2 i dag" in page and f"{first.day}/{first.month} {first.year}–igangværende" in page
    week8 = first + (8 * 7 - 1) * D
    assert f"første opfølgning senest {week8.day}/{week8.month} {week8.year}" in page
    assert client.post(reverse("absence:alert", args=[one.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("absence:alert", args=[one.pk]), {"reason": "contacted", "note": "Talt med Lene"})
    one.refresh_from_db()
    assert one.state == "closed" and one.close_note == "Talt med Lene"
    response = client.post(reverse("absence:alert_open_case", args=[two.pk]))
    two.refresh_from_db()
    assert two.case is not None and response["Location"] == reverse("cases:detail", args=[two.case.reference])
    assert two.case.first_absence_day == timezone.localdate() - 9 * D


def test_results_page_reports_hjorrings_figures(client, w):
    lead = make_user(role=Role.TEAM_LEAD, team=w.team, lead=True)
    _alerts(w, 3)
    one, two, _three = AbsenceAlert.objects.order_by("pk")
    case = alerts.alert_open_case(alert=one, actor=w.consultant)
    alerts.alert_close(alert=two, actor=w.consultant, reason="not_relevant")
    Deadline.objects.filter(case=case, kind="first_meeting").update(state="met", met_at=one.raised_at + 3 * D)
    client.force_login(lead)
    page = client.get(reverse("dashboard:results")).content.decode()
    section = page.split('id="absence-figures"')[1].split("</section>")[0]
    assert "Adviser oprettet" in section and ">3<" in section
    assert "33,3 %" in section or "33.3 %" in section  # 1 of 3 turned into a case or contact
    assert "(2 af 2)" in section  # both handled at once; the third is still within its 7 days
    assert ">3<" in section.split("første møde")[1]


def test_figures_from_rows_by_hand():
    t0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
    now = t0 + 30 * D
    rows = [
        AlertRow(t0, "case_opened", "", t0 + 2 * D, t0 + 6 * D),  # on time, roundtable after 6 days
        AlertRow(t0, "closed", "contacted", t0 + 7 * D),  # on time (7 days is within), counts as contact
        AlertRow(t0, "closed", "not_relevant", t0 + 8 * D),  # late, not a case or contact
        AlertRow(t0, "open", "", None),  # open past 7 days: late
        AlertRow(now - 2 * D, "open", "", None),  # open within 7 days: not decided yet
    ]
    figures = figures_from_rows(rows, on_time_days=7, now=now)
    assert figures.raised == 5
    assert (figures.case_or_contact.numerator, figures.case_or_contact.denominator) == (2, 5)
    assert (figures.on_time.numerator, figures.on_time.denominator) == (2, 4)
    assert figures.median_days_to_roundtable == 6.0 and figures.roundtables == 1


def test_periods_reaching_week_for_lyngbys_screening(w):
    monday = date(2026, 3, 2)
    rows = [
        SpellInput(cvr="29189978", cpr=CPR1, first_day=monday - 35 * D),  # week 6 on Monday: in
        SpellInput(cvr="29189978", cpr=CPR2, first_day=monday - 10 * D),  # week 2: out
        SpellInput(cvr="29189978", cpr="0303753456", first_day=monday - 60 * D, last_day=monday - 5 * D),  # over
        SpellInput(cvr="29189978", cpr="0404654567", first_day=monday - 45 * D, last_day=monday - 36 * D),
        SpellInput(cvr="29189978", cpr="0404654567", first_day=monday - 30 * D),  # gap 5 < 16: week 7, in
    ]
    spells_ingest(rows=rows, source=w.source, evaluate=False)
    found = periods_reaching_week(monday, weeks=(5, 7))
    assert [(row.period.first_day, row.week) for row in found] == [(monday - 45 * D, 7), (monday - 35 * D, 6)]


def test_the_demo_step_shows_alerts_in_every_state():
    from types import SimpleNamespace

    from cases.absence.demo import seed_absence
    from cases.models import AbsenceImport, AbsenceSource
    from cases.tests.factories import make_team

    team = make_team("Nord")
    ctx = SimpleNamespace(teams={"Nord": team}, users={"konsulent": make_user("konsulent", team=team)})
    seed_absence(ctx)
    states = dict(AbsenceAlert.objects.values_list("employee__name", "state"))
    assert states == {"Kirsten Bach": "open", "Rasmus Friis": "open", "Nadia Hussein": "case_opened",
                      "Jonas Vestergaard": "closed"}
    assert AbsenceSpell.objects.values("employee").distinct().count() == 6
    assert AbsenceSource.objects.get().col_first_day == "Første fraværsdag"
    assert AbsenceImport.objects.get().failed == 1


def test_an_import_report_is_shown_to_its_team_and_its_author_only(client, w):
    from cases.tests.factories import make_team

    record = spells_ingest(rows=[], source=w.source, actor=w.consultant).record
    client.force_login(make_user(team=make_team("Syd")))
    assert client.get(reverse("absence:import_detail", args=[record.pk])).status_code == 404
    client.force_login(w.consultant)
    assert client.get(reverse("absence:import_detail", args=[record.pk])).status_code == 200
