"""Ending a server the dev stack started: asked first (SIGTERM), killed if it does not go."""

from __future__ import annotations

import signal
import subprocess


def end(process: subprocess.Popen[bytes], *, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
