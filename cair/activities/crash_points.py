"""Test-only pause points, so crash tests can SIGKILL a worker at a chosen step.

Inert unless ``CAIR_FAULT_PAUSE_AT`` names a point; then the activity writes
``<var>/paused-<point>`` and waits there until the process is killed.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path


async def pause_point(name: str) -> None:
    wanted = os.environ.get("CAIR_FAULT_PAUSE_AT", "")
    if not wanted or name not in wanted.split(","):
        return
    marker_dir = Path(os.environ.get("CAIR_VAR_DIR", "var"))
    marker_dir.mkdir(parents=True, exist_ok=True)
    (marker_dir / f"paused-{name}").write_text(str(os.getpid()))
    await asyncio.Event().wait()  # until SIGKILL
