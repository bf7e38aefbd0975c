"""An e-mail's "the relay has it" mark on the worker's disk, written the instant the relay
answers "250", before the store records it.

Recording "sent" in the store can wait: on SQLite every writer queues for one lock, and under
load the commit came 0.3 s (p50) to 8 s after the relay's answer. A worker killed in that
window sent the e-mail again when the activity was retried. The mark closes the window to one
file write: a retry that finds the mark records the sending instead of repeating it. A process
crash keeps the mark (the kernel holds the write); a power cut may lose it, as it may lose the
relay's own acceptance. The mark is removed once the store has the row as sent.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class SentMarks:
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        # Hashed: keys carry ids only, but a file name should not carry a key's shape.
        return self._directory / hashlib.sha256(key.encode()).hexdigest()

    def mark(self, key: str) -> None:
        descriptor = os.open(self._path(key), os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(descriptor)

    def marked(self, key: str) -> bool:
        return self._path(key).exists()

    def clear(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
