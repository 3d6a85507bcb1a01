"""Danish number formatting, the one helper for PDFs, mails and CSV exports: "10 timer", "22,2 %",
"7,5" (a decimal comma, no trailing ",0", never "10.0"), and the CSV writer every export uses."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.http import HttpResponse
from django.utils.translation import ngettext


def da_number(value, *, places: int = 1) -> str:
    """A number the Danish way, rounded half up to `places` decimals and without trailing zeros:
    10.0 -> "10", 22.25 -> "22,3", Decimal("7.50") -> "7,5". None and "" give ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        raise TypeError("da_number formats numbers, not booleans")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    quantum = Decimal(1).scaleb(-places)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",")


def da_hours(value) -> str:
    """ "10 timer", "1 time", "7,5 timer"."""
    if value is None or value == "":
        return ""
    text = da_number(value)
    return ngettext("%(n)s hour", "%(n)s hours", 1 if text == "1" else 2) % {"n": text}


def da_percent(value) -> str:
    """ "22,2 %" (Danish puts a space before the sign)."""
    return "" if value is None or value == "" else f"{da_number(value)} %"


def csv_cell(value) -> str | int:
    """One CSV cell: decimals and floats with a decimal comma, None as empty; whole numbers and text as is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (Decimal, float)):
        return da_number(value)
    return value


class DanishCsvWriter:
    """csv.writer with ";" (what Danish Excel expects) and every cell through `csv_cell`."""

    def __init__(self, stream):
        self._writer = csv.writer(stream, delimiter=";")

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(value) for value in row])


def csv_response(*, filename: str) -> tuple[HttpResponse, DanishCsvWriter]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel needs the BOM to read æøå
    return response, DanishCsvWriter(response)
