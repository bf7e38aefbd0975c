"""Field types that also read what older histories recorded."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, GetCoreSchemaHandler, ValidationError
from pydantic_core import core_schema

E = TypeVar("E")


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


# Before enums were typed, an unknown value was recorded as "" (e.g. the access level of an
# invalid request); it reads back as None.
OptionalEnum = Annotated[E | None, BeforeValidator(_blank_is_none)]


class AsRecorded:
    """A request model that reads back, from a history, what it took when the history was
    recorded, even where its rules have grown stricter since: a change refused then (a role
    unknown, a ZIP code outside California) was recorded as sent, and replay must decode it.
    Its outcome is in the history already; the value is only read back, never acted on."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        strict = handler(source)
        model = self.model

        def read(value: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> Any:
            try:
                return validate(value)
            except ValidationError:
                if isinstance(value, dict):
                    return model.model_construct(**value)
                raise

        return core_schema.no_info_wrap_validator_function(read, strict)
