"""What every ``cair`` command shares: reading a request file safely, printing results and
refusals the same way, leaving at once."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from cair.domain.limits import MAX_REQUEST_BYTES


def exit_now(code: int) -> NoReturn:
    """Flush and leave at once: the Temporal SDK can abort at interpreter exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def fail(*lines: str, code: int = 1) -> NoReturn:
    """Refusals on stderr, one line each, and a non-zero exit."""
    for line in lines:
        print(line, file=sys.stderr)
    exit_now(code)


def read_json(path: Path) -> Any:
    """A JSON request file, or one sentence saying why it cannot be one."""
    name = str(path)
    if not path.exists():
        fail(f"error: {name}: no such file")
    if path.is_dir():
        fail(f"error: {name}: is a folder, not a file")
    try:
        size = path.stat().st_size
        if size > MAX_REQUEST_BYTES:
            fail(f"error: {name}: {size} bytes; a request is at most {MAX_REQUEST_BYTES} bytes")
        raw = path.read_bytes()
    except PermissionError:
        fail(f"error: {name}: not readable (permission denied)")
    except OSError as error:
        fail(f"error: {name}: cannot be read ({error.strerror})")
    if not raw.strip():
        fail(f"error: {name}: is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and b"\x00" in raw[:4]):
        fail(f"error: {name}: is UTF-16 text; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(f"error: {name}: is not UTF-8 text (a binary file?)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as bad:
        fail(f"error: {name}: not valid JSON ({bad.msg} at line {bad.lineno} column {bad.colno})")
    except RecursionError:
        fail(f"error: {name}: nested too deeply to be a request")


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))
