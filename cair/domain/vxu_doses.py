"""Each order group: the order (ORC), the dose (RXA), its route (RXR) and its observations (OBX).
A dose without its date or vaccine cannot be read at all (the message is refused, so the
sender's interface fails while it is tested); a value CAIR cannot record drops that dose or that
field (AE); what is missing but only "required if known" is a warning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from cair.domain import hl7_dates, hl7_fields
from cair.domain.code_tables import Table, knows
from cair.domain.vxu_catalogue import at
from cair.domain.vxu_context import MessageRules, Sender, SiteRole
from cair.domain.vxu_findings import Finding
from cair.domain.vxu_structure import Layout, Order, Placed

_AMOUNT = re.compile(r"\+?(\d{1,6}(\.\d{0,4})?|\.\d{1,4})", re.ASCII)
UNKNOWN_AMOUNT = "999"
NEW_RECORD = "00"
ELIGIBILITY, FUNDING = "64994-7", "30963-3"
_NOT_GIVEN = frozenset({"NA", "RE"})  # RXA-20: not administered, refused
# More doses than any one patient's history holds: the message is refused, and the checking
# stops there, so a flood of segments costs little.
MAX_DOSES = 250


@dataclass(frozen=True)
class Dose:
    """What the dose checks need beyond the segments."""

    sender: Sender
    site: str  # the site RXA-11.4 must name ("" when none can be right)
    rules: MessageRules
    birth: date | None
    now: datetime


def check(layout: Layout, dose: Dose) -> list[Finding]:
    found: list[Finding] = []
    if len(layout.orders) > MAX_DOSES:
        found.append(at("VXU-RXA-TOO-MANY", "RXA", most=str(MAX_DOSES)))
    for order in layout.orders[:MAX_DOSES]:
        if order.orc is not None:
            found += _order(layout, order.orc, historical=_historical(order))
        if order.rxa is not None:
            found += _dose(layout, order, order.rxa, dose)
        if order.rxr is not None:
            found += _route(layout, order.rxr)
        for observation in order.observations:
            found += _observation(layout, observation)
    return found


def _historical(order: Order) -> bool:
    """A dose recorded from another source (RXA-9 other than 00): no one here ordered it."""
    if order.rxa is None:
        return False
    return hl7_fields.field(order.rxa.segment, 9, component=1) not in ("", NEW_RECORD)


def _order(layout: Layout, orc: Placed, *, historical: bool) -> list[Finding]:
    found: list[Finding] = []
    control = hl7_fields.field(orc.segment, 1, component=1)
    if not knows(Table.ORDER_CONTROL, control):
        found.append(at("VXU-ORC1-TABLE", layout.where(orc, 1)))
    if not hl7_fields.field(orc.segment, 3, component=1):
        found.append(at("VXU-ORC3-MISSING", layout.where(orc, 3)))
    npi = hl7_fields.field(orc.segment, 12, component=1)
    if not npi:
        if not historical:
            found.append(at("VXU-ORC12-MISSING", layout.where(orc, 12)))
    elif not is_npi(npi):
        found.append(at("VXU-ORC12-INVALID", layout.where(orc, 12)))
    return found


def _dose(layout: Layout, order: Order, rxa: Placed, dose: Dose) -> list[Finding]:
    segment = rxa.segment
    found = _when(layout, rxa, dose)
    found += _vaccine(layout, rxa)
    found += _amount(layout, rxa)
    source = hl7_fields.field(segment, 9, component=1)
    action = "^".join(hl7_fields.field(segment, 9, component=c) for c in (1, 2, 3)).rstrip("^")
    if source in ("", NEW_RECORD) and action != dose.rules.new_record_action:
        expected = dose.rules.new_record_action
        found.append(at("VXU-RXA9-NEW", layout.where(rxa, 9), expected=expected))
    elif source and not knows(Table.INFORMATION_SOURCE, source):
        found.append(at("VXU-RXA9-TABLE", layout.where(rxa, 9)))
    if hl7_fields.field(segment, 11, component=4) != dose.site or not dose.site:
        # Never echo what the sender wrote: a client site is named only as "MSH-22".
        expected = (
            "MUST MATCH MSH-22"
            if dose.sender.role == SiteRole.SENDING_FACILITY
            else f"MUST BE '{dose.site}'"
        )
        found.append(at("VXU-RXA11-SITE", layout.where(rxa, 11, 4), expected=expected))
    status = hl7_fields.field(segment, 20, component=1)
    given = status not in _NOT_GIVEN
    new = source in ("", NEW_RECORD) and given
    if new and not hl7_fields.field(segment, 15):
        found.append(at("VXU-RXA15-MISSING", layout.where(rxa, 15)))
    found += _coded(layout, rxa, 17, Table.MVX, "VXU-RXA17", required=new)
    found += _coded(layout, rxa, 20, Table.COMPLETION_STATUS, "VXU-RXA20", required=True)
    found += _coded(layout, rxa, 21, Table.ACTION_CODE, "VXU-RXA21", required=True)
    if new and not any(_observed(o) == ELIGIBILITY for o in order.observations):
        found.append(at("VXU-OBX-VFC-MISSING", layout.where(rxa)))
    return found


def _when(layout: Layout, rxa: Placed, dose: Dose) -> list[Finding]:
    sent = hl7_fields.field(rxa.segment, 3, component=1)
    if not sent:
        return [at("VXU-RXA3-MISSING", layout.where(rxa, 3))]
    given = hl7_dates.day(sent)
    if given is None:
        return [at("VXU-RXA3-INVALID", layout.where(rxa, 3))]
    if given > hl7_dates.latest_day(dose.now):
        return [at("VXU-RXA3-FUTURE", layout.where(rxa, 3))]
    if dose.birth is not None and given < dose.birth:
        return [at("VXU-RXA3-BEFORE-BIRTH", layout.where(rxa, 3))]
    return []


def _vaccine(layout: Layout, rxa: Placed) -> list[Finding]:
    """RXA-5: a CVX code, as the first triplet or as the alternate beside an NDC."""
    parts = hl7_fields.components(rxa.segment, 5) + [""] * 6
    if not parts[0] and not parts[3]:
        return [at("VXU-RXA5-MISSING", layout.where(rxa, 5))]
    coded = [
        code
        for code, system in ((parts[0], parts[2]), (parts[3], parts[5]))
        if code and system.upper() in ("CVX", "HL70292", "")
    ]
    if any(knows(Table.CVX, code) for code in coded):
        return []
    return [at("VXU-RXA5-TABLE", layout.where(rxa, 5))]


def _amount(layout: Layout, rxa: Placed) -> list[Finding]:
    amount = hl7_fields.field(rxa.segment, 6)
    if not amount:
        return [at("VXU-RXA6-MISSING", layout.where(rxa, 6))]
    if not _AMOUNT.fullmatch(amount):
        return [at("VXU-RXA6-INVALID", layout.where(rxa, 6))]
    if amount == UNKNOWN_AMOUNT:
        return []
    unit = hl7_fields.field(rxa.segment, 7, component=1)
    if not unit:
        return [at("VXU-RXA7-MISSING", layout.where(rxa, 7))]
    if not knows(Table.ADMINISTRATION_UNIT, unit):
        return [at("VXU-RXA7-TABLE", layout.where(rxa, 7))]
    return []


def _coded(
    layout: Layout, placed: Placed, number: int, table: Table, check: str, *, required: bool
) -> list[Finding]:
    """A coded field: absent (a warning when required if known), or in its table."""
    code = hl7_fields.field(placed.segment, number, component=1)
    if not code:
        return [at(f"{check}-MISSING", layout.where(placed, number))] if required else []
    return [] if knows(table, code) else [at(f"{check}-TABLE", layout.where(placed, number))]


def _route(layout: Layout, rxr: Placed) -> list[Finding]:
    found: list[Finding] = []
    route = hl7_fields.field(rxr.segment, 1, component=1)
    if not route:
        found.append(at("VXU-RXR1-MISSING", layout.where(rxr, 1)))
    elif not knows(Table.ROUTE, route):
        found.append(at("VXU-RXR1-TABLE", layout.where(rxr, 1)))
    site = hl7_fields.field(rxr.segment, 2, component=1)
    if site and not knows(Table.BODY_SITE, site):
        found.append(at("VXU-RXR2-TABLE", layout.where(rxr, 2)))
    return found


def _observed(obx: Placed) -> str:
    return hl7_fields.field(obx.segment, 3, component=1)


def _observation(layout: Layout, obx: Placed) -> list[Finding]:
    observed = _observed(obx)
    value = hl7_fields.field(obx.segment, 5, component=1)
    if observed == ELIGIBILITY and not knows(Table.FINANCIAL_CLASS, value):
        return [at("VXU-OBX5-VFC-TABLE", layout.where(obx, 5))]
    if observed == FUNDING and not knows(Table.FUNDING_SOURCE, value):
        return [at("VXU-OBX5-FUNDING-TABLE", layout.where(obx, 5))]
    if not knows(Table.OBSERVATION_IDENTIFIER, observed):
        return [at("VXU-OBX3-TABLE", layout.where(obx, 3))]
    return []


def is_npi(text: str) -> bool:
    """Ten ASCII digits whose check digit holds (Luhn over the 80840 prefix, as CMS defines)."""
    if len(text) != 10 or not text.isascii() or not text.isdigit():
        return False
    digits = [int(d) for d in "80840" + text]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0
