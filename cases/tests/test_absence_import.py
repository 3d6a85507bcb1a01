"""Absence spells come in: idempotent imports, mixed good and bad lines, the clocks follow the spells,
the alert reaches the manager without health text, the nightly evaluation never double-sends."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.absence import alerts, csvformat
from cases.absence.ingest import SpellInput, spell_input_from_mapping, spells_ingest
from cases.deadlines import deadline_preview, start_of_day
from cases.models import AbsenceAlert, AbsenceSpell, AccessLog, Case, Employee, EmploymentNumber, OutboxMessage
from cases.tests.absence_factories import csv_bytes, csv_line, make_absence_world

pytestmark = pytest.mark.django_db
D = timedelta(days=1)
CPR1, CPR2, CPR3 = "0101901234", "0202852345", "0303753456"


@pytest.fixture
def w():
    return make_absence_world()


def today():
    return timezone.localdate()


def ingest(w, *lines, **kwargs):
    return spells_ingest(rows=csvformat.read_csv(csv_bytes(*lines), w.source), source=w.source, actor=w.consultant,
                         **kwargs)


def test_the_same_file_twice_gives_the_same_rows_and_a_corrected_last_day_updates(w):
    first = today() - 30 * D
    lines = [csv_line(CPR1, first, first + 2 * D), csv_line(CPR2, first, None, name="Mette Nielsen")]
    once = ingest(w, *lines)
    assert (once.created, once.updated, once.unchanged, once.failed) == (2, 0, 0, 0)
    rows = sorted(AbsenceSpell.objects.values_list("pk", "employee__cpr", "first_day", "last_day"))
    again = ingest(w, *lines)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert sorted(AbsenceSpell.objects.values_list("pk", "employee__cpr", "first_day", "last_day")) == rows
    corrected = ingest(w, csv_line(CPR2, first, first + 4 * D, name="Mette Nielsen"))
    assert (corrected.created, corrected.updated) == (0, 1)
    assert AbsenceSpell.objects.get(employee__cpr=CPR2).last_day == first + 4 * D
    assert AbsenceSpell.objects.count() == 2


def test_mixed_good_and_bad_lines_import_the_good_and_list_the_bad_in_danish(w):
    first = today() - 40 * D
    result = ingest(
        w,
        csv_line(CPR1, first, first + D),                       # line 2: good
        csv_line("0101901", first, None),                      # line 3: CPR too short
        csv_line(CPR2, first, first - D),                      # line 4: last before first
        csv_line(CPR3, first, None, cvr="12345678"),           # line 5: CVR check digit
        "29189978;;0404654567;;X;31/02/2026;",                  # line 6: bad date format
        csv_line(CPR2, first + 3 * D, None, cvr="13585628"),   # line 7: unknown employer
        csv_line("", first, None, number="999"),                # line 8: unknown employment number
        csv_line(CPR3, today() + 3 * D, None),                 # line 9: in the future
        csv_line(CPR2, first + 5 * D, first + 6 * D),          # line 10: good
    )
    assert (result.lines, result.created, result.failed) == (9, 2, 7)
    messages = {error.line: error.message for error in result.errors}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9]
    assert "CPR" in messages[3] and "10 cifre" in messages[3]
    assert "før første" in messages[4]
    assert "kontrolciffer" in messages[5]
    assert "ikke en dato" in messages[6] and "31-01-2026" in messages[6]
    assert "13585628" in messages[7] and "opret" in messages[7]
    assert "Ansættelsesnummer 999" in messages[8]
    assert "fremtiden" in messages[9]
    assert not any(CPR1[:6] + CPR1[6:] in m or "0101901" in m for m in messages.values())  # never a CPR
    assert set(AbsenceSpell.objects.values_list("employee__cpr", flat=True)) == {CPR1, CPR2}
    record = result.record
    assert record.failed == 7 and len(record.errors) == 7 and record.errors[0]["line"] == 3
    # The import is logged as a write with its purpose.
    log = AccessLog.objects.filter(action=AccessLog.Action.WRITE).latest("id")
    assert log.purpose == "fraværsregistrering" and log.user == w.consultant
    # Fixing the bad line and sending the whole file again imports only what was missing.
    fixed = ingest(w, csv_line(CPR1, first, first + D), csv_line(CPR2, first, first + 2 * D))
    assert (fixed.created, fixed.unchanged, fixed.failed) == (1, 1, 0)


def test_a_file_without_the_mapped_columns_is_refused_as_a_whole(w):
    bad = csvformat.CsvFormatError
    with pytest.raises(bad, match="mangler kolonne"):
        list(csvformat.read_csv(__import__("io").BytesIO(b"foo;bar\n1;2\n"), w.source))


def test_the_mapping_is_per_source_delimiter_date_format_and_encoding(w):
    w.source.delimiter, w.source.date_format, w.source.encoding = ",", "%Y-%m-%d", "cp1252"
    w.source.col_cpr, w.source.col_first_day, w.source.col_last_day = "Personnummer", "Fra", "Til"
    w.source.col_p_number = w.source.col_employment_number = ""
    w.source.save()
    data = f"CVR,Personnummer,Navn,Fra,Til\n29189978,{CPR1},Søren Ø,2026-01-05,2026-01-09\n".encode("cp1252")
    result = spells_ingest(rows=csvformat.read_csv(__import__("io").BytesIO(data), w.source), source=w.source)
    assert result.created == 1 and Employee.objects.get(cpr=CPR1).name == "Søren Ø"


def test_an_employment_number_is_learnt_from_a_line_with_both_and_then_resolves(w):
    first = today() - 50 * D
    ingest(w, csv_line(CPR1, first, first, number="4711"))
    assert EmploymentNumber.objects.get(number="4711").employee.cpr == CPR1
    result = ingest(w, csv_line("", first + 3 * D, first + 4 * D, number="4711"))
    assert result.created == 1 and AbsenceSpell.objects.filter(employee__cpr=CPR1).count() == 2


def test_the_api_mapping_helper_parses_iso_dates_and_reports_bad_ones(w):
    ok = spell_input_from_mapping({"cvr": "29189978", "cpr": CPR1, "first_day": "2026-01-05", "last_day": None}, line=1)
    assert isinstance(ok, SpellInput) and ok.last_day is None
    bad = spell_input_from_mapping({"cvr": "29189978", "cpr": CPR1, "first_day": "5/1/2026"}, line=2)
    assert bad.line == 2 and "YYYY-MM-DD" in bad.message


def test_the_preview_masks_the_cpr_and_a_dry_run_writes_nothing(w):
    first = today() - 10 * D
    rows = csvformat.preview_rows(csv_bytes(csv_line(CPR1, first, None)), w.source)
    assert rows[0]["cpr"] == "010190-XXXX"
    result = ingest(w, csv_line(CPR1, first, None), dry_run=True)
    assert result.created == 1 and result.record is None
    assert not AbsenceSpell.objects.exists() and not Employee.objects.exists()


# --- alerts --------------------------------------------------------------------------------------------


def test_seven_days_raise_one_alert_mailed_to_the_manager_without_health_text(w):
    first = today() - 8 * D
    ingest(w, csv_line(CPR1, first, None))
    alert = AbsenceAlert.objects.get()
    assert alert.state == "open" and alert.team == w.team and alert.contact == w.manager
    assert alert.triggered_on == first + 6 * D
    mail = OutboxMessage.objects.get(dedup_key=f"absence-alert:{alert.pk}:manager")
    assert mail.to == ["lene.leder@hjoerring.example"]
    text = (mail.subject + mail.text).lower()
    assert "jens hansen" in text and "7 dage i træk" in text and "fastholdelseskonsulent" in text
    for word in ("diagnose:", "helbred", "stress", "depression", "ryg", "psykolog", CPR1, "010190"):
        assert word not in text.replace("om diagnosen", "")
    # Evaluated again (a second import, the nightly task): nothing new, nothing sent twice.
    ingest(w, csv_line(CPR1, first, None))
    assert alerts.alerts_evaluate() == []
    assert AbsenceAlert.objects.count() == 1
    assert OutboxMessage.objects.filter(dedup_key__startswith="absence-alert:").count() == 1


def test_six_days_raise_nothing_and_the_nightly_run_raises_it_on_day_seven(w):
    first = today() - 5 * D  # day 6 today
    ingest(w, csv_line(CPR1, first, None))
    assert not AbsenceAlert.objects.exists()
    (alert,) = alerts.alerts_evaluate(today=today() + D)
    assert alert.triggered_on == today() + D


def test_three_short_absences_within_three_months(w):
    base = today() - 60 * D
    ingest(w, *[csv_line(CPR1, base + offset * D, base + offset * D) for offset in (0, 20, 50)])
    alert = AbsenceAlert.objects.get()
    assert alert.rule.kind == "spells_in_window" and alert.spells.count() == 3
    assert "3 fravær på grund af sygdom inden for 3 måneder" in alert.rule_text


def test_old_history_does_not_mail_managers(w):
    first = today() - 200 * D
    ingest(w, csv_line(CPR1, first, first + 20 * D))
    assert not AbsenceAlert.objects.exists()


# --- the case and its clocks ----------------------------------------------------------------------------


def test_a_case_opened_from_an_alert_derives_week_8_from_the_spells(w):
    first = today() - 9 * D
    # An earlier spell 10 days before (gap < 16): the same sickness period, which starts on its first day.
    ingest(w, csv_line(CPR1, first - 13 * D, first - 11 * D), csv_line(CPR1, first, None))
    alert = AbsenceAlert.objects.get(rule__kind="consecutive_days")
    case = alerts.alert_open_case(alert=alert, actor=w.consultant)
    assert case.source == Case.Source.ABSENCE_ALERT and case.get_source_display() == "fraværsadvis"
    assert case.first_absence_day == first - 13 * D
    week8 = case.deadlines.get(kind="ordinary_follow_up")
    assert week8.start_at == start_of_day(first - 13 * D)
    assert week8.due_at == deadline_preview(kind="ordinary_follow_up", start=week8.start_at).due_at
    assert timezone.localtime(week8.due_at).date() >= case.first_absence_day + (8 * 7 - 1) * D  # end of week 8
    assert case.deadlines.filter(kind="reassessment").exists()
    assert set(case.absence_spells.values_list("first_day", flat=True)) == {first - 13 * D, first}
    alert.refresh_from_db()
    assert alert.state == "case_opened" and alert.case == case and alert.handled_at is not None


def test_clocks_are_recomputed_when_a_spell_is_corrected(w):
    first = today() - 10 * D
    early = first - 30 * D
    # Two periods: 2 days, then a gap of 26 days, then the current one.
    ingest(w, csv_line(CPR1, early, early + D), csv_line(CPR1, first, None))
    case = alerts.alert_open_case(alert=AbsenceAlert.objects.get(rule__kind="consecutive_days"), actor=w.consultant)
    assert case.first_absence_day == first
    before = case.deadlines.get(kind="ordinary_follow_up")
    # Payroll corrects the early spell's last day: the gap shrinks to 10 days, one period from `early`.
    ingest(w, csv_line(CPR1, early, first - 11 * D))
    case.refresh_from_db()
    assert case.first_absence_day == early
    week8 = case.deadlines.unfinished().get(kind="ordinary_follow_up")
    assert week8.pk == before.pk and week8.occurrence == before.occurrence + 1
    assert week8.start_at == start_of_day(early) and week8.due_at < before.due_at
    assert week8.due_at == deadline_preview(kind="ordinary_follow_up", start=start_of_day(early)).due_at
    reassessment = case.deadlines.unfinished().get(kind="reassessment")
    assert reassessment.due_at == deadline_preview(kind="reassessment", start=start_of_day(early)).due_at
    assert timezone.localtime(reassessment.due_at).date() >= early + (22 * 7 - 1) * D
    why = case.events.get(kind="absence_period_changed").summary
    assert "sygeperioden" in why and early.strftime("%d/%m/%Y") in why
    assert case.events.filter(kind="deadline_rescheduled").exists() or case.deadlines.get(pk=week8.pk).derivation


def test_an_alert_closed_with_a_reason(w):
    ingest(w, csv_line(CPR1, today() - 8 * D, None))
    alert = alerts.alert_close(alert=AbsenceAlert.objects.get(), actor=w.consultant, reason="contacted", note="Ringet")
    assert alert.state == "closed" and alert.close_reason == "contacted"
    with pytest.raises(Exception, match="allerede"):
        alerts.alert_close(alert=alert, actor=w.consultant, reason="contacted")


@pytest.mark.postgres
def test_on_postgresql_the_bulk_upsert_is_idempotent_and_updates_the_last_day(w):
    """The PostgreSQL path (execute_values, INSERT ... ON CONFLICT) behaves as the ORM path."""
    from django.db import connection

    assert connection.vendor == "postgresql"
    first = today() - 30 * D
    lines = [csv_line(CPR1, first, None), csv_line(CPR2, first, first + D, name="Mette Nielsen")]
    assert ingest(w, *lines).created == 2
    before = sorted(AbsenceSpell.objects.values_list("pk", "last_day", "created_at"))
    assert (ingest(w, *lines).unchanged, AbsenceSpell.objects.count()) == (2, 2)
    assert ingest(w, csv_line(CPR1, first, first + 9 * D)).updated == 1
    after = sorted(AbsenceSpell.objects.values_list("pk", "last_day", "created_at"))
    assert [(pk, created) for pk, _last, created in after] == [(pk, created) for pk, _last, created in before]
    assert AbsenceSpell.objects.get(employee__cpr=CPR1).last_day == first + 9 * D
    assert Employee.objects.get(cpr=CPR2).name == "Mette Nielsen"


def test_the_nightly_beat_task_evaluates_and_is_scheduled(w, settings):
    from cases.absence.tasks import evaluate_absence_alerts

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values()
                 if e["task"] == "cases.absence.tasks.evaluate_absence_alerts")
    assert entry["schedule"] is not None
    ingest(w, csv_line(CPR1, today() - 5 * D, None), evaluate=False)
    assert evaluate_absence_alerts() == 0  # day 6
    AbsenceSpell.objects.update(first_day=today() - 6 * D)
    assert evaluate_absence_alerts() == 1 and evaluate_absence_alerts() == 0


def test_a_concurrent_evaluation_that_won_the_race_is_not_raised_or_mailed_twice(w, monkeypatch):
    """Another worker raised one of the alerts between our read and our insert: the chunk's bulk insert
    fails on the unique constraint, and the alerts are raised one by one; the one already there is skipped."""
    ingest(w, csv_line(CPR1, today() - 8 * D, None), csv_line(CPR2, today() - 8 * D, None, name="Mette Nielsen"),
           evaluate=False)
    (first,) = alerts.alerts_evaluate(employee_ids=[Employee.objects.get(cpr=CPR1).pk])  # the other worker
    monkeypatch.setattr(alerts, "_existing_keys", lambda ids: set())  # ...after our read
    raised = alerts.alerts_evaluate()
    assert [a.employee.cpr for a in raised] == [CPR2]
    assert AbsenceAlert.objects.count() == 2
    assert OutboxMessage.objects.filter(dedup_key__startswith="absence-alert:").count() == 2


def test_the_api_entry_takes_json_objects_and_answers_a_json_summary(w):
    from cases.absence.ingest import ingest_result_as_dict, spells_ingest_mappings

    first = (today() - 3 * D).isoformat()
    result = spells_ingest_mappings(source=w.source, items=[
        {"cvr": "29189978", "cpr": CPR1, "name": "Jens Hansen", "first_day": first, "last_day": None},
        {"cvr": "29189978", "cpr": CPR1, "first_day": "i går"},
        "not an object",
    ])
    summary = ingest_result_as_dict(result)
    assert summary["created"] == 1 and summary["failed"] == 2
    assert [e["line"] for e in summary["errors"]] == [2, 3]
    assert "ÅÅÅÅ-MM-DD" in summary["errors"][0]["message"] and "mangler" in summary["errors"][1]["message"]
    assert AbsenceSpell.objects.get().source == w.source
