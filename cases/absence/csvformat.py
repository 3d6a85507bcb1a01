"""Reading a payroll system's absence export with its source's mapping (columns, date format, delimiter,
encoding), streamed line by line: a file of any size is never held in memory.

`read_csv` yields a `SpellInput` for each readable line and a `RowError` (line number, Danish message)
for each line it cannot read; a file whose header lacks a mapped column raises `CsvFormatError` before
any line is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import override

from ..identifiers import looks_like_cpr, mask_cpr, normalise_digits
from ..models import AbsenceSource
from .ingest import RowError, SpellInput


class CsvFormatError(ValueError):
    """The file as a whole does not fit the source's mapping (Danish message)."""


def delimiter_of(source: AbsenceSource) -> str:
    return "\t" if source.delimiter in ("\\t", "\t") else source.delimiter


def _columns(source: AbsenceSource) -> dict[str, str]:
    mapping = {
        "cvr": source.col_cvr, "p_number": source.col_p_number, "cpr": source.col_cpr,
        "employment_number": source.col_employment_number, "name": source.col_name,
        "first_day": source.col_first_day, "last_day": source.col_last_day,
    }
    return {field: column.strip() for field, column in mapping.items() if column.strip()}


# Common formats parsed without strptime (which dominates a large file's profile); the same date string
# repeats across lines, so parsed days are cached too.
_FAST = {"%d-%m-%Y": ("-", (2, 1, 0)), "%d.%m.%Y": (".", (2, 1, 0)), "%d/%m/%Y": ("/", (2, 1, 0)),
         "%Y-%m-%d": ("-", (0, 1, 2))}


@lru_cache(maxsize=4096)
def _parse_day_cached(value: str, fmt: str) -> date:
    fast = _FAST.get(fmt)
    if fast is not None:
        parts = value.split(fast[0])
        if len(parts) == 3 and all(part.isdigit() for part in parts):
            year, month, day = (int(parts[i]) for i in fast[1])
            if year >= 1000:
                return date(year, month, day)  # ValueError for 31/02, as strptime
    return datetime.strptime(value, fmt).date()


def _parse_day(value: str, fmt: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    return _parse_day_cached(value, fmt)


def _text(stream: BinaryIO, source: AbsenceSource) -> io.TextIOWrapper:
    # "replace": a byte the encoding cannot read becomes a replacement mark in a name, never a lost file.
    return io.TextIOWrapper(stream, encoding=source.encoding, errors="replace", newline="")


def read_csv(stream: BinaryIO, source: AbsenceSource) -> Iterator[SpellInput | RowError]:
    """Yield one SpellInput or RowError per data line (line numbers as in the file, the header is line 1)."""
    text = _text(stream, source)
    reader = csv.reader(text, delimiter=delimiter_of(source))
    columns = _columns(source)
    with override("da"):
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise CsvFormatError(_("The file is empty.")) from None
        missing = [column for field, column in columns.items()
                   if column not in header and field in ("cvr", "first_day", "last_day")]
        if not any(columns.get(f) in header for f in ("cpr", "employment_number")):
            missing += [columns[f] for f in ("cpr", "employment_number") if f in columns]
        if missing:
            raise CsvFormatError(_("The file lacks the column(s) %(missing)s. The file has: %(found)s. Check the "
                                   "source's column names and delimiter.") % {
                "missing": ", ".join(missing), "found": ", ".join(h for h in header if h)[:300] or "-"})
        index = {field: header.index(column) for field, column in columns.items() if column in header}
        width = len(header)
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # blank line
            if len(values) < width:
                values = values + [""] * (width - len(values))
            yield _row(values, index, source.date_format, line)


def _row(values: list[str], index: dict[str, int], date_format: str, line: int) -> SpellInput | RowError:
    def get(field: str) -> str:
        return values[index[field]].strip() if field in index else ""

    days = {}
    for field in ("first_day", "last_day"):
        try:
            days[field] = _parse_day(get(field), date_format)
        except ValueError:
            label = _("first day") if field == "first_day" else _("last day")
            example = date(2026, 1, 31).strftime(date_format)
            return RowError(line, _("The %(field)s \"%(value)s\" is not a date in the format %(example)s.") % {
                "field": label, "value": get(field)[:20], "example": example})
    if days["first_day"] is None:
        return RowError(line, _("The first day is missing."))
    return SpellInput(cvr=get("cvr"), p_number=get("p_number"), cpr=get("cpr"),
                      employment_number=get("employment_number"), name=get("name"),
                      first_day=days["first_day"], last_day=days["last_day"], line=line)


def preview_rows(stream: BinaryIO, source: AbsenceSource, *, limit: int = 10) -> list[dict]:
    """The first lines as the preview shows them: CPR masked, nothing else read."""
    rows = []
    for item in read_csv(stream, source):
        if isinstance(item, RowError):
            continue
        rows.append({
            "line": item.line, "cvr": item.cvr, "p_number": item.p_number, "name": item.name,
            "cpr": mask_cpr(normalise_digits(item.cpr)) if looks_like_cpr(item.cpr) else ("XXXXXX-XXXX" if item.cpr else ""),
            "employment_number": item.employment_number, "first_day": item.first_day, "last_day": item.last_day,
        })
        if len(rows) >= limit:
            break
    return rows


def example_csv(source: AbsenceSource) -> str:
    """A two-line example in the source's format (shown on the upload page)."""
    columns = _columns(source)
    d = delimiter_of(source)
    first, last = date(2026, 1, 5).strftime(source.date_format), date(2026, 1, 16).strftime(source.date_format)
    sample = {"cvr": "29189854", "p_number": "", "cpr": "010190-1234", "employment_number": "4711",
              "name": "Jens Hansen", "first_day": first, "last_day": last}
    ongoing = dict(sample, cpr="020285-2345", employment_number="4712", name="Mette Nielsen", last_day="")
    return "\n".join([d.join(columns.values()), d.join(sample[f] for f in columns),
                      d.join(ongoing[f] for f in columns)]) + "\n"
