"""The segments of a VXU^V04 in the order and numbers the CDC HL7 2.5.1 guide (release 1.5)
profiles: MSH, SFT*, PID, PD1?, NK1*, PV1?, PV2?, GT1*, (IN1, IN2?, IN3?)*, then order groups
of ORC, (TQ1, TQ2*)*, RXA, RXR?, (OBX, NTE*)*. Read once, front to back, like a grammar:
what is out of place is found with its position, and the order groups come back for the field
checks. A segment the profile does not know is ignored with a warning; its id is sender text, so
it is named by its position only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cair.domain import hl7_fields
from cair.domain.hl7_fields import Segment
from cair.domain.vxu_catalogue import at
from cair.domain.vxu_findings import Finding

_HEADER = ("MSH", "SFT", "PID", "PD1", "NK1", "PV1", "PV2", "GT1", "IN1", "IN2", "IN3")
_RANK = {name: rank for rank, name in enumerate(_HEADER)}
_ONCE = frozenset({"MSH", "PID", "PD1", "PV1", "PV2", "IN2", "IN3"})
_ORDER = frozenset({"ORC", "TQ1", "TQ2", "RXA", "RXR", "OBX", "NTE"})
_INSURANCE = frozenset({"IN1", "IN2", "IN3"})
# In an order group: the segment → the states it may follow.
_FOLLOWS = {
    "TQ1": frozenset({"ORC", "TQ1", "TQ2"}),
    "TQ2": frozenset({"TQ1", "TQ2"}),
    "RXR": frozenset({"RXA"}),
    "OBX": frozenset({"RXA", "RXR", "OBX", "NTE"}),
    "NTE": frozenset({"OBX", "NTE"}),
}
_BEFORE_RXA = frozenset({"ORC", "TQ1", "TQ2"})


@dataclass(frozen=True)
class Placed:
    """A segment with its id and its occurrence among segments of that id (ERL-2)."""

    segment: Segment
    name: str
    number: int


@dataclass
class Order:
    """One order group: the dose (RXA) with its order, route and observations."""

    orc: Placed | None = None
    rxa: Placed | None = None
    rxr: Placed | None = None
    observations: list[Placed] = field(default_factory=list)


@dataclass
class Layout:
    findings: list[Finding]
    orders: list[Order]
    counts: dict[str, int]
    first: dict[str, Placed]

    def where(self, placed: Placed, number: int | None = None, part: int | None = None) -> str:
        """``RXA-5``, ``RXA[2]-11-4``: numbered only when the message has more than one."""
        name = placed.name
        if self.counts.get(name, 0) > 1:
            name = f"{name}[{placed.number}]"
        if number is not None:
            name += f"-{number}"
            if part is not None:
                name += f"-{part}"
        return name


def read(segments: list[Segment]) -> Layout:
    """The message's layout and every structural finding."""
    counts: dict[str, int] = {}
    placed: list[Placed] = []
    for segment in segments:
        name = hl7_fields.name(segment)
        counts[name] = counts.get(name, 0) + 1
        placed.append(Placed(segment, name, counts[name]))
    layout = Layout([], [], counts, {})
    for p in placed:
        layout.first.setdefault(p.name, p)
    _Reader(layout).run(placed)
    if "PID" not in counts:
        layout.findings.append(at("VXU-PID-MISSING", "PID"))
    if "RXA" not in counts:
        layout.findings.append(at("VXU-RXA-MISSING", "RXA"))
    return layout


class _Reader:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.rank = -1  # the last header segment's rank
        self.state: str | None = None  # the last order-group segment's id
        self.order: Order | None = None

    def run(self, placed: list[Placed]) -> None:
        for position, p in enumerate(placed, start=1):
            if p.name in _RANK:
                self._header(p)
            elif p.name in _ORDER:
                self._order(p)
            else:
                self._found("VXU-SEG-UNKNOWN", "", number=str(position))
        if self.state in _BEFORE_RXA and self.order is not None and self.order.orc is not None:
            self._found("VXU-ORC-NO-RXA", self.layout.where(self.order.orc))

    def _found(self, code: str, location: str, **fill: str) -> None:
        self.layout.findings.append(at(code, location, **fill))

    def _header(self, p: Placed) -> None:
        rank = _RANK[p.name]
        new_insurance = p.name == "IN1" and self.layout.first.get("IN1") is not p
        if self.state is not None or (rank < self.rank and not new_insurance):
            self._found("VXU-SEG-ORDER", self.layout.where(p), segment=p.name)
            return
        if rank == self.rank and p.name in _ONCE:
            self._found("VXU-SEG-REPEATED", self.layout.where(p), segment=p.name)
            return
        if p.name in _INSURANCE and self.rank < _RANK["IN1"] and p.name != "IN1":
            self._found("VXU-SEG-ORDER", self.layout.where(p), segment=p.name)
            return
        self.rank = rank

    def _order(self, p: Placed) -> None:
        if p.name == "ORC":
            if self.state in _BEFORE_RXA and self.order is not None and self.order.orc:
                self._found("VXU-ORC-NO-RXA", self.layout.where(self.order.orc))
            self.order = Order(orc=p)
            self.layout.orders.append(self.order)
        elif p.name == "RXA":
            if self.state not in _BEFORE_RXA or self.order is None:
                self._found("VXU-ORC-MISSING", self.layout.where(p))
                self.order = Order()
                self.layout.orders.append(self.order)
            self.order.rxa = p
        elif self.state == "RXR" and p.name == "RXR":
            self._found("VXU-SEG-REPEATED", self.layout.where(p), segment=p.name)
            return
        elif self.state not in _FOLLOWS[p.name] or self.order is None:
            self._found("VXU-SEG-ORDER", self.layout.where(p), segment=p.name)
            return
        elif p.name == "RXR":
            self.order.rxr = p
        elif p.name == "OBX":
            self.order.observations.append(p)
        self.state = p.name
