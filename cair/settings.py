"""Runtime settings, read from the environment (prefix ``CAIR_``) and an optional ``.env``.

One object describes where every real component lives, so the same code runs on the embedded dev
stack and in production by configuration alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import SettingsConfigDict

from cair.operations_settings import OperationsSettings
from cair.security.keyring import KeyRing
from cair.security.secret_files import new_key as _new_key
from cair.security.secret_files import new_token as _new_token
from cair.security.secret_files import private_file

MIN_SECRET_CHARS = 16


class Settings(OperationsSettings):
    """Where Temporal, the database, SMTP and the codec key live."""

    model_config = SettingsConfigDict(env_prefix="CAIR_", env_file=".env", extra="ignore")
    _web_key: str | None = PrivateAttr(default=None)

    var_dir: Path = Field(default=Path("var"), description="Local state of the dev stack.")
    database_url: str = Field(default="", description="SQLAlchemy URL; SQLite under var/ if empty.")
    database_pool_size: int = Field(
        default=20, ge=1, description="Store connections per process, at most (kept open)."
    )

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "cair-onboarding"
    temporal_tls: bool = Field(
        default=False, description="TLS to the frontend; implied by an API key or a client cert."
    )
    temporal_api_key: SecretStr | None = Field(
        default=None, description="Temporal Cloud API key (Authorization: Bearer)."
    )
    temporal_tls_client_cert: Path | None = Field(
        default=None, description="mTLS client certificate (PEM), with temporal_tls_client_key."
    )
    temporal_tls_client_key: Path | None = Field(
        default=None, description="mTLS client private key (PEM), with temporal_tls_client_cert."
    )
    temporal_tls_server_ca: Path | None = Field(
        default=None,
        description="CA of a self-hosted cluster's certificate; system roots if unset.",
    )
    temporal_tls_server_name: str | None = Field(
        default=None, description="Name to verify the server certificate against, if not the host."
    )
    temporal_ui_port: int = 8233
    temporal_ui_url: str = Field(
        default="",
        description="Where ops open the Temporal Web UI; the staff console links each item to "
        "its workflow there. http://localhost:<temporal_ui_port> if empty.",
    )

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
    web_secret_key: SecretStr | None = Field(
        default=None,
        description="Signs the web pages' CSRF tokens. Generated into var/web.key in dev.",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Send cookies only over HTTPS; on when public_base_url is https if unset.",
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
    require_keys: bool = Field(
        default=False,
        description="Refuse to start without the key settings instead of making keys under "
        "var/: on in every deployment of more than one machine.",
    )
    staff_second_factor: Literal["required", "dev-admin-exempt"] = Field(
        default="required",
        description="Staff sign in with a code from an authenticator app. `cair dev` sets "
        "dev-admin-exempt: its seeded admin signs in by link alone. Refused in a deployment "
        "(https, or keys required).",
    )
    codec_allowed_origins: str = Field(
        default="",
        description="Comma-separated origins of the Temporal Web UI allowed to call the codec "
        "endpoint; the local UI if empty.",
    )
    region_map_path: Path | None = Field(
        default=None, description="County/region map; the packaged file if unset."
    )

    migrate_on_start: bool = Field(
        default=True,
        description="The worker brings the schema up to date when it starts (dev, one machine). "
        "Off in a multi-machine deployment: `cair migrate` runs once per release.",
    )

    # Worker tuning (docs/performance.md says how these were chosen).
    worker_max_cached_workflows: int = Field(
        default=300,
        ge=0,
        description="Sticky cache: workflows kept in memory between tasks. It, not the number "
        "of workflows waiting, bounds the worker's memory (docs/performance.md).",
    )
    worker_max_concurrent_workflow_tasks: int = Field(default=100, ge=1)
    worker_max_concurrent_activities: int = Field(
        default=50, ge=1, description="Activities run at once; each holds a database connection."
    )
    worker_graceful_shutdown_seconds: float = Field(
        default=30.0,
        ge=0,
        description="On SIGTERM, how long running activities may finish before they are "
        "cancelled (and retried by another worker).",
    )
    worker_workflow_pollers: int = Field(default=5, ge=2)
    worker_activity_pollers: int = Field(default=5, ge=1)

    # Tunables (tests lower some of them).
    activity_timeout_seconds: float = 20.0
    org_history_threshold: int = 500
    # Sign-in links asked for one address in 15 minutes (from anywhere), and by one client for
    # one organization (or for staff) in an hour: enough for a person who lost an e-mail, too
    # few to flood an inbox or start unbounded workflows (docs/reliability.md).
    sign_in_limit_per_address: int = 5
    sign_in_limit_per_organization: int = 30
    # Enrollments one client (address) may send in an hour.
    submit_limit_per_client: int = 30
    confirm_applicant_address: bool = Field(
        default=True,
        description="An online request reaches staff only once its primary contact confirmed "
        "their address by the e-mailed link (it expires unconfirmed after 7 days). Only the "
        "tests of other things turn it off.",
    )
    dx_sign_on_cache_seconds: float = Field(default=300.0, ge=0, le=3600)  # 0: off (dx_messages)
    trusted_proxy_header: str = Field(
        default="",
        description="Header (e.g. X-Forwarded-For) whose last entry is the client's address, "
        "as the proxy in front of every API process wrote it; off if empty. Set it only when "
        "no request can reach the API around that proxy: a client can write the header too.",
    )

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

    @field_validator("web_secret_key", "codec_auth_token")
    @classmethod
    def _secrets_are_long(cls, value: SecretStr | None, info: object) -> SecretStr | None:
        """A blank secret is no secret: refused at start, as a short one is."""
        if value is not None and len(value.get_secret_value().strip()) < MIN_SECRET_CHARS:
            name = f"CAIR_{getattr(info, 'field_name', 'secret').upper()}"
            raise ValueError(f"{name}: at least {MIN_SECRET_CHARS} characters")
        return value

    @field_validator("staff_second_factor")
    @classmethod
    def _exempt_only_in_dev(cls, value: str, info: ValidationInfo) -> str:
        """The dev admin's exemption is never a deployment's: https, or keys required."""
        secure = info.data.get("cookie_secure")
        https = str(info.data.get("public_base_url", "")).startswith("https://")
        if value != "required" and (info.data.get("require_keys") or secure or https):
            raise ValueError("dev-admin-exempt is for `cair dev` only, never a deployment")
        return value

    def second_factor_exempt(self, email: str) -> bool:
        """Whether this staff member signs in by link alone: only `cair dev`'s admin."""
        exempt = self.staff_second_factor == "dev-admin-exempt"
        return exempt and email.strip().lower() == self.dev_admin_email.strip().lower()

    def codec_ring(self) -> KeyRing:
        """The payload keys; in dev a ring of one is written to var/codec.keys on first use."""
        configured = self.codec_keys or self.codec_key
        if configured is not None:
            return KeyRing.from_text(configured.get_secret_value(), name="CAIR_CODEC_KEYS")
        legacy = self.var_dir / "codec.key"  # a dev folder from before rings: keep its key
        seed = legacy.read_text() if legacy.exists() else None
        text = self._dev_secret("codec.keys", "CAIR_CODEC_KEYS", lambda: seed or _new_key())
        return KeyRing.from_text(text, name=str(self.var_dir / "codec.keys"))

    def secrets_ring(self) -> KeyRing:
        """The keys sealing data-exchange secrets; in dev written to var/secrets.keys."""
        if self.secrets_keys is not None:
            return KeyRing.from_text(self.secrets_keys.get_secret_value(), name="CAIR_SECRETS_KEYS")
        text = self._dev_secret("secrets.keys", "CAIR_SECRETS_KEYS", _new_key)
        return KeyRing.from_text(text, name=str(self.var_dir / "secrets.keys"))

    def web_key(self) -> bytes:
        """The key signing CSRF tokens; in dev written to var/web.key."""
        if self.web_secret_key is not None:
            return self.web_secret_key.get_secret_value().encode()
        if self._web_key is None:  # every page signs with it: read the file once
            self._web_key = self._dev_secret("web.key", "CAIR_WEB_SECRET_KEY", _new_key)
        return self._web_key.strip().encode()

    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.public_base_url.startswith("https://")

    def workflow_ui_url(self, workflow_id: str) -> str:
        """A workflow's page in the Temporal Web UI."""
        base = (self.temporal_ui_url or f"http://localhost:{self.temporal_ui_port}").rstrip("/")
        namespace, workflow = quote(self.temporal_namespace, safe=""), quote(workflow_id, safe="")
        return f"{base}/namespaces/{namespace}/workflows/{workflow}"

    def codec_token(self) -> str:
        """The codec endpoint's bearer token; in dev written to var/codec.token."""
        if self.codec_auth_token is not None:
            return self.codec_auth_token.get_secret_value()
        token = self._dev_secret("codec.token", "CAIR_CODEC_AUTH_TOKEN", _new_token)
        return token.strip()

    def codec_origins(self) -> list[str]:
        """Where the Temporal Web UI pages that may call the codec endpoint come from."""
        given = [o.strip().rstrip("/") for o in self.codec_allowed_origins.split(",") if o.strip()]
        port = self.temporal_ui_port
        return given or [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]

    def _dev_secret(self, file_name: str, setting: str, make: Callable[[], str]) -> str:
        """A key from var/ (made there on first use) on one machine; refused when keys must be
        given, so N machines never run on N different keys."""
        if self.require_keys:
            raise ValueError(f"{setting} is not set (CAIR_REQUIRE_KEYS: keys must be given)")
        return private_file(self.var_dir / file_name, make)


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
