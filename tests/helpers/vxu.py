"""A correct HL7 VXU for a site, with any one field changed: the VXU rule tests break each rule
on its own with it, and the IZ Portal tests send it as a site's EHR would."""

from __future__ import annotations

SITE, FACILITY, CLIENT = "S100234", "SF-001728", "S100999"
NPI = "1234567893"


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
    segments: tuple[str, ...] = ("PID", "ORC", "RXA"),
) -> str:
    msh = [
        "MSH",
        "^~\\&",  # MSH-2: the encoding characters
        "MyEHR",  # MSH-3: sending application
        facility,  # MSH-4: sending facility
        "CAIR",  # MSH-5: receiving application
        region,  # MSH-6: receiving facility
        "20261125120000-0800",  # MSH-7
        "",  # MSH-8
        kind,  # MSH-9: message type
        "MSG-00001",  # MSH-10: control id
        processing,  # MSH-11
        version,  # MSH-12
    ]
    msh += [""] * 9 + [f"{responsible}^^^^^^^^^{responsible}"]  # MSH-22
    rxa = [
        "RXA",
        "0",
        "1",
        "20261120",  # RXA-3: administered
        "",
        "08^HEPB-PEDS^CVX",  # RXA-5: vaccine
        "0.5",
        "mL^mL^UCUM",
        "",
        action,  # RXA-9: administration notes
        "",
        f"^^^{dose_site}",  # RXA-11: administered-at location
    ]
    parts = {
        "PID": f"PID|1||{patient}||TESTPATIENT^ALPHA^^^^^L||20250101|F",
        "ORC": f"ORC|RE||197023^{SITE}|||||||||{npi}^PROVIDER^PAT",
        "RXA": "|".join(rxa),
    }
    return "\r".join(["|".join(msh), *(parts[s] for s in segments)]) + "\r"
