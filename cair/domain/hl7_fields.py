"""Reading an HL7 v2 message as untrusted text: parsed with the separators it declares (MSH-1,
MSH-2), or not at all; fields, components and subcomponents read by position, empty when
absent, never raising."""

from __future__ import annotations

from typing import Any

import hl7
from hl7.containers import Message


def parse(text: str, *, max_chars: int) -> Message | None:
    """The message, or None for anything that is not one (empty, too long, no MSH, broken)."""
    if not text or len(text) > max_chars:
        return None
    normalized = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r ")
    if not normalized.startswith("MSH") or len(normalized) < 8:
        return None
    try:
        message = hl7.parse(normalized)
        message.segment("MSH")
    except Exception:  # noqa: BLE001 - any parse failure is the same answer: not HL7
        return None
    return message


def segments(message: Message, name: str) -> list[Any]:
    return [s for s in message if str(s[0]) == name]


def value(message: Message, segment: str, number: int, *, component: int | None = None) -> str:
    found = segments(message, segment)
    return field(found[0], number, component=component) if found else ""


def field(segment: Any, number: int, *, component: int | None = None) -> str:
    """Field ``number`` of ``segment`` (first repetition), or one of its components; the first
    subcomponent only. Empty when absent. MSH counts its field separator as MSH-1. The
    separators are the message's own (MSH-2), whatever it declares."""
    try:
        value = segment[number]
    except IndexError:
        return ""
    separators = getattr(segment, "separators", None) or "\r|~^&"
    repeat, part, sub = separators[2], separators[3], separators[4]
    first = str(value).split(repeat, 1)[0]
    if component is None:
        return first
    parts = first.split(part)
    if component > len(parts):
        return ""
    return parts[component - 1].split(sub, 1)[0]


def organization_id(message: Message) -> str:
    """MSH-22's organization id: XON-10 where the EHR fills it, else XON-1."""
    return value(message, "MSH", 22, component=10) or value(message, "MSH", 22, component=1)
