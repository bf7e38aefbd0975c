"""Benchmark requests: the project's examples, each made a new organization by a tag (the
duplicate check would otherwise refuse the second)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example(name: str, tag: str) -> dict[str, Any]:
    """``examples/enrollment-{name}.json`` as organization "<name> <tag>" at "<tag> Bench Way"."""
    data: dict[str, Any] = json.loads((EXAMPLES / f"enrollment-{name}.json").read_text())
    organization = data["organization"]
    organization["name"] = f"{organization['name']} {tag}"
    organization["physical_address"]["line1"] = f"{tag} Bench Way"
    return data


def clinic_waiting(tag: str) -> dict[str, Any]:
    """The clinic with one user, a regular one: the enrollment waits on that user's training."""
    data = example("clinic", tag)
    data["users"] = [u for u in data["users"] if u["role"] == "regular"]
    return data
