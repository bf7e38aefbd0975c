"""The code tables a VXU's coded fields are held to (CVX, MVX, HL7 and CDC value sets), read once
from ``data/code_tables/*.json``. Each file is a published table copied whole with its source
and version date (``tools/import_code_tables.py`` writes them); editing a table is editing that
file, never code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

# Statuses under which a code is not to be sent at all (AIRA marks such codes "Invalid").
_REFUSED = frozenset({"invalid"})


class Table(StrEnum):
    """The shipped tables, by file name."""

    CVX = "cvx"
    MVX = "mvx"
    ROUTE = "route"
    BODY_SITE = "body_site"
    ADMINISTRATION_UNIT = "administration_unit"
    COMPLETION_STATUS = "completion_status"
    ACTION_CODE = "action_code"
    INFORMATION_SOURCE = "information_source"
    FINANCIAL_CLASS = "financial_class"
    FUNDING_SOURCE = "funding_source"
    SEX = "sex"
    ID_TYPE = "id_type"
    NAME_TYPE = "name_type"
    ORDER_CONTROL = "order_control"
    OBSERVATION_IDENTIFIER = "observation_identifier"


@dataclass(frozen=True)
class CodeTable:
    name: str
    title: str
    source: dict[str, str]
    statuses: dict[str, str]  # code → its status as published (first entry of a repeated code)

    def knows(self, code: str) -> bool:
        """The code is in the table and not one the table says must not be sent."""
        status = self.statuses.get(code)
        return status is not None and status.lower() not in _REFUSED

    def __len__(self) -> int:
        return len(self.statuses)


@cache
def table(which: Table) -> CodeTable:
    """One table, read on first use and kept."""
    path = resources.files("cair.domain").joinpath(f"data/code_tables/{which.value}.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    statuses: dict[str, str] = {}
    for entry in document["codes"]:
        statuses.setdefault(str(entry["code"]), str(entry.get("status", "")))
    return CodeTable(
        name=str(document["name"]),
        title=str(document["title"]),
        source=dict(document["source"]),
        statuses=statuses,
    )


def knows(which: Table, code: str) -> bool:
    return table(which).knows(code)


def load_all() -> None:
    """Read every table now (at start-up), so no request pays for the first reading."""
    for which in Table:
        table(which)
