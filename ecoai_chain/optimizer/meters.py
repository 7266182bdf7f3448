"""Energy meters for the optimizer: RAPL, NVML, or a labelled CPU-time estimate.

`pick_meter()` takes the first that works: RAPL package counters (powercap) when readable, NVML
total-energy counters when a GPU is present, else `CpuTimeModelMeter`. The estimate is never
silent: its ``label`` is "estimated (cpu-time model, W W/core)" and every result, file and plot
carries it.

CPU-time model: E = (user + system CPU seconds of this process and its waited-for children) ×
``watts_per_core``. Default 10 W per busy core: a mid-range figure for server cores at full load
(e.g. a 280 W, 32-core EPYC is 8.75 W/core at TDP; a 205 W, 28-core Xeon is 7.3 W/core; desktop
cores run higher). It ignores idle/uncore power and DVFS, so it ranks settings by CPU work
rather than measuring joules: treat absolute values as rough.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ecoai_chain.errors import ConfigError, SourceError


@dataclass(frozen=True)
class Reading:
    energy_mj: int
    estimated: bool
    label: str


class EnergyMeter(Protocol):
    label: str
    estimated: bool

    def start(self) -> Any: ...

    def stop(self, token: Any) -> Reading: ...


class RaplMeter:
    """Sum of intel-rapl package domains (``intel-rapl:N/energy_uj``), with wraparound."""

    estimated = False

    def __init__(self, root: str | Path = "/sys/class/powercap") -> None:
        self.root = Path(root)
        self.domains = sorted(p for p in self.root.glob("intel-rapl:*")
                              if p.name.count(":") == 1 and (p / "energy_uj").exists())
        if not self.domains:
            raise SourceError(f"RAPL: no package domains under {self.root}")
        self.ranges = []
        for d in self.domains:
            try:
                (d / "energy_uj").read_text()
                self.ranges.append(int((d / "max_energy_range_uj").read_text()))
            except (OSError, ValueError) as e:
                raise SourceError(f"RAPL: {d}/energy_uj is not readable ({e}); reading it "
                                  "usually needs root since Linux 5.10") from e
        self.label = f"RAPL ({len(self.domains)} package domain(s))"

    def _read(self) -> list[int]:
        return [int((d / "energy_uj").read_text()) for d in self.domains]

    def start(self) -> list[int]:
        return self._read()

    def stop(self, token: list[int]) -> Reading:
        total_uj = 0
        for a, b, rng in zip(token, self._read(), self.ranges, strict=True):
            total_uj += b - a if b >= a else rng - a + b
        return Reading(total_uj // 1000, False, self.label)


class NvmlMeter:
    """Whole-GPU energy from ``nvmlDeviceGetTotalEnergyConsumption`` (mJ) over all GPUs."""

    estimated = False

    def __init__(self, nvml: Any = None) -> None:
        if nvml is None:
            import pynvml  # production default; tests pass a fake

            nvml = pynvml
        self.nvml = nvml
        try:
            nvml.nvmlInit()
            count = nvml.nvmlDeviceGetCount()
            self.handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            for h in self.handles:
                nvml.nvmlDeviceGetTotalEnergyConsumption(h)
        except nvml.NVMLError as e:
            raise SourceError(f"NVML energy counter unavailable: {e}") from e
        if not self.handles:
            raise SourceError("NVML: no GPUs")
        self.label = f"NVML total energy ({len(self.handles)} GPU(s))"

    def _read(self) -> list[int]:
        return [int(self.nvml.nvmlDeviceGetTotalEnergyConsumption(h)) for h in self.handles]

    def start(self) -> list[int]:
        return self._read()

    def stop(self, token: list[int]) -> Reading:
        now = self._read()
        if any(b < a for a, b in zip(token, now, strict=True)):
            raise SourceError("NVML energy counter went backwards (driver reload?): rerun")
        return Reading(sum(b - a for a, b in zip(token, now, strict=True)), False, self.label)


class CpuTimeModelMeter:
    """E = CPU seconds × watts_per_core; clearly an estimate (see the module docstring)."""

    estimated = True

    def __init__(self, watts_per_core: float = 10.0,
                 cpu_times: Callable[[], os.times_result] = os.times) -> None:
        if not watts_per_core > 0:
            raise ConfigError(f"watts_per_core must be > 0, got {watts_per_core}")
        self.watts_per_core = watts_per_core
        self._times = cpu_times
        self.label = f"estimated (cpu-time model, {watts_per_core:g} W/core)"

    def _cpu_s(self) -> float:
        t = self._times()
        return t.user + t.system + t.children_user + t.children_system

    def start(self) -> float:
        return self._cpu_s()

    def stop(self, token: float) -> Reading:
        cpu_s = max(0.0, self._cpu_s() - token)
        return Reading(int(cpu_s * self.watts_per_core * 1000), True, self.label)


def pick_meter(prefer: str = "auto", *, watts_per_core: float = 10.0,
               rapl_root: str | Path = "/sys/class/powercap", nvml: Any = None) -> EnergyMeter:
    """``prefer``: auto | rapl | nvml | cpu-model. An explicit choice that fails raises."""
    if prefer not in ("auto", "rapl", "nvml", "cpu-model"):
        raise ConfigError(f"--meter must be auto|rapl|nvml|cpu-model, got {prefer!r}")
    if prefer == "cpu-model":
        return CpuTimeModelMeter(watts_per_core)
    reasons = []
    for name, make in (("rapl", lambda: RaplMeter(rapl_root)), ("nvml", lambda: NvmlMeter(nvml))):
        if prefer not in ("auto", name):
            continue
        try:
            return make()
        except (SourceError, ImportError) as e:
            if prefer == name:
                raise SourceError(f"--meter {name}: {e}") from e
            reasons.append(str(e))
    meter = CpuTimeModelMeter(watts_per_core)
    meter.fallback_reasons = reasons  # type: ignore[attr-defined]
    return meter


def wall_clock() -> float:
    return time.perf_counter()
