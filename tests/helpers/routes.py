"""What guards a FastAPI route, read off the application: the API and page tests check every
route carries its guard, so a new route cannot forget one."""

from __future__ import annotations

from typing import Any


def dependency_calls(dependant: Any) -> list[Any]:
    """Every callable a FastAPI route depends on, however deep: what guards it."""
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found += dependency_calls(sub)
    return found
