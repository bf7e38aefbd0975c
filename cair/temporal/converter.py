"""The data converter of every client and worker: pydantic payloads, encrypted by the codec,
with failure messages and stack traces encrypted too."""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from cair.security.keyring import KeyRing
from cair.temporal.codec import EncryptionCodec


def data_converter(keys: KeyRing | bytes) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
