"""The data converter of every client and worker: pydantic payloads, encrypted by the codec,
with failure messages and stack traces encrypted too, and payloads not sealed with the service's
key refused (see ``cair/temporal/codec.py``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticPayloadConverter, pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    EncodingPayloadConverter,
)
from temporalio.exceptions import ApplicationError

from cair.security.keyring import KeyRing
from cair.temporal.codec import UNSEALED, EncryptionCodec

REFUSAL = "refused: a payload not sealed with the service's key (sent without its codec)"


class _RefuseUnsealed(EncodingPayloadConverter):
    """What the codec marked as unsealed. A failure, not any other error: the SDK then rejects
    the update, drops the signal or fails the start that carried it, and the workflow goes on."""

    @property
    def encoding(self) -> str:
        return UNSEALED.decode()

    def to_payload(self, value: Any) -> Payload | None:
        return None  # never chosen to encode

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        raise ApplicationError(REFUSAL, type="UnsealedPayload", non_retryable=True)


class SealedOnlyPayloadConverter(PydanticPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        self._set_converters(*self.converters.values(), _RefuseUnsealed())


def data_converter(keys: KeyRing | bytes) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_converter_class=SealedOnlyPayloadConverter,
        payload_codec=EncryptionCodec(keys, refuse_unsealed=True),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
