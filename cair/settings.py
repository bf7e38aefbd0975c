"""Runtime settings, read from the environment (prefix ``CAIR_``) and an optional ``.env``.

One object describes where every real component lives, so the same code runs on the embedded dev
stack and in production by configuration alone.
"""

from __future__ import annotations

import base64
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where Temporal, the database, SMTP and the codec key live."""

    model_config = SettingsConfigDict(env_prefix="CAIR_", env_file=".env", extra="ignore")

    var_dir: Path = Field(default=Path("var"), description="Local state of the dev stack.")
    database_url: str = Field(default="", description="SQLAlchemy URL; SQLite under var/ if empty.")

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "cair-onboarding"
    temporal_tls: bool = False
    temporal_api_key: SecretStr | None = None
    temporal_ui_port: int = 8233

    smtp_host: str = "localhost"
    smtp_port: int = 1025
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    sender: str = "CAIR Enrollment <no-reply@cair.example>"
    staff_queue_email: str = "cair-enrollment-staff@cair.example"
    outbox_dir: Path | None = Field(default=None, description="Dev SMTP server writes .eml here.")

    public_base_url: str = "http://localhost:8000"
    codec_port: int = 8081
    codec_key: SecretStr | None = Field(
        default=None, description="Base64 AES-256 key for payloads; generated into var/ in dev."
    )
    region_map_path: Path | None = Field(
        default=None, description="County/region map; the packaged file if unset."
    )

    # Tunables (tests lower some of them).
    activity_timeout_seconds: float = 20.0
    org_history_threshold: int = 500

    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file under var/."""
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.var_dir / 'cair.db').resolve()}"

    def resolved_outbox_dir(self) -> Path:
        return self.outbox_dir or self.var_dir / "outbox"

    def resolved_codec_key(self) -> bytes:
        """The payload key; in dev a fresh one is written to var/codec.key on first use."""
        if self.codec_key is not None:
            return base64.b64decode(self.codec_key.get_secret_value())
        key_file = self.var_dir / "codec.key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
            key_file.chmod(0o600)
        return base64.b64decode(key_file.read_text().strip())


def normalize_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``sqlite://`` URLs and pick the async drivers."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
