"""NPI check digits, California ZIP codes, e-mail syntax, counties."""

from __future__ import annotations

import pytest

from cair.domain.counties import CALIFORNIA_COUNTIES, canonical_county
from cair.domain.identifier_checks import is_california_zip, is_email, normalize_email, npi_is_valid


@pytest.mark.parametrize("npi", ["1234567893", "1558598797", "2000000002"])
def test_valid_npis(npi: str) -> None:
    assert npi_is_valid(npi)


@pytest.mark.parametrize(
    "npi",
    ["1234567890", "123456789", "12345678933", "3234567893", "12345678a3", ""],
)
def test_invalid_npis(npi: str) -> None:
    assert not npi_is_valid(npi)


@pytest.mark.parametrize("zip_code", ["94606", "90001", "96162", "93702-1234"])
def test_california_zips(zip_code: str) -> None:
    assert is_california_zip(zip_code)


@pytest.mark.parametrize("zip_code", ["10001", "89501", "97201", "9460", "94606-12", "abcde"])
def test_other_zips(zip_code: str) -> None:
    assert not is_california_zip(zip_code)


def test_email_syntax() -> None:
    assert is_email("sam.okafor@lakeshore-fm.example")
    assert is_email("a+b@x.co")
    for bad in ("sam", "sam@", "@x.example", "sam@x", "sam okafor@x.example", "a@b..c"):
        assert not is_email(bad), bad
    assert (
        normalize_email("  Sam.Okafor@Lakeshore-FM.example ") == "sam.okafor@lakeshore-fm.example"
    )


def test_all_58_counties_in_any_spelling() -> None:
    assert len(CALIFORNIA_COUNTIES) == 58 == len(set(CALIFORNIA_COUNTIES))
    assert canonical_county("Alameda") == "Alameda"
    assert canonical_county("  san   DIEGO county ") == "San Diego"
    assert canonical_county("Los Angeles County") == "Los Angeles"
    assert canonical_county("Clark") is None
    assert canonical_county("County") is None
