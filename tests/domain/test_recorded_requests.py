"""Histories keep what was sent: a change refused by rules stricter than the models of its day
(an unknown role, a ZIP code outside California, a blank name) still reads back on replay, and
so does a request the rules of its day took."""

from __future__ import annotations

import json

from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from cair.domain.contracts.enrollment import EnrollmentInput
from cair.domain.contracts.organization import AccountChange
from cair.domain.request import EnrollmentRequest
from tests.helpers.examples import example

CONVERTER = pydantic_data_converter.payload_converter


def decoded(data: object, kind: type) -> object:
    payload = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(data).encode())
    return CONVERTER.from_payloads([payload], [kind])[0]


def test_a_refused_change_reads_back_as_it_was_sent() -> None:
    change = decoded(
        {
            "change_id": "CH0000000001",
            "kind": "add_user",
            "requested_by": "rep@clinic.example",
            "new_user": {"first_name": "", "last_name": "Kim", "email": "kim", "role": "admin"},
            "info": {"physical_address": {"line1": "1 A St", "city": "Reno", "state": "NV"}},
            "user_update": {"email": "not an address"},
        },
        AccountChange,
    )
    assert isinstance(change, AccountChange)
    assert change.new_user is not None and str(change.new_user.role) == "admin"
    assert change.info is not None and change.info.physical_address is not None
    assert change.user_update is not None and change.user_update.email == "not an address"


def test_a_change_the_rules_take_reads_back_as_models() -> None:
    user = {"first_name": "Jo", "last_name": "Kim", "email": "jo@clinic.example", "role": "regular"}
    change = decoded(
        {"change_id": "CH1", "kind": "add_user", "requested_by": "r@c.example", "new_user": user},
        AccountChange,
    )
    assert isinstance(change, AccountChange) and change.new_user is not None
    assert change.new_user.model_dump() == user


def test_an_enrollment_of_older_rules_reads_back() -> None:
    request = example("clinic")
    del request["contacts"]["primary"]["phone"]  # before the primary contact's phone was required
    found = decoded({"enrollment_id": "EN00000001", "request": request}, EnrollmentInput)
    assert isinstance(found, EnrollmentInput)
    assert isinstance(found.request, EnrollmentRequest)
