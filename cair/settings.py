"""Runtime settings, read from the environment (prefix ``CAIR_``) and an optional ``.env``.

One object describes where every real component lives, so the same code runs on the embedded dev
stack and in production by configuration alone.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cair.security.keyring import KeyRing


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
    web_port: int = Field(default=8000, description="Where `cair dev` serves the web and API.")
    dev_admin_email: str = Field(
        default="admin@cair.example", description="The staff admin `cair dev` creates."
    )
    codec_port: int = 8081
    codec_keys: SecretStr | None = Field(
        default=None,
        description="Payload key ring: base64 AES-256 keys, newest first, comma-separated. "
        "The newest encrypts; every one decrypts. Generated into var/codec.keys in dev.",
    )
    codec_key: SecretStr | None = Field(
        default=None, description="A single payload key (a ring of one); CAIR_CODEC_KEYS wins."
    )
    secrets_keys: SecretStr | None = Field(
        default=None,
        description="Key ring sealing data-exchange secrets until their reveal (not the payload "
        "keys). Generated into var/secrets.keys in dev.",
    )
    codec_auth_token: SecretStr | None = Field(
        default=None,
        description="Bearer token the codec endpoint demands. Generated into var/ in dev.",
    )
    region_map_path: Path | None = Field(
        default=None, description="County/region map; the packaged file if unset."
    )

    # Tunables (tests lower some of them).
    activity_timeout_seconds: float = 20.0
    org_history_threshold: int = 500
    # Sign-in links one address may ask for in 15 minutes, one organization in an hour: enough
    # for a person who lost an e-mail, too few to flood an inbox or start unbounded workflows.
    sign_in_limit_per_address: int = 5
    sign_in_limit_per_organization: int = 30
    # Enrollments one client (address) may send in an hour.
    submit_limit_per_client: int = 30

    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file under var/."""
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.var_dir / 'cair.db').resolve()}"

    def resolved_outbox_dir(self) -> Path:
        return self.outbox_dir or self.var_dir / "outbox"

    @field_validator("codec_keys", "codec_key", "secrets_keys")
    @classmethod
    def _keys_are_keys(cls, value: SecretStr | None, info: object) -> SecretStr | None:
        """A bad key is named at start, in a sentence, not found later in a traceback."""
        if value is not None:
            name = f"CAIR_{getattr(info, 'field_name', 'key').upper()}"
            KeyRing.from_text(value.get_secret_value(), name=name)
        return value

    def codec_ring(self) -> KeyRing:
        """The payload keys; in dev a ring of one is written to var/codec.keys on first use."""
        configured = self.codec_keys or self.codec_key
        if configured is not None:
            return KeyRing.from_text(configured.get_secret_value(), name="CAIR_CODEC_KEYS")
        legacy = self.var_dir / "codec.key"  # a dev folder from before rings: keep its key
        seed = legacy.read_text() if legacy.exists() else None
        text = private_file(self.var_dir / "codec.keys", lambda: seed or _new_key())
        return KeyRing.from_text(text, name=str(self.var_dir / "codec.keys"))

    def secrets_ring(self) -> KeyRing:
        """The keys sealing data-exchange secrets; in dev written to var/secrets.keys."""
        if self.secrets_keys is not None:
            return KeyRing.from_text(self.secrets_keys.get_secret_value(), name="CAIR_SECRETS_KEYS")
        text = private_file(self.var_dir / "secrets.keys", _new_key)
        return KeyRing.from_text(text, name=str(self.var_dir / "secrets.keys"))

    def codec_token(self) -> str:
        """The codec endpoint's bearer token; in dev written to var/codec.token."""
        if self.codec_auth_token is not None:
            return self.codec_auth_token.get_secret_value()
        return private_file(self.var_dir / "codec.token", lambda: secrets.token_urlsafe(32)).strip()


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode() + "\n"


def private_file(path: Path, make: Callable[[], str]) -> str:
    """Read a secret file, making it first if missing: created 0600 from the start (no moment
    where another user could read it), and never overwritten by a racing second process."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(make())
    return path.read_text()


def normalize_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``sqlite://`` URLs and pick the async drivers."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


class SettingsError(Exception):
    """Settings that cannot be used, worded without their values (some are secrets)."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as invalid:
        problems = [
            f"CAIR_{'_'.join(str(p) for p in e['loc']).upper()}: "
            + str(e["msg"]).removeprefix("Value error, ").split(": ", 1)[-1]
            for e in invalid.errors()
        ]
        raise SettingsError("; ".join(problems)) from None
