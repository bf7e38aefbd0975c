"""Where the CLI keeps what it signed in with: session tokens (staff, representative) and the
status tokens of enrollments it submitted. One file, 0600, under the user's config folder
(``$CAIR_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/cair``, else ``~/.config/cair``), per API URL;
tokens never go on a command line or into the shell's history."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def config_dir() -> Path:
    explicit = os.environ.get("CAIR_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cair"


class CredentialsStore:
    def __init__(self, api_url: str, folder: Path | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        self.path = (folder or config_dir()) / "credentials.json"

    def _load(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.path.read_text())
            return data
        except (OSError, ValueError):
            return {}

    def _save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle, indent=2)
        os.replace(temporary, self.path)

    def _mine(self) -> dict[str, Any]:
        return dict(self._load().get(self.api_url, {}))

    def get(self, kind: str) -> dict[str, Any] | None:
        found = self._mine().get(kind)
        return dict(found) if isinstance(found, dict) else None

    def put(self, kind: str, value: dict[str, Any] | None) -> None:
        data = self._load()
        mine = dict(data.get(self.api_url, {}))
        if value is None:
            mine.pop(kind, None)
        else:
            mine[kind] = value
        data[self.api_url] = mine
        self._save(data)

    def status_token(self, enrollment_id: str) -> str | None:
        tokens = self._mine().get("status_tokens", {})
        token = tokens.get(enrollment_id) if isinstance(tokens, dict) else None
        return str(token) if token else None

    def keep_status_token(self, enrollment_id: str, token: str) -> None:
        tokens = dict(self._mine().get("status_tokens", {}))
        tokens[enrollment_id] = token
        self.put("status_tokens", tokens)
