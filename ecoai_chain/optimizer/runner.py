"""Measure a workload across settings, find the frontier, pick, and write the results.

Each setting is measured by running the workload repeatedly until ``min_duration_s`` of wall
time has passed (at least once, at most ``max_repeats`` times) between two meter readings, so
short runs still span many meter ticks; work is summed over the repeats. Latency is the
workload's ``latency_ms`` when it reports one, else wall time per work unit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ecoai_chain.core.units import MJ_PER_KWH
from ecoai_chain.energy.monitor import EnergyMonitor
from ecoai_chain.errors import ConfigError, ValidationError
from ecoai_chain.optimizer import search
from ecoai_chain.optimizer.pareto import Point, Prices, pareto_front, weighted_pick


@dataclass(frozen=True)
class Measurement:
    index: int
    setting: dict
    work: int
    quality: float
    energy_mj: int
    wall_ms: float
    latency_ms: float
    repeats: int
    meter: str
    estimated: bool
    extra: dict = field(default_factory=dict)
    method: str = "unknown"                    # how the energy was measured (energy.quality)
    flags: list[str] = field(default_factory=list)  # e.g. short_window: measure longer

    @property
    def energy_per_work_mj(self) -> float:
        return self.energy_mj / self.work

    @property
    def throughput_per_s(self) -> float:
        return self.work / (self.wall_ms / 1000) if self.wall_ms > 0 else 0.0

    def point(self, intensity_mg_per_kwh: int) -> Point:
        return Point(self.index, self.energy_per_work_mj, self.latency_ms, self.quality,
                     self.wall_ms / 1000 / self.work,
                     self.energy_per_work_mj * intensity_mg_per_kwh / MJ_PER_KWH)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(energy_per_work_mj=self.energy_per_work_mj, throughput_per_s=self.throughput_per_s)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Measurement:
        keys = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in keys})


def measure(workload: Any, setting: dict, meter: EnergyMonitor, index: int, *,
            min_duration_s: float = 0.3, max_repeats: int = 1000,
            clock: Callable[[], float] = time.perf_counter) -> Measurement:
    work, qualities, latencies, extra = 0, [], [], {}
    key = f"setting-{index}"
    meter.begin_window(key)
    t0 = clock()
    repeats = 0
    while True:
        result = workload.run(setting)
        meter.sample()  # a read per repeat: resets lose less, the counter period is observed
        repeats += 1
        work += result["work"]
        qualities.append(float(result["quality"]))
        if "latency_ms" in result:
            latencies.append(float(result["latency_ms"]))
        extra = {k: v for k, v in result.items() if k not in ("work", "quality", "latency_ms")}
        if clock() - t0 >= min_duration_s or repeats >= max_repeats:
            break
    wall_ms = (clock() - t0) * 1000
    reading = meter.end_window(key)
    latency = sum(latencies) / len(latencies) if latencies else wall_ms / work
    label = reading.label + (f"; counter reset on {', '.join(reading.resets)}"
                             if reading.resets else "")
    return Measurement(index, dict(setting), work, min(qualities), reading.energy_mj, wall_ms,
                       latency, repeats, label, reading.estimated, extra, reading.method,
                       list(reading.flags))


@dataclass(frozen=True)
class Result:
    measurements: list[Measurement]
    front: list[int]
    chosen: int
    scores: dict[int, float]
    weights: tuple[float, float, float]
    quality_floor: float
    prices: Prices
    intensity_mg_per_kwh: int
    search: str

    def by_index(self, i: int) -> Measurement:
        return next(m for m in self.measurements if m.index == i)


def decide(measurements: Sequence[Measurement], weights: tuple[float, float, float],
           quality_floor: float, prices: Prices, intensity_mg_per_kwh: int,
           search_name: str = "grid") -> Result:
    points = [m.point(intensity_mg_per_kwh) for m in measurements]
    front = pareto_front(points)
    chosen, scores = weighted_pick(points, weights, quality_floor, prices)
    return Result(list(measurements), [p.index for p in front], chosen.index, scores, weights,
                  quality_floor, prices, intensity_mg_per_kwh, search_name)


def optimize(workload: Any, dims: search.Dims, meter: EnergyMonitor, *, mode: str = "grid",
             weights: tuple[float, float, float] = (1.0, 1.0, 1.0), quality_floor: float = 0.0,
             prices: Prices | None = None, intensity_mg_per_kwh: int = 0,
             limiter: Any = None, budget: int = 50, min_duration_s: float = 0.3,
             log: Callable[[str], None] = lambda s: None) -> Result:
    if mode not in ("grid", "adaptive"):
        raise ConfigError(f"--search must be grid|adaptive, got {mode!r}")
    if not dims or any(not vals for _, vals in dims):
        raise ConfigError("every searched dimension needs at least one value")
    prices = prices or Prices()
    measurements: list[Measurement] = []
    first = search.grid(dims)[0]
    workload.prepare(first)

    def run_one(setting: dict) -> None:
        if limiter is not None and "power_limit_w" in setting:
            limiter.set_watts(setting["power_limit_w"])
        m = measure(workload, setting, meter, len(measurements), min_duration_s=min_duration_s)
        measurements.append(m)
        log(f"[{m.index}] {setting}: {m.energy_per_work_mj:.3f} mJ/work, {m.latency_ms:.3f} ms, "
            f"quality {m.quality:.4f} ({m.meter})")

    def best_so_far() -> dict | None:
        try:
            r = decide(measurements, weights, quality_floor, prices, intensity_mg_per_kwh)
        except ValidationError:  # nothing reaches the quality floor yet
            return None
        return {k: v for k, v in r.by_index(r.chosen).setting.items()}

    try:
        if mode == "grid":
            for setting in search.grid(dims):
                run_one(setting)
        else:
            search.adaptive(dims, run_one, best_so_far, budget)
    finally:
        if limiter is not None:
            limiter.restore()
    return decide(measurements, weights, quality_floor, prices, intensity_mg_per_kwh, mode)
