"""Field types that also read what older histories recorded."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator

E = TypeVar("E")


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


# Before enums were typed, an unknown value was recorded as "" (e.g. the access level of an
# invalid request); it reads back as None.
OptionalEnum = Annotated[E | None, BeforeValidator(_blank_is_none)]
