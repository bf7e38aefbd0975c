"""How the settings become the Temporal client's TLS: plain in dev, system roots for a key,
a private CA, an mTLS pair (both halves or a clear error), a server name."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.service import TLSConfig

from cair.settings import Settings
from cair.temporal.client import tls_config


def settings(**given: object) -> Settings:
    return Settings(_env_file=None, **given)  # type: ignore[arg-type]


def test_a_dev_server_is_plain_and_an_api_key_implies_tls() -> None:
    assert tls_config(settings()) is False
    assert tls_config(settings(temporal_tls=True)) is True
    assert tls_config(settings(temporal_api_key="key")) is True


def test_mtls_with_a_private_ca_reads_every_file(tmp_path: Path) -> None:
    for name in ("ca.pem", "client.pem", "client.key"):
        (tmp_path / name).write_bytes(f"-----{name}-----".encode())
    config = tls_config(
        settings(
            temporal_tls_server_ca=tmp_path / "ca.pem",
            temporal_tls_client_cert=tmp_path / "client.pem",
            temporal_tls_client_key=tmp_path / "client.key",
            temporal_tls_server_name="temporal.internal",
        )
    )
    assert isinstance(config, TLSConfig)
    assert config.server_root_ca_cert == b"-----ca.pem-----"
    assert config.client_cert == b"-----client.pem-----"
    assert config.client_private_key == b"-----client.key-----"
    assert config.domain == "temporal.internal"


def test_half_a_client_pair_or_a_missing_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "client.pem").write_text("cert")
    with pytest.raises(ValueError, match="give both or neither"):
        tls_config(settings(temporal_tls_client_cert=tmp_path / "client.pem"))
    with pytest.raises(ValueError, match="CAIR_TEMPORAL_TLS_SERVER_CA: cannot read"):
        tls_config(settings(temporal_tls_server_ca=tmp_path / "absent.pem"))
