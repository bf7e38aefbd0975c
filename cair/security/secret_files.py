"""The dev stack's own secrets, kept as files under var/ that only their owner may read: made
once, atomically, by whichever process needs them first."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode() + "\n"


def private_file(path: Path, make: Callable[[], str]) -> str:
    """Read a secret file, making it first if missing: written whole to a private temporary
    file (0600 from the start) and linked into place, so a racing second process either makes
    its own link fail and reads the first one's whole file, or never sees a partial one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    text = path.read_text()
    if not text.strip():
        raise ValueError(f"{path}: empty; delete it to have a new one made")
    return text
