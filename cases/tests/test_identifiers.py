import pytest
from django.core.exceptions import ValidationError

from cases.identifiers import mask_cpr, validate_cpr, validate_cvr


@pytest.mark.parametrize("value", ["010170-1234", "0101701234", " 010170 1234 "])
def test_cpr_accepts_valid_dates_without_modulus_11(value):
    assert validate_cpr(value) == "0101701234"


@pytest.mark.parametrize(
    "value,code",
    [("2110525629", "cpr_date"), ("3102701234", "cpr_date"), ("12345", "cpr_format"), ("01017012a4", "cpr_format")],
)
def test_cpr_rejects_bad_format_and_impossible_or_future_dates(value, code):
    with pytest.raises(ValidationError) as info:
        validate_cpr(value)
    assert info.value.code == code


def test_cvr_checksum():
    assert validate_cvr("13585628") == "13585628"
    with pytest.raises(ValidationError) as info:
        validate_cvr("13585627")
    assert info.value.code == "cvr_checksum"
    with pytest.raises(ValidationError):
        validate_cvr("1234")


def test_mask_cpr_hides_the_serial_number():
    assert mask_cpr("0101701234") == "010170-XXXX"
