"""The data converter of every client and worker: pydantic payloads, encrypted by the codec,
with failure messages and stack traces encrypted too, and payloads not sealed with the service's
key refused (see ``cair/temporal/codec.py``)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import (
    PydanticJSONPlainPayloadConverter,
    PydanticPayloadConverter,
    pydantic_data_converter,
)
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


# One type adapter per payload type for the whole process. The worker makes a new payload
# converter for every workflow it runs, so a converter's own cache built the same adapters
# again for each workflow (pydantic's schema building: ~4 % of the worker's CPU).
# Payload types come from modules the sandbox passes through (one class per process); a type
# defined in a workflow's own module would be a new class per workflow and fill this cache.
shared_type_adapter = functools.lru_cache(maxsize=1024)(TypeAdapter)


class _SharedTypeAdapters(PydanticJSONPlainPayloadConverter):
    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        hint: Any = type_hint if type_hint is not None else Any
        try:
            hash(hint)
        except TypeError:  # an unhashable hint is not cached
            return TypeAdapter(hint).validate_json(payload.data)
        return shared_type_adapter(hint).validate_json(payload.data)


class SealedOnlyPayloadConverter(PydanticPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        converters = [
            _SharedTypeAdapters() if isinstance(c, PydanticJSONPlainPayloadConverter) else c
            for c in self.converters.values()
        ]
        self._set_converters(*converters, _RefuseUnsealed())


def data_converter(keys: KeyRing | bytes) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_converter_class=SealedOnlyPayloadConverter,
        payload_codec=EncryptionCodec(keys, refuse_unsealed=True),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
