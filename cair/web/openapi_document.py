"""Write the OpenAPI document to docs/openapi.json (``make openapi``); a test keeps the committed
file equal to the served one, so an API change shows in review."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from cair.settings import Settings
from cair.web.app import create_app


def document() -> str:
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings(_env_file=None, var_dir=Path(scratch)))
        return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.json")
    target.write_text(document())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
