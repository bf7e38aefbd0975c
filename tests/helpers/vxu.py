"""A correct HL7 VXU for a site, in the shape of the CDC guide's examples (MSH with its profile,
PID, one order group: ORC, RXA, RXR and the VFC eligibility OBX), with any one field changed:
the VXU rule tests break each rule on its own with it, and the IZ Portal tests send it as a
site's EHR would. Each message gets a control id of its own unless one is given, as an EHR
numbers its messages (CAIR answers a repeated control id with its first ACK)."""

from __future__ import annotations

import itertools

SITE, FACILITY, CLIENT = "S100234", "SF-001728", "S100999"
NPI = "1234567893"
_NUMBERS = itertools.count(1)


def control_id() -> str:
    """A control id not used before in this process."""
    return f"MSG-{next(_NUMBERS):05d}"


def vxu(
    *,
    facility: str = SITE,
    responsible: str = SITE,
    dose_site: str = SITE,
    region: str = "CAIRBA",
    processing: str = "P",
    version: str = "2.5.1",
    kind: str = "VXU^V04^VXU_V04",
    patient: str = "CAIRTEST001^^^S100234^MR",
    action: str = "00^NEW IMMUNIZATION RECORD^NIP001",
    npi: str = NPI,
    segments: tuple[str, ...] = ("PID", "ORC", "RXA", "RXR", "OBX"),  # or whole segments
    control: str | None = None,
    sent_at: str = "20261125120000-0800",
    given_on: str = "20261120",
    born_on: str = "20250101",
    vaccine: str = "08^HEPB-PEDS^CVX",
) -> str:
    msh = [
        "MSH",
        "^~\\&",  # MSH-2: the encoding characters
        "MyEHR",  # MSH-3: sending application
        facility,  # MSH-4: sending facility
        "CAIR",  # MSH-5: receiving application
        region,  # MSH-6: receiving facility
        sent_at,  # MSH-7
        "",  # MSH-8
        kind,  # MSH-9: message type
        control or control_id(),  # MSH-10: control id
        processing,  # MSH-11
        version,  # MSH-12
    ]
    msh += [""] * 8 + ["Z22^CDCPHINVS", f"{responsible}^^^^^^^^^{responsible}"]  # MSH-21, 22
    rxa = [
        "RXA",
        "0",
        "1",
        given_on,  # RXA-3: administered
        "",
        vaccine,  # RXA-5: vaccine
        "0.5",  # RXA-6: amount
        "mL^mL^UCUM",  # RXA-7: units
        "",
        action,  # RXA-9: administration notes
        "",
        f"^^^{dose_site}",  # RXA-11: administered-at location
        "",
        "",
        "",
        "HB2390AA",  # RXA-15: lot number
        "20271231",
        "MSD^Merck and Co., Inc.^MVX",  # RXA-17: manufacturer
        "",
        "",
        "CP",  # RXA-20: completion status
        "A",  # RXA-21: action code
    ]
    parts = {
        "PID": f"PID|1||{patient}||TESTPATIENT^ALPHA^^^^^L||{born_on}|F",
        "ORC": f"ORC|RE||197023^{SITE}|||||||||{npi}^PROVIDER^PAT",
        "RXA": "|".join(rxa),
        "RXR": "C28161^Intramuscular^NCIT|LD^Left Deltoid^HL70163".join(["RXR|", ""]),
        "OBX": "OBX|1|CE|64994-7^Vaccine funding program eligibility category^LN|1|"
        "V02^VFC eligible-Medicaid/Medicaid Managed Care^HL70064||||||F|||"
        f"{given_on}|||VXC40^Eligibility captured at the immunization level^CDCPHINVS",
    }
    return "\r".join(["|".join(msh), *(parts.get(s, s) for s in segments)]) + "\r"
