"""PID: who the doses are about. Without an identifier, a name or a birth date CAIR cannot find
or create the patient, so the message is refused; a missing or unknown sex is recorded as
unknown; identifier and name types outside their tables are reported and kept."""

from __future__ import annotations

from datetime import date, datetime

from cair.domain import hl7_dates, hl7_fields
from cair.domain.code_tables import Table, knows
from cair.domain.hl7_fields import Segment
from cair.domain.vxu_catalogue import at
from cair.domain.vxu_findings import Finding


def check(pid: Segment | None, now: datetime) -> tuple[list[Finding], date | None]:
    """The patient's findings, and the birth date the doses are held to (when readable)."""
    if pid is None:
        return [], None  # the structure reports a missing PID
    found = [*_identifier(pid), *_name(pid)]
    birth, dated = _birth(pid, now)
    found += dated
    found += _sex(pid)
    return found, birth


def _identifier(pid: Segment) -> list[Finding]:
    if not hl7_fields.field(pid, 3, component=1):
        return [at("VXU-PID3-MISSING", "PID-3")]
    kind = hl7_fields.field(pid, 3, component=5)
    if not kind:
        return [at("VXU-PID3-5-MISSING", "PID-3-5")]
    return [] if knows(Table.ID_TYPE, kind) else [at("VXU-PID3-5-TABLE", "PID-3-5")]


def _name(pid: Segment) -> list[Finding]:
    parts = hl7_fields.components(pid, 5)
    if not any(parts):
        return [at("VXU-PID5-MISSING", "PID-5")]
    found = []
    if not hl7_fields.field(pid, 5, component=1):
        found.append(at("VXU-PID5-1-MISSING", "PID-5-1"))
    if not hl7_fields.field(pid, 5, component=2):
        found.append(at("VXU-PID5-2-MISSING", "PID-5-2"))
    kind = hl7_fields.field(pid, 5, component=7)
    if kind and not knows(Table.NAME_TYPE, kind):
        found.append(at("VXU-PID5-7-TABLE", "PID-5-7"))
    return found


def _birth(pid: Segment, now: datetime) -> tuple[date | None, list[Finding]]:
    sent = hl7_fields.field(pid, 7, component=1)
    if not sent:
        return None, [at("VXU-PID7-MISSING", "PID-7")]
    born = hl7_dates.day(sent)
    if born is None:
        return None, [at("VXU-PID7-INVALID", "PID-7")]
    if born > hl7_dates.latest_day(now):
        return None, [at("VXU-PID7-FUTURE", "PID-7")]
    return born, []


def _sex(pid: Segment) -> list[Finding]:
    sex = hl7_fields.field(pid, 8, component=1)
    if not sex:
        return [at("VXU-PID8-MISSING", "PID-8")]
    return [] if knows(Table.SEX, sex) else [at("VXU-PID8-TABLE", "PID-8")]
