"""Every check CAIR holds a VXU to, by its stable code, read once from
``data/vxu_checks.csv``, and every check of a QBP query (``QBP-…``) from
``data/qbp_checks.csv``: what breaking it does (``AR`` rejects the message, ``AE`` drops a dose
or a field, ``W`` warns), its HL7 error code (table 0357, ERR-3), its CDC application error code
(table 0533, ERR-5), the location docs/domain.md shows, and CAIR's words (ERR-8).

Codes read ``VXU-<where>-<what>``: ``VXU-RXA5-MISSING`` is RXA-5 absent, ``-TABLE`` a value not
in its code table, ``-INVALID`` a value of the wrong shape, ``-FUTURE`` a date after receipt.
The words never quote the message: they name only CAIR's own values (a site id, a region code),
filled in where they say ``{expected}``, or a segment id of the profile.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cair.domain.vxu_findings import Effect, Finding

# CDC table 0533 (ERR-5), as the CDC guide publishes it.
APPLICATION_ERRORS = {
    "1": "Illogical Date error",
    "2": "Invalid Date",
    "3": "Illogical Value error",
    "4": "Invalid value",
    "5": "Table value not found",
    "6": "Required observation missing",
    "7": "Required data missing",
    "8": "Data was ignored",
}
# HL7 table 0357 (ERR-3): the codes the checks use.
HL7_ERRORS = {
    "100": "Segment sequence error",
    "101": "Required field missing",
    "102": "Data type error",
    "103": "Table value not found",
    "200": "Unsupported message type",
    "202": "Unsupported processing id",
    "203": "Unsupported version id",
    "207": "Application internal error",
}


@dataclass(frozen=True)
class Check:
    code: str
    effect: Effect
    hl7_error: str
    application: str
    where: str
    words: str

    def at(self, location: str, **fill: str) -> Finding:
        return Finding(
            location=location,
            code=self.hl7_error,
            severity=self.effect.severity,
            text=self.words.format(**fill) if fill else self.words,
            check=self.code,
            application=self.application,
            rejects=self.effect is Effect.REJECT,
        )


@cache
def checks() -> dict[str, Check]:
    """The VXU catalogue, by code, in the order of the file."""
    return _read("vxu_checks.csv")


@cache
def query_checks() -> dict[str, Check]:
    """The QBP catalogue (``QBP-…``), by code, in the order of the file."""
    return _read("qbp_checks.csv")


def _read(name: str) -> dict[str, Check]:
    text = resources.files("cair.domain").joinpath(f"data/{name}").read_text("utf-8")
    found: dict[str, Check] = {}
    for row in csv.DictReader(io.StringIO(text)):
        check = Check(
            code=row["code"],
            effect=Effect(row["effect"]),
            hl7_error=row["hl7_error"],
            application=row["application_error"],
            where=row["location"],
            words=row["words"],
        )
        if check.code in found or check.hl7_error not in HL7_ERRORS:
            raise ValueError(f"{name}: {check.code} repeated or its HL7 error unknown")
        if check.application and check.application not in APPLICATION_ERRORS:
            raise ValueError(f"{name}: {check.code} has an unknown table 0533 code")
        found[check.code] = check
    return found


def at(code: str, location: str, **fill: str) -> Finding:
    """The finding of check ``code`` at ``location`` (an unknown code is a bug: KeyError)."""
    catalogue = query_checks() if code.startswith("QBP-") else checks()
    return catalogue[code].at(location, **fill)
