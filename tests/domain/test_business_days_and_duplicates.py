"""Business days for reminders; identity keys for the duplicate check."""

from __future__ import annotations

from datetime import UTC, datetime

from cair.domain.business_days import add_business_days
from cair.domain.duplicates import duplicate_keys
from cair.domain.request import EnrollmentRequest
from tests.helpers.examples import example


def test_friday_plus_two_business_days_is_tuesday() -> None:
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert add_business_days(friday, 2) == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_weekdays_and_weekends() -> None:
    monday = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert add_business_days(monday, 2).weekday() == 2
    saturday = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    assert add_business_days(saturday, 2) == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert add_business_days(monday, 0) == monday


def test_same_organization_typed_differently_has_the_same_keys() -> None:
    original = EnrollmentRequest.model_validate(example("clinic"))
    data = example("clinic")
    data["organization"]["name"] = "LAKESHORE FAMILY MEDICINE."
    data["organization"]["physical_address"]["line1"] = "1200 Lakeshore Avenue"
    data["organization"]["physical_address"]["line2"] = "Suite #3"
    retyped = EnrollmentRequest.model_validate(data)
    assert set(duplicate_keys(original)) == set(duplicate_keys(retyped))


def test_npi_at_another_address_is_another_site() -> None:
    original = EnrollmentRequest.model_validate(example("clinic"))
    data = example("clinic")
    data["organization"]["name"] = "Lakeshore Family Medicine East"
    data["organization"]["physical_address"]["line1"] = "88 Other St"
    elsewhere = EnrollmentRequest.model_validate(data)
    assert not set(duplicate_keys(original)) & set(duplicate_keys(elsewhere))


def test_childcare_license_is_a_key() -> None:
    data = example("school")
    data["organization"].update(type="childcare_facility", childcare_license_number="CC-0123 45")
    keys = duplicate_keys(EnrollmentRequest.model_validate(data))
    assert "childcare:cc012345" in keys


def test_names_in_other_scripts_keep_their_letters() -> None:
    first, second = example("school"), example("school")
    first["organization"]["name"] = "红木小学"
    second["organization"]["name"] = "Կարմիր դպրոց"
    keys = [duplicate_keys(EnrollmentRequest.model_validate(d))[0] for d in (first, second)]
    assert keys[0] != keys[1] and "红木小学" in keys[0]
    full_width = example("school")
    full_width["organization"]["name"] = "ＲＥＤＷＯＯＤ Elementary"
    plain = example("school")
    plain["organization"]["name"] = "Redwood elementary!"
    assert duplicate_keys(EnrollmentRequest.model_validate(full_width)) == duplicate_keys(
        EnrollmentRequest.model_validate(plain)
    )


def test_keys_fit_their_column() -> None:
    data = example("school")
    data["organization"]["name"] = "Long " * 40
    data["organization"]["physical_address"].update(
        line1="Lakeshore " * 12, line2="Lakeshore " * 12
    )
    keys = duplicate_keys(EnrollmentRequest.model_validate(data))
    assert all(len(key) <= 300 for key in keys) and keys[0].startswith("name-address:sha256:")
