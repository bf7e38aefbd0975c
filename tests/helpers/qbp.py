"""A correct HL7 QBP^Q11 (Z34, Request Immunization History) for a bidirectional site, in the
shape of the CDC guide's examples (MSH with its profile, QPD, RCP), with any one field changed:
the query tests break each rule with it and the IZ Portal tests send it as a site's EHR would.
The defaults ask for the test patient CAIRTEST001 (data/test_patients.json)."""

from __future__ import annotations

from tests.helpers.vxu import SITE, control_id

UNKNOWN = ("MRN-40404^^^S100234^MR", "NOBODY^ZED", "20200202", "M")  # no test patient


def qbp(
    *,
    facility: str = SITE,
    responsible: str = SITE,
    region: str = "CAIRBA",
    kind: str = "QBP^Q11^QBP_Q11",
    profile: str = "Z34^CDCPHINVS",
    query: str = "Z34^Request Immunization History^CDCPHINVS",
    tag: str = "QT-0001",
    patient: str = "CAIRTEST001^^^S100234^MR",
    name: str = "TESTPATIENT^ALPHA^^^^^L",
    born_on: str = "20250101",
    sex: str = "F",
    quantity: str = "10^RD&Records&HL70126",
    priority: str = "I",
    control: str | None = None,
    sent_at: str = "20261125120000-0800",
    segments: tuple[str, ...] = ("QPD", "RCP"),  # or whole segments
) -> str:
    msh = [
        "MSH",
        "^~\\&",
        "MyEHR",  # MSH-3
        facility,  # MSH-4
        "CAIR",  # MSH-5
        region,  # MSH-6
        sent_at,  # MSH-7
        "",
        kind,  # MSH-9
        control or control_id(),  # MSH-10
        "P",  # MSH-11
        "2.5.1",  # MSH-12
        "",
        "",
        "ER",  # MSH-15
        "AL",  # MSH-16
    ]
    msh += [""] * 4 + [profile, f"{responsible}^^^^^^^^^{responsible}"]  # MSH-21, MSH-22
    parts = {
        "QPD": f"QPD|{query}|{tag}|{patient}|{name}|MOTHER^MAIDEN^^^^^M|{born_on}|{sex}",
        "RCP": f"RCP|{priority}|{quantity}|R^real-time^HL70394",
    }
    return "\r".join(["|".join(msh), *(parts.get(s, s) for s in segments)]) + "\r"
