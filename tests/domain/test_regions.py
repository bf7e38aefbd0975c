"""The county → region map is data: complete, versioned, and read by the rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from cair.domain.counties import CALIFORNIA_COUNTIES
from cair.domain.region_source import RegionMapSource
from cair.domain.regions import DEFAULT_MAP, RegionMap, load_region_map

LOCAL = {
    "Alpine",
    "Amador",
    "Calaveras",
    "Mariposa",
    "Merced",
    "San Joaquin",
    "Stanislaus",
    "Tuolumne",
    "San Diego",
    "Imperial",
}


def test_every_county_has_a_region_and_the_ten_local_ones_a_representative() -> None:
    regions = load_region_map()
    assert regions.effective_date.year >= 2026 and regions.version
    online = {r.key for r in regions.regions.values() if r.enrolls_online}
    assert len(online) == 7  # CAIR 7
    for county in CALIFORNIA_COUNTIES:
        region = regions.region_for(county)
        assert region.enrolls_online == (county not in LOCAL), county
        if county in LOCAL:
            assert region.representative is not None and "@" in region.representative.email


@pytest.mark.parametrize(
    ("county", "key"),
    [
        ("Los Angeles", "los_angeles_orange"),
        ("Orange County", "los_angeles_orange"),
        ("san mateo", "bay_area"),
        ("Santa Clara", "bay_area"),
        ("San Joaquin", "san_joaquin"),
        ("Imperial", "san_diego_imperial"),
    ],
)
def test_confirmed_assignments(county: str, key: str) -> None:
    assert load_region_map().region_for(county).key == key


def test_staff_can_change_the_map_without_code(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_MAP.read_text())
    data["version"] = "2027-01-01"
    data["counties"]["San Diego"] = "los_angeles_orange"  # e.g. San Diego joins online enrollment
    changed = tmp_path / "regions.json"
    changed.write_text(json.dumps(data))
    assert load_region_map(changed).region_for("San Diego").enrolls_online


def test_an_incomplete_map_is_refused() -> None:
    data = json.loads(DEFAULT_MAP.read_text())
    del data["counties"]["Yuba"]
    with pytest.raises(ValidationError, match="missing \\['Yuba'\\]"):
        RegionMap.model_validate(data)
    data = json.loads(DEFAULT_MAP.read_text())
    data["regions"]["san_joaquin"]["representative"] = None
    with pytest.raises(ValidationError, match="needs its representative"):
        RegionMap.model_validate(data)


def test_unknown_county_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="not a California county"):
        load_region_map().region_for("Clark")


def test_a_new_map_applies_from_its_effective_date_without_a_restart(tmp_path: Path) -> None:
    """Staff drop a new version beside the old one; the running service reads it and applies
    it from its date. A half-saved file changes nothing."""
    (tmp_path / "2026-11-01.json").write_text(DEFAULT_MAP.read_text())
    source = RegionMapSource(tmp_path, recheck_every=0)
    assert not source.in_effect(date(2027, 2, 1)).region_for("San Diego").enrolls_online

    data = json.loads(DEFAULT_MAP.read_text())
    data.update(version="2027-01-01", effective_date="2027-01-01")
    data["counties"]["San Diego"] = "los_angeles_orange"
    (tmp_path / "2027-01-01.json").write_text(json.dumps(data))
    assert source.in_effect(date(2026, 12, 31)).version == "2026-11-01"
    later = source.in_effect(date(2027, 2, 1))
    assert later.version == "2027-01-01" and later.region_for("San Diego").enrolls_online

    (tmp_path / "2027-03-01.json").write_text('{"version": "2027-03-01", "coun')
    assert source.in_effect(date(2027, 4, 1)).version == "2027-01-01"
