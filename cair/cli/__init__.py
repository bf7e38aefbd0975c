"""The ``cair`` command. A client command makes one HTTP call and starts in a fraction of a
second: it imports typer, httpx and this package's small modules, never the settings, the store
or Temporal, which operator commands import in their bodies (tests/test_cli_imports.py)."""

import sys

# httpx imports its own command-line client when rich, pygments and click are installed, a third
# of its import time; ``cair`` never runs it. None in sys.modules makes that import fail at once,
# and httpx goes on without it (it catches the ImportError).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
