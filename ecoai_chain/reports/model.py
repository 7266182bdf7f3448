"""The operator report: totals and series computed from metered windows (pure; no I/O).

Input is any sequence of window records with ``start_s, end_s, energy_mj, work, mean_power_mw,
max_power_mw, source, estimated`` (the attestor's ``WindowRecord`` has them). Figures:

* energy: Σ energy_mj; carbon: Σ per window carbon_mg(E_w, α(region, start_w)) (the shared floor
  rule per window, so a report can be a few mg below a certificate's single-intensity figure);
* intensity: the energy-weighted mean, floor(carbon × 3.6e9 / energy) mg/kWh;
* efficiency: work per kWh; Eco Score and reward: `ecoai_chain.core.units` with the given
  baseline (ng CO2e per work unit, the DAO's figure for the workload class), computed from the
  total carbon above;
* series: power per window, energy per epoch (``epoch_s`` buckets aligned to multiples of
  ``epoch_s``), carbon against intensity per window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ecoai_chain.core import units
from ecoai_chain.errors import ValidationError


@dataclass(frozen=True)
class MeteredSpan:
    """A window's span and metered figures: what a report's input and its rows share."""

    start_s: int
    end_s: int
    energy_mj: int
    work: int
    mean_power_mw: int
    max_power_mw: int


@dataclass(frozen=True)
class ReportWindow(MeteredSpan):
    """One window as a report reads it, from the agent's log or cut from a trace
    (`reports.sources`); the attestor's ``WindowRecord`` has the same fields."""

    source: str
    estimated: bool


@dataclass(frozen=True)
class WindowRow(MeteredSpan):
    """A report's row: the window with the grid intensity at its start and its carbon."""

    intensity_mg_per_kwh: int
    carbon_mg: int
    estimated: bool


@dataclass(frozen=True)
class Report:
    region: str
    since_s: int
    until_s: int
    windows: list[WindowRow]
    epochs: list[tuple[int, int]]          # (epoch_start_s, energy_mj)
    energy_mj: int
    work: int
    carbon_mg: int
    intensity_mg_per_kwh: int
    baseline_ng_per_work: int | None
    baseline_mg: int | None
    eco_score: int | None
    reward_units: int | None
    estimated_windows: int
    sources: list[str]
    intensity_source: str
    recommendation: dict = field(default_factory=dict)

    @property
    def energy_kwh(self) -> float:
        return units.mj_to_kwh(self.energy_mj)

    @property
    def carbon_kg(self) -> float:
        return self.carbon_mg / units.MG_PER_KG

    @property
    def work_per_kwh(self) -> float:
        return units.work_per_kwh(self.work, self.energy_mj)


def build_report(windows: Sequence[ReportWindow], region: str, since_s: int, until_s: int,
                 intensity_at: Callable[[int], int], *, intensity_source: str = "",
                 baseline_ng_per_work: int | None = None, epoch_s: int = 3600,
                 recommendation: dict | None = None) -> Report:
    if until_s <= since_s:
        raise ValidationError("since", f"the report span [{since_s}, {until_s}) is empty")
    if epoch_s <= 0:
        raise ValidationError("epoch_s", "must be > 0")
    rows = []
    for w in sorted(windows, key=lambda w: w.start_s):
        alpha = intensity_at(w.start_s)
        rows.append(WindowRow(w.start_s, w.end_s, w.energy_mj, w.work, w.mean_power_mw,
                              w.max_power_mw, alpha, units.carbon_mg(w.energy_mj, alpha),
                              bool(w.estimated)))
    energy = sum(r.energy_mj for r in rows)
    work = sum(r.work for r in rows)
    carbon = sum(r.carbon_mg for r in rows)
    mean_alpha = carbon * units.MJ_PER_KWH // energy if energy else 0
    epochs: dict[int, int] = {}
    for r in rows:
        key = r.start_s - r.start_s % epoch_s
        epochs[key] = epochs.get(key, 0) + r.energy_mj
    base = score = reward = None
    if baseline_ng_per_work is not None:
        base = units.baseline_mg(baseline_ng_per_work, work)
        score = units.eco_score(base, carbon, work)
        reward = units.reward_units(base, carbon)
    return Report(region, since_s, until_s, rows, sorted(epochs.items()), energy, work, carbon,
                  mean_alpha, baseline_ng_per_work, base, score, reward,
                  sum(r.estimated for r in rows), sorted({w.source for w in windows}),
                  intensity_source, recommendation or {})
