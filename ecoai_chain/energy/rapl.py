"""CPU package energy from Linux powercap RAPL (``/sys/class/powercap``; root passed in).

Zones counted (the one rule, for the attestor and the optimizer alike): each top-level zone
``intel-rapl:N`` that has an ``energy_uj`` file, one per CPU package (AMD packages appear
under the same name). Sub-zones such as ``intel-rapl:0:0`` (core, uncore, dram) are inside
the package and are not added again; ``intel-rapl-mmio:N`` repeats the package through
another interface and is not counted either. The zone's ``name`` file (``package-0``) is
part of the device id when present. Each zone's ``energy_uj`` is a counter that wraps
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

from ecoai_chain.energy import COUNTER, EnergySample, SourceEvent
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
            if not _TOP_ZONE.match(d.name) or not (d / "energy_uj").exists():
                continue
            name = _read(d / "name").strip() if (d / "name").exists() else ""
            text = _read(d / "max_energy_range_uj").strip()
            try:
                rng = int(text)
            except ValueError as e:
                raise SourceError(f"RAPL: {d / 'max_energy_range_uj'} is not a number: "
                                  f"{text!r}") from e
            if rng <= 0:
                raise SourceError(f"RAPL: {d / 'max_energy_range_uj'} must be > 0, got {rng}")
            self._zones.append(_Zone(device_id=f"{d.name}/{name}" if name else d.name, path=d,
                                     range_uj=rng))
        if not self._zones:
            raise SourceError(f"RAPL: no package domains under {self._root} (no intel-rapl:N "
                              "zone with an energy_uj file)")
        self.read()  # establishes baselines and proves the files are readable

    @property
    def device_ids(self) -> list[str]:
        return [z.device_id for z in self._zones]

    @property
    def label(self) -> str:
        return f"RAPL ({len(self._zones)} package domain(s))"

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
            out.append(EnergySample(z.device_id, t, z.total_uj // 1000, method=COUNTER))
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
