"""The payload codec and the codec endpoint the Temporal UI decodes through."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from temporalio.api.common.v1 import Payload

from cair.domain.contracts.enrollment import EnrollmentInput
from cair.domain.request import EnrollmentRequest
from cair.temporal.codec import EncryptionCodec
from cair.temporal.converter import data_converter
from cair.web.codec_endpoint import create_codec_app
from tests.support import example

pytestmark = pytest.mark.asyncio(loop_scope="session")
KEY = bytes(range(32))


async def test_round_trip_hides_personal_data() -> None:
    converter = data_converter(KEY)
    start = EnrollmentInput(
        enrollment_id="EN0000TEST", request=EnrollmentRequest.model_validate(example("clinic"))
    )
    [encoded] = await converter.encode([start])
    assert encoded.metadata["encoding"] == b"binary/encrypted"
    assert b"okafor" not in encoded.data.lower() and b"510-555" not in encoded.data
    [decoded] = await converter.decode([encoded], [EnrollmentInput])
    assert decoded == start


async def test_tampering_and_wrong_keys_are_refused() -> None:
    codec = EncryptionCodec(KEY)
    [encoded] = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')])
    tampered = Payload()
    tampered.CopyFrom(encoded)
    tampered.data = encoded.data[:-1] + bytes([encoded.data[-1] ^ 1])
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        await codec.decode([tampered])
    with pytest.raises(ValueError, match="encrypted with key"):
        await EncryptionCodec(bytes(32)).decode([encoded])
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"region"')
    assert await codec.decode([plain]) == [plain]  # search attributes pass through
    with pytest.raises(ValueError, match="32 bytes"):
        EncryptionCodec(b"short")


async def test_codec_endpoint_decodes_for_the_ui_with_cors() -> None:
    codec = EncryptionCodec(KEY)
    [encoded] = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"hi"')])
    body = {
        "payloads": [
            {
                "metadata": {k: base64.b64encode(v).decode() for k, v in encoded.metadata.items()},
                "data": base64.b64encode(encoded.data).decode(),
            }
        ]
    }
    app = create_codec_app(KEY)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        preflight = await client.options(
            "/decode",
            headers={
                "Origin": "http://localhost:8233",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-namespace",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://localhost:8233"
        answer = await client.post(
            "/decode", content=json.dumps(body), headers={"X-Namespace": "default"}
        )
        assert answer.status_code == 200
        [payload] = answer.json()["payloads"]
        assert base64.b64decode(payload["data"]) == b'"hi"'
        again = await client.post("/encode", content=json.dumps(answer.json()))
        [reencoded] = again.json()["payloads"]
        assert base64.b64decode(reencoded["metadata"]["encoding"]) == b"binary/encrypted"
