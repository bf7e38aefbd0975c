"""Where an organization enrolls, asked before it fills in anything: its county's region, and
for a region that enrolls through its Local CAIR Representative, whom to contact."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cair.domain.counties import CALIFORNIA_COUNTIES, canonical_county
from cair.domain.region_source import RegionMapSource
from cair.domain.regions import LocalRepresentative, RegionMap
from cair.operations.context import Context
from cair.operations.errors import Invalid


@dataclass(frozen=True)
class CountyCheck:
    county: str  # as the map names it
    region: str
    enrolls_online: bool
    representative: LocalRepresentative | None


@cache
def _source(path: Path | None) -> RegionMapSource:
    """One source per map path in a process: it re-reads its files only when they change."""
    return RegionMapSource(path)


def region_map(ctx: Context) -> RegionMap:
    """The county/region map in effect."""
    return _source(ctx.settings.region_map_path).in_effect()


def county_check(ctx: Context, county: str) -> CountyCheck:
    canonical = canonical_county(county)
    if canonical is None:
        raise Invalid("organization.county: not a California county")
    region = region_map(ctx).region_for(canonical)
    return CountyCheck(
        county=canonical,
        region=region.name,
        enrolls_online=region.enrolls_online,
        representative=region.representative,
    )


def region_names(ctx: Context) -> dict[str, str]:
    """Region keys and names of the map in effect (the staff queue's filter)."""
    regions = region_map(ctx).regions
    return {key: region.name for key, region in regions.items()}


def counties() -> tuple[str, ...]:
    """The 58 counties, for a chooser."""
    return CALIFORNIA_COUNTIES
