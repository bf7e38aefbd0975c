"""The county → region map. It is data (``data/regions.json``, versioned, with an effective
date) so staff change it without a deploy: a new version goes beside the old ones (a folder of
maps) and applies from its effective date. The loaders are the only I/O in domain/ and run in
activities, never in workflow code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from cair.domain.counties import CALIFORNIA_COUNTIES, canonical_county

DEFAULT_MAP = Path(__file__).with_name("data") / "regions.json"


class LocalRepresentative(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    organization: str
    email: str
    phone: str


class Region(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = ""
    name: str
    enrolls_online: bool
    representative: LocalRepresentative | None = None


class RegionMap(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    effective_date: date
    notes: str = ""
    regions: dict[str, Region]
    counties: dict[str, str]

    @model_validator(mode="before")
    @classmethod
    def _name_regions(cls, data: Any) -> Any:
        """Each region knows its own key (the file names it once, as the object key)."""
        if isinstance(data, dict) and isinstance(data.get("regions"), dict):
            regions = {
                key: {**value, "key": key} if isinstance(value, dict) else value
                for key, value in data["regions"].items()
            }
            data = {**data, "regions": regions}
        return data

    @model_validator(mode="after")
    def _complete(self) -> RegionMap:
        """Every county mapped once to a known region; every offline region has a contact."""
        unknown = sorted(set(self.counties) - set(CALIFORNIA_COUNTIES))
        missing = sorted(set(CALIFORNIA_COUNTIES) - set(self.counties))
        if unknown or missing:
            raise ValueError(f"counties: unknown {unknown}, missing {missing}")
        for county, key in self.counties.items():
            if key not in self.regions:
                raise ValueError(f"counties.{county}: no region {key!r}")
        for key, region in self.regions.items():
            if not region.enrolls_online and region.representative is None:
                raise ValueError(f"regions.{key}: a local region needs its representative")
        return self

    def region_for(self, county: str) -> Region:
        canonical = canonical_county(county)
        if canonical is None:
            raise KeyError(f"{county!r} is not a California county")
        return self.regions[self.counties[canonical]]


def load_region_map(path: Path | None = None) -> RegionMap:
    return RegionMap.model_validate_json((path or DEFAULT_MAP).read_text())


@dataclass(frozen=True)
class RegionMaps:
    """Every version of the map; the one in effect on a day is the latest that began by then."""

    versions: tuple[RegionMap, ...]

    def in_effect(self, on: date) -> RegionMap:
        began = [m for m in self.versions if m.effective_date <= on]
        if not began:  # every version lies ahead: the earliest serves until then
            return min(self.versions, key=lambda m: m.effective_date)
        return max(began, key=lambda m: m.effective_date)


def map_files(path: Path | None = None) -> list[Path]:
    """A map file, or every ``*.json`` in a folder of maps."""
    target = path or DEFAULT_MAP
    return sorted(target.glob("*.json")) if target.is_dir() else [target]


def load_region_maps(path: Path | None = None) -> RegionMaps:
    files = map_files(path)
    if not files:
        raise FileNotFoundError(f"no region map in {path}")
    versions = tuple(load_region_map(f) for f in files)
    dates = [m.effective_date for m in versions]
    if len(set(dates)) != len(dates):
        raise ValueError(f"two region maps in {path} take effect on the same day")
    return RegionMaps(versions)
