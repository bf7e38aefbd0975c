"""An update says only what changes, and still does after Temporal carries it: fields left out
stay left out (they would otherwise arrive as nulls and clear what they name)."""

from __future__ import annotations

from cair.domain.account_changes import ChangeKind, InfoUpdate, UserUpdate
from cair.domain.contracts.organization import AccountChange
from cair.temporal.converter import data_converter


async def test_fields_left_out_stay_left_out_through_the_payload_codec() -> None:
    converter = data_converter(b"k" * 32)
    change = AccountChange(
        change_id="CH0000000001",
        kind=ChangeKind.UPDATE_INFO,
        requested_by="rep@example.org",
        info=InfoUpdate.model_validate({"vfc_pin": "123456", "mailing_address": None}),
        user_update=UserUpdate(first_name="Jo"),
    )
    (back,) = await converter.decode(await converter.encode([change]), [AccountChange])
    assert isinstance(back, AccountChange) and back.info and back.user_update
    assert back.info.model_fields_set == {"vfc_pin", "mailing_address"}  # a given null clears
    assert back.info.vfc_pin == "123456" and back.info.mailing_address is None
    assert back.user_update.model_fields_set == {"first_name"}
