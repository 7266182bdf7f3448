"""CPU package energy from Linux powercap RAPL (``/sys/class/powercap``; root passed in).

Each top-level zone (``intel-rapl:N``, one per CPU package; sub-zones such as core/uncore
are inside the package and are not added again) exposes ``energy_uj``, a counter that wraps
at ``max_energy_range_uj``. A reading lower than the previous one is a wrap: the delta is
``now + range - previous``. The source keeps an unwrapped counter per zone and reports it
in mJ (floor; the µJ remainder is carried, never lost). Since Linux 5.10 ``energy_uj`` is
readable by root only; an unreadable file is a `SourceError` naming the path.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from attestor.sources import EnergySample, SourceEvent
from ecoai_chain.errors import SourceError

_TOP_ZONE = re.compile(r"^intel-rapl:\d+$")


@dataclass
class _Zone:
    device_id: str
    path: Path
    range_uj: int
    last_raw_uj: int | None = None
    total_uj: int = 0


class RaplSource:
    name = "rapl"

    def __init__(self, root: str | Path = "/sys/class/powercap",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._root = Path(root)
        self._clock = clock
        self._zones: list[_Zone] = []
        self._events: list[SourceEvent] = []

    def open(self) -> None:
        if not self._root.is_dir():
            raise SourceError(f"RAPL: {self._root} does not exist (no powercap on this machine)")
        for d in sorted(self._root.iterdir()):
            if not _TOP_ZONE.match(d.name):
                continue
            name = _read(d / "name").strip()
            rng = int(_read(d / "max_energy_range_uj").strip())
            if rng <= 0:
                raise SourceError(f"RAPL: {d / 'max_energy_range_uj'} must be > 0, got {rng}")
            self._zones.append(_Zone(device_id=f"{d.name}/{name}", path=d, range_uj=rng))
        if not self._zones:
            raise SourceError(f"RAPL: no intel-rapl:N package zone under {self._root}")
        self.read()  # establishes baselines and proves the files are readable

    def read(self) -> list[EnergySample]:
        out = []
        t = self._clock()
        for z in self._zones:
            raw = int(_read(z.path / "energy_uj").strip())
            if z.last_raw_uj is not None:
                if raw >= z.last_raw_uj:
                    z.total_uj += raw - z.last_raw_uj
                else:
                    z.total_uj += raw + z.range_uj - z.last_raw_uj
                    self._events.append(SourceEvent(
                        "counter_wrap", z.device_id, {"previous_uj": z.last_raw_uj, "now_uj": raw}))
            z.last_raw_uj = raw
            out.append(EnergySample(z.device_id, t, z.total_uj // 1000))
        return out

    def close(self) -> None:
        self._zones = []

    def drain_events(self) -> list[SourceEvent]:
        out, self._events = self._events, []
        return out


def _read(p: Path) -> str:
    try:
        return p.read_text()
    except PermissionError as e:
        raise SourceError(f"RAPL: {p} is not readable (root only since Linux 5.10)") from e
    except OSError as e:
        raise SourceError(f"RAPL: cannot read {p}: {e}") from e
