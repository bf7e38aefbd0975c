"""Where things are: the checkout, its example requests, and the virtualenv's commands (the
tests run ``cair``, ``temporal`` and the test server from there, as a person would)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
