"""The example requests the README shows, and variants of them: every test enrolls an
organization of its own, so one test's request never trips another's duplicate check."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.helpers.paths import EXAMPLES


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"enrollment-{name}.json").read_text())
    return data


def variant(
    name: str, tag: str, *, email_domain: str | None = None, **organization: Any
) -> dict[str, Any]:
    """An example request for a distinct organization, so tests do not trip the duplicate check;
    with ``email_domain`` its people get addresses of their own too."""
    data = copy.deepcopy(example(name))
    if email_domain:
        text = json.dumps(data)
        for domain in set(re.findall(r"@([\w.-]+\.example)", text)):
            text = text.replace(f"@{domain}", f"@{email_domain}")
        data = json.loads(text)
    data["organization"]["name"] = f"{data['organization']['name']} {tag}"
    data["organization"]["physical_address"]["line1"] = f"100 {tag} Way"
    data["organization"].update(organization)
    return data
