"""Write cair/domain/data/code_tables/*.json from a local copy of AIRA's immregistries/codebase.

    python tools/import_code_tables.py /path/to/codebase.git [commit]

The CDC's CVX and MVX lists (``cdc-source/``) and the HL7/CDC value sets AIRA keeps
(``base/sets/``) are copied whole, each with where it came from (file, commit, the commit's
date), so a reviewer can compare any table with its source. Run it when the CDC publishes new
codes; nothing at run time reads the repository.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from datetime import datetime
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "cair" / "domain" / "data" / "code_tables"
REPOSITORY = "https://github.com/immregistries/codebase"

# name → (file in the repository, HL7 / CDC table, what CAIR reads it for)
SETS = {
    "route": ("base/sets/Body Route.xml", "HL7 0162 and NCIT", "RXR-1 route"),
    "body_site": ("base/sets/Body Site.xml", "HL7 0163", "RXR-2 administration site"),
    "administration_unit": ("base/sets/Administration Unit.xml", "UCUM", "RXA-7 units"),
    "completion_status": ("base/sets/Vaccination Completion.xml", "HL7 0322", "RXA-20"),
    "action_code": ("base/sets/Vaccination Action Code.xml", "HL7 0323", "RXA-21"),
    "information_source": (
        "base/sets/Vaccination Information Source.xml",
        "CDC NIP001",
        "RXA-9 new or historical",
    ),
    "financial_class": (
        "base/sets/Financial Status Code.xml",
        "HL7 0064 with CDC and state codes",
        "OBX 64994-7 VFC eligibility",
    ),
    "funding_source": (
        "base/sets/Vaccination Funding Source.xml",
        "CDC PHVS_ImmunizationFundingSource (NIP008)",
        "OBX 30963-3 funding source",
    ),
    "sex": ("base/sets/Patient Sex.xml", "HL7 0001", "PID-8"),
    "id_type": ("base/sets/Id Type Code.xml", "HL7 0203", "PID-3.5"),
    "name_type": ("base/sets/Person Name Type.xml", "HL7 0200", "PID-5.7"),
    "order_control": ("base/sets/Vaccination Order Control Code.xml", "HL7 0119", "ORC-1"),
    "observation_identifier": (
        "base/sets/Observation Identifier.xml",
        "LOINC (CDC IG observation identifiers)",
        "OBX-3",
    ),
}


def git(repository: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", repository, *args], check=True, capture_output=True, text=True
    ).stdout


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def source(repository: str, commit: str, path: str, table: str, used_for: str) -> dict[str, str]:
    dated = git(repository, "log", "-1", "--format=%H %cs", commit, "--", path).split()
    return {
        "repository": REPOSITORY,
        "path": path,
        "commit": dated[0],
        "version_date": dated[1],
        "table": table,
        "used_for": used_for,
    }


def us_date(text: str | None) -> str:
    text = words(text)
    return datetime.strptime(text, "%m/%d/%Y").date().isoformat() if text else ""


def codebase_set(xml: str) -> list[dict[str, str]]:
    root = ElementTree.fromstring(xml.encode())
    return [
        {
            "code": words(code.findtext("value")),
            "label": words(code.findtext("label")),
            "status": words(code.findtext("code-status/status")),
        }
        for code in root.findall("code")
    ]


def cvx(xml: str) -> list[dict[str, str]]:
    root = ElementTree.fromstring(xml.encode("latin-1"))
    return [
        {
            "code": words(info.findtext("CVXCode")),
            "label": words(info.findtext("ShortDescription")),
            "name": words(info.findtext("FullVaccinename")),
            "status": words(info.findtext("Status")),
            "last_updated": us_date(info.findtext("LastUpdated")),
        }
        for info in root.findall("CVXInfo")
    ]


def mvx(xml: str) -> list[dict[str, str]]:
    root = ElementTree.fromstring(xml.encode())
    found = []
    for info in root.findall("MVXInfo"):
        pairs = list(info)
        values = {
            words(pairs[i].text): words(pairs[i + 1].text) for i in range(0, len(pairs) - 1, 2)
        }
        found.append(
            {
                "code": values.get("MVX_CODE", ""),
                "label": values.get("Manufacturer Name", ""),
                "status": values.get("Status", ""),
                "last_updated": us_date(values.get("Last Updated")),
            }
        )
    return found


def write(name: str, title: str, origin: dict[str, str], codes: list[dict[str, str]]) -> None:
    document: dict[str, Any] = {"name": name, "title": title, "source": origin, "codes": codes}
    (OUT / f"{name}.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def main(repository: str, commit: str = "HEAD") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, reader, path, table, used_for in (
        ("cvx", cvx, "cdc-source/cvx.xml", "CDC CVX (HL7 0292)", "RXA-5 vaccine"),
        ("mvx", mvx, "cdc-source/mvx.xml", "CDC MVX (HL7 0227)", "RXA-17 manufacturer"),
    ):
        raw = subprocess.run(
            ["git", "-C", repository, "show", f"{commit}:{path}"], check=True, capture_output=True
        ).stdout
        codes = reader(raw.decode("latin-1" if name == "cvx" else "utf-8"))
        write(name, table, source(repository, commit, path, table, used_for), codes)
    for name, (path, table, used_for) in SETS.items():
        root = ElementTree.fromstring(git(repository, "show", f"{commit}:{path}").encode())
        title = words(root.findtext("label"))
        origin = source(repository, commit, path, table, used_for)
        write(name, title, origin, codebase_set(git(repository, "show", f"{commit}:{path}")))


if __name__ == "__main__":
    main(*sys.argv[1:])
