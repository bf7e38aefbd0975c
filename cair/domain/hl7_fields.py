"""Reading an HL7 v2 message as untrusted text: split with the separators it declares (MSH-1,
MSH-2), or not at all; fields, repetitions, components and subcomponents read by position, empty
when absent, never raising.

A split, not a parse into objects: the checks read a few dozen fields by position, and splitting
keeps a 200,000-character message to milliseconds (docs/architecture.md says why no HL7
library). Escape sequences are left as sent: the checks compare codes, never free text.
"""

from __future__ import annotations

from dataclasses import dataclass

# Separators in the order this module reads them: segment, field, repetition, component,
# subcomponent.
_DEFAULT_SEPARATORS = "\r|~^&"


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment's fields: ``fields[n]`` is field n (for MSH too: MSH-1 is its separator)."""

    fields: list[str]
    separators: str = _DEFAULT_SEPARATORS

    @property
    def name(self) -> str:
        return self.fields[0]


def parse(text: str, *, max_chars: int) -> list[Segment] | None:
    """The segments, or None for anything that is not an HL7 message (empty, too long, no MSH,
    separators that are not five distinct punctuation characters)."""
    if not text or len(text) > max_chars:
        return None
    normalized = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r ")
    if not normalized.startswith("MSH") or len(normalized) < 8:
        return None
    declared = normalized[3:8]  # MSH-1, then MSH-2: component, repetition, escape, subcomponent
    if len(set(declared)) < 5 or any(c.isalnum() or c.isspace() for c in declared):
        return None
    field_separator, component, repetition, subcomponent = (declared[i] for i in (0, 1, 2, 4))
    separators = f"\r{field_separator}{repetition}{component}{subcomponent}"
    found = []
    for line in normalized.split("\r"):
        if not line:
            continue
        fields = line.split(field_separator)
        if fields[0] == "MSH":
            fields.insert(1, field_separator)
        found.append(Segment(fields, separators))
    return found


def name(segment: Segment) -> str:
    """The segment's id (``PID``), as sent."""
    return segment.fields[0]


def raw(segment: Segment, number: int) -> str:
    """Field ``number`` whole (every repetition), or empty."""
    fields = segment.fields
    return fields[number] if 0 < number < len(fields) else ""


def repetitions(segment: Segment, number: int) -> list[str]:
    """Each repetition of field ``number``; none when the field is empty."""
    whole = raw(segment, number)
    return whole.split(segment.separators[2]) if whole else []


def field(segment: Segment, number: int, *, component: int | None = None) -> str:
    """Field ``number`` of ``segment`` (first repetition), or one of its components; the first
    subcomponent only. Empty when absent."""
    whole = raw(segment, number)
    if not whole:
        return ""
    first = whole.split(segment.separators[2], 1)[0]
    return part(first, component, segment.separators) if component is not None else first


def part(text: str, component: int, separators: str) -> str:
    """Component ``component`` of one repetition ``text`` (its first subcomponent)."""
    parts = text.split(separators[3])
    if component > len(parts) or component < 1:
        return ""
    return parts[component - 1].split(separators[4], 1)[0]


def components(segment: Segment, number: int) -> list[str]:
    """The components of field ``number``'s first repetition (first subcomponents)."""
    first = field(segment, number)
    if not first:
        return []
    separators = segment.separators
    return [p.split(separators[4], 1)[0] for p in first.split(separators[3])]


def separators(segment: Segment) -> str:
    return segment.separators
