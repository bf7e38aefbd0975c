"""Reading a request in one pass. Pydantic checks types, required and unknown keys, lengths and
shapes; where it refuses a value, the request is still read — that value blank, its path
``unread`` — so the rules across fields run on the rest, and one answer names every problem:
never one round for the structure and another for the rules."""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from cair.domain.problems import Problem
from cair.domain.shapes import PATTERN_WORDS

M = TypeVar("M", bound=BaseModel)
ROOT = "(request)"  # the path of a problem with the request as a whole
_MISSING = object()

_WORDS = {
    "extra_forbidden": "unknown field (not part of the request)",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "json_invalid": "not valid JSON",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD)",
}


@dataclass(frozen=True)
class Reading(Generic[M]):
    """The request as read, and what pydantic found. In ``value`` whatever was refused or
    missing is blank, and its path is in ``unread``: a rule that hangs on such an answer holds
    back. ``value`` is None when the body is not even an object."""

    value: M | None
    problems: tuple[Problem, ...] = ()
    unread: frozenset[str] = frozenset()


def unread_at(unread: frozenset[str], path: str) -> bool:
    """Whether the answer at ``path``, or what holds it, was refused or missing."""
    parts = path.split(".")
    return any(".".join(parts[:end]) in unread for end in range(1, len(parts) + 1))


def read(model: type[M], data: object) -> Reading[M]:
    """Pydantic's problems with ``data``, and ``data`` read as far as it can be."""
    if isinstance(data, model):
        return Reading(data)
    data = _with_objects(model, data)
    try:
        return Reading(model.model_validate(data))
    except ValidationError as invalid:
        errors = invalid.errors()
    problems: dict[str, Problem] = {}
    for error in errors:
        found = problem_from(error)
        problems.setdefault(found.path, found)
    unread = frozenset(problems)
    value = _construct(model, data, "", unread) if isinstance(data, Mapping) else None
    return Reading(value, tuple(problems.values()), unread)


def answer(reading: Reading[Any], rules: Iterable[Problem]) -> list[Problem]:
    """One problem per field: pydantic's, then the rules' where pydantic found nothing (what a
    rule says of a blank stand-in is not news). A rule that says more than a bare "required"
    says it instead; two rules on one field are joined."""
    by_path = {problem.path: problem for problem in reading.problems}
    from_rules: set[str] = set()
    for problem in rules:
        earlier = by_path.get(problem.path)
        if earlier is None:
            if unread_at(reading.unread, problem.path):
                continue
            by_path[problem.path] = problem
            from_rules.add(problem.path)
        elif problem.path in from_rules:
            joined = f"{earlier.message}; {problem.message}"
            by_path[problem.path] = Problem(problem.path, joined)
        elif earlier.message == "required" and problem.message.startswith("required"):
            by_path[problem.path] = problem
    return list(by_path.values())


def problem_from(error: Any) -> Problem:
    """Pydantic's finding in the words of the rest: the field and the rule, never the value."""
    path = ".".join(str(part) for part in error["loc"]) or ROOT
    return Problem(path, _words(error))


def _words(error: Any) -> str:
    kind, context, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "extra_forbidden":
        return _WORDS[kind]
    blank = given is None or isinstance(given, str) and not given.strip() and kind != "value_error"
    if kind == "missing" or blank and error["loc"]:
        return "required"
    if kind == "string_too_long":
        return f"too long: at most {context['max_length']} characters"
    if kind == "too_long":
        return f"too many: at most {context['max_length']}"
    if kind in ("too_short", "string_too_short"):
        return f"too short: at least {context['min_length']}"
    if kind == "string_pattern_mismatch":
        return PATTERN_WORDS.get(str(context.get("pattern")), "does not have the expected form")
    if kind in ("literal_error", "enum"):
        listed = str(context.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"must be one of: {listed}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return _WORDS.get(kind, str(error["msg"]).lower())


# ---- reading what pydantic refused ----------------------------------------------------------


def _with_objects(model: type[BaseModel], data: object) -> object:
    """``data`` with an empty object for each required object left out (so its own fields are
    named, not only the object) and an empty list for each required list."""
    if not isinstance(data, Mapping):
        return data
    filled = dict(data)
    for name, field in model.model_fields.items():
        kind = _unwrapped(field.annotation)
        if name not in filled:
            if field.is_required() and _is_model(kind):
                filled[name] = _with_objects(kind, {})
            elif field.is_required() and get_origin(kind) is list:
                filled[name] = []
            continue
        value = filled[name]
        if _is_model(kind):
            filled[name] = _with_objects(kind, value)
        elif get_origin(kind) is list and isinstance(value, list):
            item = _unwrapped(get_args(kind)[0])
            if _is_model(item):
                filled[name] = [_with_objects(item, each) for each in value]
    return filled


def _construct(model: type[M], data: Mapping[str, Any], prefix: str, unread: frozenset[str]) -> M:
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        path = prefix + name
        given = data.get(name, _MISSING)
        if given is _MISSING or path in unread:
            values[name] = (
                _blank(field.annotation, path, unread)
                if field.is_required()
                else field.get_default(call_default_factory=True)
            )
        elif any(u.startswith(path + ".") for u in unread):
            values[name] = _partly(field.annotation, given, path, unread)
        else:
            values[name] = _valid(model, name, given, path, unread)
    given_names = {name for name in model.model_fields if name in data}
    return model.model_construct(_fields_set=given_names, **values)


def _partly(annotation: Any, given: Any, path: str, unread: frozenset[str]) -> Any:
    """A value pydantic refused parts of: its parts that were read, the rest blank."""
    kind = _unwrapped(annotation)
    if _is_model(kind) and isinstance(given, Mapping):
        return _construct(kind, given, path + ".", unread)
    if get_origin(kind) is list and isinstance(given, list):
        item = get_args(kind)[0]
        return [
            _blank(item, f"{path}.{index}", unread)
            if f"{path}.{index}" in unread
            else _partly(item, each, f"{path}.{index}", unread)
            if any(u.startswith(f"{path}.{index}.") for u in unread)
            else _item_adapter(item).validate_python(each)
            for index, each in enumerate(given)
        ]
    return _blank(annotation, path, unread)


def _valid(model: type[BaseModel], name: str, given: Any, path: str, unread: frozenset[str]) -> Any:
    """A value pydantic found nothing wrong with, as pydantic reads it (stripped, normalized)."""
    try:
        return _field_adapter(model, name).validate_python(given)
    except ValidationError:  # only ever right as part of its model: read as blank
        return _blank(model.model_fields[name].annotation, path, unread)


def _blank(annotation: Any, path: str, unread: frozenset[str]) -> Any:
    """A stand-in that rules take for "not given"."""
    kind = _unwrapped(annotation)
    if _is_model(kind):
        return _construct(kind, {}, path + ".", unread)
    if get_origin(kind) is list:
        return []
    if get_origin(kind) is Literal:
        first = get_args(kind)[0]
        return "" if isinstance(first, str) else first
    return {bool: False, str: "", int: 0}.get(kind)


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    annotation: Any = field.annotation
    if field.metadata:
        annotation = Annotated[annotation, *field.metadata]
    return TypeAdapter(annotation)


@functools.cache
def _item_adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _unwrapped(annotation: Any) -> Any:
    """The type under ``Annotated`` and ``| None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            kinds = [kind for kind in get_args(annotation) if kind is not type(None)]
            if len(kinds) != 1:
                return annotation
            annotation = kinds[0]
        else:
            return annotation


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)
