"""The region maps as the running service sees them (activities, and the county check of the
enrollment pages): read again when their files change, so a new map applies from its effective
date without a restart. A broken edit is logged and the maps read
before it stay in use: enrollment does not stop because a file was saved half-written."""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime
from pathlib import Path

from cair.domain.regions import RegionMap, RegionMaps, load_region_maps, map_files

log = logging.getLogger("cair.regions")


class RegionMapSource:
    def __init__(self, path: Path | None = None, *, recheck_every: float = 1.0) -> None:
        """``recheck_every``: seconds between looks at the files (a page asks for the map on
        every request; a new map may wait that long to be seen)."""
        self.path = path
        self.recheck_every = recheck_every
        self._stamp = self._current_stamp()
        self._checked = time.monotonic()
        self._maps = load_region_maps(path)

    def in_effect(self, on: date | None = None) -> RegionMap:
        """The map in effect on ``on`` (today, UTC, by default)."""
        if time.monotonic() - self._checked >= self.recheck_every:
            self._reread_if_changed()
        return self._maps.in_effect(on or datetime.now(UTC).date())

    def _reread_if_changed(self) -> None:
        self._checked = time.monotonic()
        stamp = self._current_stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._maps = load_region_maps(self.path)
                log.info("region maps read again (%d versions)", len(self._maps.versions))
            except (OSError, ValueError) as error:
                log.error("region maps not changed: the new files are invalid (%s)", error)

    @property
    def maps(self) -> RegionMaps:
        return self._maps

    def _current_stamp(self) -> tuple[tuple[str, int, int], ...]:
        files = map_files(self.path)
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.exists())
