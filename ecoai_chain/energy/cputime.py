"""A labelled CPU-time estimate, for machines with neither RAPL nor a GPU (the optimizer's
last resort; never used by the attestor, whose certificates need a meter).

E = (user + system CPU seconds of this process and its waited-for children) ×
``watts_per_core``. Default 10 W per busy core: a mid-range figure for server cores at full load
(e.g. a 280 W, 32-core EPYC is 8.75 W/core at TDP; a 205 W, 28-core Xeon is 7.3 W/core; desktop
cores run higher). It ignores idle/uncore power and DVFS, so it ranks settings by CPU work
rather than measuring joules: treat absolute values as rough. Every sample is ``estimated``
and the label says "estimated (cpu-time model, W W/core)".
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from ecoai_chain.energy import MODEL, EnergySample, SourceEvent
from ecoai_chain.errors import ConfigError


class CpuTimeSource:
    name = "cpu-model"

    def __init__(self, watts_per_core: float = 10.0,
                 cpu_times: Callable[[], os.times_result] = os.times,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not watts_per_core > 0:
            raise ConfigError(f"watts_per_core must be > 0, got {watts_per_core}")
        self.watts_per_core = watts_per_core
        self._times = cpu_times
        self._clock = clock

    @property
    def label(self) -> str:
        return f"estimated (cpu-time model, {self.watts_per_core:g} W/core)"

    def open(self) -> None:
        pass  # nothing to open: os.times() always answers

    def read(self) -> list[EnergySample]:
        t = self._times()
        cpu_s = t.user + t.system + t.children_user + t.children_system
        return [EnergySample("cpu-time", self._clock(), int(cpu_s * self.watts_per_core * 1000),
                             estimated=True, note="cpu-time model", method=MODEL)]

    def close(self) -> None:
        pass

    def drain_events(self) -> list[SourceEvent]:
        return []
