"""Only payloads sealed with the service's key reach workflow code: a plaintext one (sent by a
client without the codec) is refused by the data converter of every worker and client, while the
codec endpoint the Web UI decodes through still shows what Temporal itself writes in plain."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from cair.domain.contracts.enrollment import StaffDecision
from cair.temporal.converter import data_converter
from cair.web.codec_endpoint import create_codec_app

KEY = bytes(range(32))
TOKEN = "codec-token-for-trust-tests"


async def test_the_data_converter_refuses_a_plaintext_payload_as_a_failure() -> None:
    """A failure (not any other error): the SDK then rejects an update, drops a signal and fails
    a start, instead of failing the workflow task again and again."""
    [plain] = await pydantic_data_converter.encode([StaffDecision(by="Mallory")])
    with pytest.raises(ApplicationError, match="not sealed with the service's key") as refused:
        await data_converter(KEY).decode([plain], [StaffDecision])
    assert refused.value.non_retryable and "Mallory" not in str(refused.value)


async def test_sealed_payloads_still_decode() -> None:
    converter = data_converter(KEY)
    [sealed] = await converter.encode([StaffDecision(by="Dana Staff")])
    assert await converter.decode([sealed], [StaffDecision]) == [StaffDecision(by="Dana Staff")]


async def test_the_codec_endpoint_still_shows_plain_payloads_temporal_writes() -> None:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"terminated by an operator"')
    body = {
        "payloads": [
            {
                "metadata": {k: base64.b64encode(v).decode() for k, v in plain.metadata.items()},
                "data": base64.b64encode(plain.data).decode(),
            }
        ]
    }
    app = create_codec_app(KEY, token=TOKEN)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://codec") as client:
        answer = await client.post(f"/{TOKEN}/decode", content=json.dumps(body))
    assert answer.status_code == 200
    [shown] = answer.json()["payloads"]
    assert base64.b64decode(shown["data"]) == plain.data
