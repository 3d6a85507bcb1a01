"""The one write path for absence spells: a CSV upload (`csvformat.read_csv`) and the REST API both end
in `spells_ingest`.

Idempotent: a spell's identity is (employee, employer, first day). The same spell twice is one row; a
corrected last day updates the row. Nothing is lost on a bad line: every good line is imported in
batches (bulk upsert on the identity's unique constraint), every bad one is returned with its line
number and a Danish message, so the sender can fix it and send the file again (sending it again is
harmless). After the import the alert rules are evaluated and open cases' clocks follow the spells.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..audit import AccessLog, access_record
from ..identifiers import validate_cpr, validate_cvr, validate_p_number
from ..models import AbsenceImport, AbsenceSource, AbsenceSpell, Employee, Employer, EmploymentNumber
from ..models.people import fold

PURPOSE_ABSENCE = "fraværsregistrering"
BATCH_SIZE = 5000
MAX_STORED_ERRORS = 1000


@dataclass(slots=True)
class SpellInput:
    """One reported spell. `cpr` or `employment_number` names the person (a number is resolved through
    the employer's mapping table; with both, the mapping is learnt). `last_day` None: still ongoing."""

    cvr: str
    first_day: date
    last_day: date | None = None
    p_number: str = ""
    cpr: str = ""
    employment_number: str = ""
    name: str = ""
    line: int | None = None


@dataclass(frozen=True)
class RowError:
    line: int | None
    message: str  # Danish; never holds a CPR number

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class IngestResult:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    failed: int = 0
    employee_ids: set[int] = field(default_factory=set)
    record: AbsenceImport | None = None  # None on a dry run

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def _error(line, message) -> RowError:
    return RowError(line, str(message))


def parse_iso_day(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def spell_input_from_mapping(data: dict, *, line: int | None = None) -> SpellInput | RowError:
    """A spell from JSON (the REST API): keys cvr, p_number, cpr, employment_number, name, first_day and
    last_day (ISO dates, last_day empty or null while ongoing). Bad dates give a RowError."""
    with override("da"):
        try:
            first = parse_iso_day(data.get("first_day"))
            last = parse_iso_day(data.get("last_day"))
        except (TypeError, ValueError):
            return _error(line, _("A date is not a valid date (write YYYY-MM-DD)."))
        if first is None:
            return _error(line, _("The first day is missing."))
        return SpellInput(cvr=str(data.get("cvr") or ""), p_number=str(data.get("p_number") or ""),
                          cpr=str(data.get("cpr") or ""), employment_number=str(data.get("employment_number") or ""),
                          name=str(data.get("name") or ""), first_day=first, last_day=last, line=line)


# --- one batch ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Clean:
    line: int | None
    cvr: str
    p_number: str
    cpr: str
    number: str
    name: str
    first_day: date
    last_day: date | None


def _checked(validator, value: str, label: str, cache: dict) -> tuple[str, str]:
    """(digits, "") or ("", Danish message); a file repeats the same numbers, so results are cached per import."""
    found = cache.get(value)
    if found is None:
        if len(cache) > 200_000:  # a very large file: keep memory flat
            cache.clear()
        try:
            found = (validator(value), "")
        except ValidationError as error:
            found = ("", _("%(label)s: %(error)s") % {"label": label, "error": error.messages[0]})
        cache[value] = found
    return found


def _validate(row: SpellInput, today: date, cache: dict) -> _Clean | RowError:
    cvr, problem = _checked(validate_cvr, row.cvr, "CVR", cache.setdefault("cvr", {}))
    if problem:
        return _error(row.line, problem)
    p_number, problem = _checked(validate_p_number, row.p_number, _("P-number"), cache.setdefault("p", {}))
    if problem:
        return _error(row.line, problem)
    cpr = ""
    if row.cpr.strip():
        cpr, problem = _checked(validate_cpr, row.cpr, "CPR", cache.setdefault("cpr", {}))
        if problem:
            return _error(row.line, problem)
    number = row.employment_number.strip()
    if not cpr and not number:
        return _error(row.line, _("The employee is missing: give a CPR number or an employment number."))
    if row.first_day > today:
        return _error(row.line, _("The first day lies in the future."))
    if row.last_day is not None and row.last_day < row.first_day:
        return _error(row.line, _("The last day lies before the first day."))
    return _Clean(row.line, cvr, p_number, cpr, number[:40], row.name.strip()[:200], row.first_day, row.last_day)


class _Resolver:
    """Employers, employees and employment numbers for a batch, in a few queries; caches employers."""

    def __init__(self, *, dry_run: bool):
        self.dry_run = dry_run
        self.employers: dict[tuple[str, str], int | None] = {}
        self.checked: dict[str, dict] = {}  # validated CVR / P / CPR values of this import

    def employer_ids(self, rows: list[_Clean]) -> None:
        wanted = {r.cvr for r in rows} - {cvr for cvr, _p in self.employers}
        if not wanted:
            return
        by_cvr: dict[str, list[tuple[str, int]]] = {}
        for cvr, p_number, pk in (Employer.objects.filter(cvr__in=wanted).order_by("cvr", "p_number", "pk")
                                  .values_list("cvr", "p_number", "pk")):
            by_cvr.setdefault(cvr, []).append((p_number, pk))
        for cvr in wanted:
            rows_of = by_cvr.get(cvr, [])
            for p_number, pk in rows_of:
                self.employers.setdefault((cvr, p_number), pk)
            # Without a P-number: the CVR's main row, else its first workplace (cases.employers.employer_lookup).
            self.employers.setdefault((cvr, ""), rows_of[0][1] if rows_of else None)
            self.employers.setdefault((cvr, "*"), None)

    def employer(self, row: _Clean) -> int | None:
        return self.employers.get((row.cvr, row.p_number))

    def employees(self, rows: list[_Clean], employer_of: dict[int, int]) -> dict[int, int | None]:
        """Row index -> employee id (None when a new person would be created on a dry run, -1 unknown number)."""
        cprs = {r.cpr for r in rows if r.cpr}
        known = dict(Employee.objects.filter(cpr__in=cprs).values_list("cpr", "pk")) if cprs else {}
        missing = {r.cpr: r.name for r in rows if r.cpr and r.cpr not in known}
        if missing and not self.dry_run:
            unknown = _("name unknown")
            people = [(cpr, name or unknown, fold(name or unknown), "", "", "") for cpr, name in missing.items()]
            bulk_upsert(Employee, ["cpr", "name", "name_folded", "phone", "email", "job_title"], people,
                        unique=["cpr"])
            known.update(Employee.objects.filter(cpr__in=list(missing)).values_list("cpr", "pk"))
        numbered = [(employer_of[i], r.number) for i, r in enumerate(rows) if r.number and i in employer_of]
        numbers: dict[tuple[int, str], int] = {}
        if numbered:
            numbers = {(e, n): pk for e, n, pk in EmploymentNumber.objects.filter(
                employer_id__in={e for e, _n in numbered}, number__in={n for _e, n in numbered}
            ).values_list("employer_id", "number", "employee_id")}
        learn = []
        result: dict[int, int | None] = {}
        for i, r in enumerate(rows):
            if i not in employer_of:
                continue
            if r.cpr:
                result[i] = known.get(r.cpr)
                if r.number and (employer_of[i], r.number) not in numbers and result[i] is not None:
                    numbers[(employer_of[i], r.number)] = result[i]
                    learn.append(EmploymentNumber(employer_id=employer_of[i], number=r.number, employee_id=result[i]))
            else:
                result[i] = numbers.get((employer_of[i], r.number), -1)
        if learn and not self.dry_run:
            EmploymentNumber.objects.bulk_create(learn, ignore_conflicts=True)
        return result


def _ingest_batch(batch: list[SpellInput | RowError], *, source: AbsenceSource, record: AbsenceImport | None,
                  resolver: _Resolver, result: IngestResult, today: date) -> None:
    clean: list[_Clean] = []
    for row in batch:
        result.lines += 1
        checked = row if isinstance(row, RowError) else _validate(row, today, resolver.checked)
        if isinstance(checked, RowError):
            _fail(result, checked)
        else:
            clean.append(checked)
    if not clean:
        return
    resolver.employer_ids(clean)
    employer_of: dict[int, int] = {}
    for i, row in enumerate(clean):
        pk = resolver.employer(row)
        if pk is None:
            label = f"{row.cvr} / P {row.p_number}" if row.p_number else row.cvr
            _fail(result, _error(row.line, _("No employer with CVR %(cvr)s is known: create it first, then send "
                                             "the line again.") % {"cvr": label}))
        else:
            employer_of[i] = pk
    employee_of = resolver.employees(clean, employer_of)
    # The last line about a spell wins (a file may correct itself).
    spells: dict[tuple, _Clean] = {}
    new_people = 0
    for i, row in enumerate(clean):
        if i not in employer_of:
            continue
        employee = employee_of.get(i)
        if employee == -1:
            _fail(result, _error(row.line, _("Employment number %(number)s is not known for this employer: add it "
                                             "to the mapping table or send the CPR number.") % {"number": row.number}))
            continue
        if employee is None:  # a new person on a dry run
            new_people += 1
            key = ("new", row.cpr, employer_of[i], row.first_day)
        else:
            key = (employee, employer_of[i], row.first_day)
        spells[key] = row
    existing = {}
    known_keys = [k for k in spells if k[0] != "new"]
    if known_keys:
        rows = AbsenceSpell.objects.filter(
            employee_id__in={k[0] for k in known_keys}, first_day__in={k[2] for k in known_keys}
        ).values_list("employee_id", "employer_id", "first_day", "last_day")
        existing = {(e, r, f): last for e, r, f, last in rows}
    write = []
    now = timezone.now()
    import_id = record.pk if record is not None else None
    for key, row in spells.items():
        if key[0] == "new" or key not in existing:
            result.created += 1
        elif existing[key] != row.last_day:
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        if key[0] != "new":
            result.employee_ids.add(key[0])
            write.append((key[0], key[1], row.first_day, row.last_day, source.pk, import_id, now, now))
    if write and record is not None:
        bulk_upsert(AbsenceSpell, SPELL_COLUMNS, write, unique=["employee_id", "employer_id", "first_day"],
                    update=["last_day", "source_id", "last_import_id", "updated_at"])


SPELL_COLUMNS = ["employee_id", "employer_id", "first_day", "last_day", "source_id", "last_import_id", "created_at",
                 "updated_at"]


def bulk_upsert(model, columns: list[str], rows: list[tuple], *, unique: list[str], update: list[str] = ()) -> None:
    """INSERT ... ON CONFLICT (unique) DO UPDATE (or DO NOTHING) for many rows in one statement.

    On PostgreSQL the rows go through psycopg2's execute_values (the ORM's bulk_create spends most of a
    large import building model instances and compiling SQL); elsewhere through bulk_create with
    update_conflicts / ignore_conflicts on the same unique constraint, with the same effect."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        from psycopg2.extras import execute_values

        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        conflict = ", ".join(f'"{c}"' for c in unique)
        action = ("DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in update)) if update else "DO NOTHING"
        with connection.cursor() as cursor:
            execute_values(cursor.cursor, f'INSERT INTO "{table}" ({names}) VALUES %s ON CONFLICT ({conflict}) {action}',
                           rows, page_size=1000)
        return
    objects = [model(**dict(zip(columns, row))) for row in rows]
    if update:
        model.objects.bulk_create(objects, update_conflicts=True, unique_fields=[c.removesuffix("_id") for c in unique],
                                  update_fields=[c.removesuffix("_id") for c in update])
    else:
        model.objects.bulk_create(objects, ignore_conflicts=True)


def _fail(result: IngestResult, error: RowError) -> None:
    result.failed += 1
    if len(result.errors) < MAX_STORED_ERRORS:
        result.errors.append(error)


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def spells_ingest(*, rows: Iterable[SpellInput | RowError], source: AbsenceSource, actor=None, filename: str = "",
                  dry_run: bool = False, evaluate: bool = True, batch_size: int = BATCH_SIZE) -> IngestResult:
    """Import spells (streamed: `rows` may be a generator over a file of any size).

    Returns counts (created, updated, unchanged, failed) and the refused lines with Danish messages.
    With `dry_run` nothing is written (the CSV preview). Otherwise each batch commits on its own, the
    import is recorded (`AbsenceImport`) and written to the access log, and then the alert rules are
    evaluated and open cases' first absence day and clocks follow the spells (`evaluate=False` skips
    that, e.g. for a bulk back-fill)."""
    today = timezone.localdate()
    result = IngestResult()
    record = None if dry_run else AbsenceImport.objects.create(source=source, actor=actor, filename=filename[:200])
    resolver = _Resolver(dry_run=dry_run)
    with override("da"):
        for batch in _batches(rows, batch_size):
            with transaction.atomic():
                _ingest_batch(batch, source=source, record=record, resolver=resolver, result=result, today=today)
    if record is None:
        return result
    record.lines, record.created, record.updated = result.lines, result.created, result.updated
    record.unchanged, record.failed = result.unchanged, result.failed
    record.errors = [error.as_dict() for error in result.errors]
    record.save(update_fields=["lines", "created", "updated", "unchanged", "failed", "errors"])
    result.record = record
    access_record(user=actor, action=AccessLog.Action.WRITE, purpose=PURPOSE_ABSENCE,
                  detail=f"fraværsimport {source.code}: {result.lines} linjer, {result.failed} afvist")
    if evaluate and result.employee_ids:
        from .alerts import alerts_evaluate
        from .clocks import cases_follow_spells

        cases_follow_spells(employee_ids=result.employee_ids, actor=actor)
        alerts_evaluate(employee_ids=result.employee_ids)
    return result


def spells_ingest_mappings(*, items: Iterable[dict], source: AbsenceSource, actor=None,
                           filename: str = "api") -> IngestResult:
    """The REST API's entry: `items` are JSON objects (see `spell_input_from_mapping`), numbered from 1 in
    the errors. Same guarantees as `spells_ingest`."""
    rows = (spell_input_from_mapping(item if isinstance(item, dict) else {}, line=number)
            for number, item in enumerate(items, start=1))
    return spells_ingest(rows=rows, source=source, actor=actor, filename=filename)


def ingest_result_as_dict(result: IngestResult) -> dict:
    """A JSON-ready summary for an API response (the errors carry no CPR)."""
    return {
        "import_id": result.record.pk if result.record else None, "lines": result.lines,
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "failed": result.failed, "errors": [error.as_dict() for error in result.errors],
    }
