"""The payload codec, its key ring, the sealing of secrets, and the codec endpoint the Temporal UI
decodes through: only for the token holder, only its namespace, never a 500."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from cair.domain.contracts.enrollment import EnrollmentInput, StaffDecision
from cair.domain.request import EnrollmentRequest
from cair.security.keyring import KeyRing, KeyRingError
from cair.security.sealing import SealError, seal, unseal
from cair.settings import Settings, SettingsError, get_settings
from cair.temporal.codec import CodecError, EncryptionCodec
from cair.temporal.converter import SealedOnlyPayloadConverter, data_converter, shared_type_adapter
from cair.web.codec_endpoint import create_codec_app
from cair.worker import WORKFLOWS
from tests.helpers.codec import CODEC_KEY
from tests.helpers.examples import example
from tests.helpers.paths import ROOT

KEY = bytes(range(32))
NEW_KEY = bytes(range(32, 64))
TOKEN = "codec-token-for-tests"


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


def test_every_workflow_s_converter_shares_one_type_adapter_per_type() -> None:
    """The worker makes a payload converter per workflow; the type adapter of a payload type is
    built once per process, not once per converter."""
    decision = StaffDecision(by="Staff Member")
    payload = SealedOnlyPayloadConverter().to_payloads([decision])
    first = SealedOnlyPayloadConverter().from_payloads(payload, [StaffDecision])
    built = shared_type_adapter.cache_info().currsize
    hits = shared_type_adapter.cache_info().hits
    again = SealedOnlyPayloadConverter().from_payloads(payload, [StaffDecision])
    assert first == again == [decision]
    assert shared_type_adapter.cache_info().currsize == built
    assert shared_type_adapter.cache_info().hits == hits + 1


async def test_tampering_and_unknown_keys_are_refused() -> None:
    codec = EncryptionCodec(KEY)
    [encoded] = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')])
    tampered = Payload()
    tampered.CopyFrom(encoded)
    tampered.data = encoded.data[:-1] + bytes([encoded.data[-1] ^ 1])
    with pytest.raises(CodecError, match="altered"):
        await codec.decode([tampered])
    with pytest.raises(CodecError, match="encrypted with key"):
        await EncryptionCodec(bytes(32)).decode([encoded])
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"region"')
    assert await codec.decode([plain]) == [plain]  # search attributes pass through
    with pytest.raises(KeyRingError, match="32"):
        EncryptionCodec(b"short")


async def test_a_key_rotation_keeps_old_payloads_and_recorded_histories_readable() -> None:
    [old] = await EncryptionCodec(KEY).encode([Payload(metadata={"a": b"b"}, data=b"old")])
    rotated = EncryptionCodec(KeyRing([NEW_KEY, KEY]))
    [new] = await rotated.encode([Payload(metadata={"a": b"b"}, data=b"new")])
    assert new.metadata["encryption-key-id"] == rotated.ring.newest_id.encode()
    assert [p.data for p in await rotated.decode([old, new])] == [b"old", b"new"]

    history = sorted((ROOT / "tests" / "replay" / "histories").glob("Enrollment*.json"))[0]
    workflow_id = history.stem.split("-", 1)[1].rsplit("-", 1)[0]
    replayer = Replayer(
        workflows=list(WORKFLOWS), data_converter=data_converter(KeyRing([NEW_KEY, CODEC_KEY]))
    )
    result = await replayer.replay_workflow(
        WorkflowHistory.from_json(workflow_id, history.read_text()), raise_on_replay_failure=True
    )
    assert result.replay_failure is None


def test_secrets_are_sealed_to_their_row_and_open_after_a_rotation() -> None:
    ring = KeyRing([KEY])
    sealed = seal(ring, "s3cret", purpose="p", context="17")
    assert "s3cret" not in sealed and sealed.startswith("v1.")
    assert unseal(KeyRing([NEW_KEY, KEY]), sealed, purpose="p", context="17") == "s3cret"
    with pytest.raises(SealError):
        unseal(ring, sealed, purpose="p", context="18")  # copied to another credential's row
    with pytest.raises(SealError, match="no longer has"):
        unseal(KeyRing([NEW_KEY]), sealed, purpose="p", context="17")


def test_dev_key_files_are_private_from_the_start(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    codec, sealing, token = settings.codec_ring(), settings.secrets_ring(), settings.codec_token()
    assert codec.newest != sealing.newest and len(token) >= 32
    for name in ("codec.keys", "secrets.keys", "codec.token"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert Settings(_env_file=None, var_dir=tmp_path).codec_ring().ids == codec.ids


def test_racing_processes_read_one_whole_key_file(tmp_path: Path) -> None:
    """Many processes starting at once on one var/ never read a half-written or empty file."""
    with concurrent.futures.ProcessPoolExecutor(max_workers=4) as pool:
        tokens = list(pool.map(_codec_token_in, [tmp_path] * 16))
    assert len(set(tokens)) == 1 and len(tokens[0]) >= 32
    assert [p.name for p in tmp_path.iterdir()] == ["codec.token"]  # no temporary file left


def _codec_token_in(var_dir: Path) -> str:
    return Settings(_env_file=None, var_dir=var_dir).codec_token()


def test_a_blank_or_short_secret_is_refused_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("", "   ", "short"):
        refused = _refusal(monkeypatch, "CAIR_WEB_SECRET_KEY", value)
        assert "CAIR_WEB_SECRET_KEY: at least 16 characters" in refused and "short" not in refused


def test_a_bad_key_in_the_environment_is_named_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused = _refusal(monkeypatch, "CAIR_CODEC_KEY", "not-a-key!!")
    assert refused == "CAIR_CODEC_KEY: key 1 is not base64"


def _refusal(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    """What the settings say when ``name`` is ``value`` in the environment."""
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as refused:
            get_settings()
    finally:
        get_settings.cache_clear()
    return str(refused.value)


def _body(payloads: list[Payload]) -> str:
    return json.dumps(
        {
            "payloads": [
                {
                    "metadata": {k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                    "data": base64.b64encode(p.data).decode(),
                }
                for p in payloads
            ]
        }
    )


def _client() -> httpx.AsyncClient:
    app = create_codec_app(KEY, token=TOKEN, namespace="cair", max_body_bytes=64 * 1024)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_codec_endpoint_decodes_for_the_ui_with_cors() -> None:
    [encoded] = await EncryptionCodec(KEY).encode(
        [Payload(metadata={"encoding": b"json/plain"}, data=b'"hi"')]
    )
    async with _client() as client:
        preflight = await client.options(
            f"/{TOKEN}/decode",
            headers={
                "Origin": "http://localhost:8233",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-namespace",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://localhost:8233"
        answer = await client.post(
            f"/{TOKEN}/decode", content=_body([encoded]), headers={"X-Namespace": "cair"}
        )
        assert answer.status_code == 200
        [payload] = answer.json()["payloads"]
        assert base64.b64decode(payload["data"]) == b'"hi"'
        again = await client.post(
            "/encode",
            content=json.dumps(answer.json()),
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        [reencoded] = again.json()["payloads"]
        assert base64.b64decode(reencoded["metadata"]["encoding"]) == b"binary/encrypted"


@pytest.mark.parametrize(
    ("path", "headers", "body", "status"),
    [
        ("/decode", {}, "{}", 401),
        ("/decode", {"Authorization": "Bearer wrong"}, "{}", 401),
        ("/wrong-token/decode", {}, "{}", 401),
        (f"/{TOKEN}/decode", {"X-Namespace": "someone-else"}, "{}", 403),
        (f"/{TOKEN}/decode", {}, "not json at all", 400),
        (f"/{TOKEN}/decode", {}, '{"payloads": 3}', 400),
        (f"/{TOKEN}/decode", {}, "\udcff", 400),
        (f"/{TOKEN}/decode", {}, "x" * 70_000, 413),
    ],
)
async def test_codec_endpoint_refusals(
    path: str, headers: dict[str, str], body: Any, status: int
) -> None:
    async with _client() as client:
        content = body.encode(errors="surrogateescape")
        answer = await client.post(path, content=content, headers=headers)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"


async def test_codec_endpoint_says_400_for_a_payload_of_another_key() -> None:
    [foreign] = await EncryptionCodec(NEW_KEY).encode([Payload(data=b"x")])
    junk = Payload(metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"x"}, data=b"")
    async with _client() as client:
        for payload in (foreign, junk):
            answer = await client.post(f"/{TOKEN}/decode", content=_body([payload]))
            assert answer.status_code == 400 and "key" in answer.json()["title"]
