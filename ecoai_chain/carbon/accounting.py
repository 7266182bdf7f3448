"""Energy, carbon, efficiency and Eco Score: pure integer arithmetic, no I/O.

* Energy from polled power (only where no counter exists): E = Σ Pᵢ·Tᵢ with Pᵢ in mW and Tᵢ in
  ms, summed exactly in µJ and floored once to mJ.
* Energy from a cumulative counter (NVML total energy, RAPL): the sum of consecutive differences,
  with wraparound when the counter's range is known; a decrease without a known range is an error
  (a reset must be handled where the reading is taken, not hidden here).
* Carbon: C = E × α(region, time) through `ecoai_chain.core.units.carbon_mg` (the shared floor
  rule); per window, α is taken at the window's start.
* Energy efficiency index: work per kWh.
* Eco Score, reward: exactly `ecoai_chain.core.units` (the contract's formulas).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ecoai_chain.core import units
from ecoai_chain.errors import ValidationError

UJ_PER_MJ = 1_000


def energy_mj_from_power(power_mw: Sequence[int], durations_ms: Sequence[int]) -> int:
    """E = floor(Σ Pᵢ[mW] × Tᵢ[ms] / 1000) mJ (mW × ms = µJ)."""
    if len(power_mw) != len(durations_ms):
        raise ValidationError("durations_ms", f"length {len(durations_ms)} != power_mw length "
                              f"{len(power_mw)}")
    total_uj = 0
    for i, (p, t) in enumerate(zip(power_mw, durations_ms, strict=True)):
        units.require_uint(f"power_mw[{i}]", p)
        units.require_uint(f"durations_ms[{i}]", t)
        total_uj += p * t
    return total_uj // UJ_PER_MJ


def energy_mj_from_counter(readings_mj: Sequence[int], wrap_mj: int | None = None) -> int:
    """Σ (r[i+1] − r[i]); a decrease is a wraparound modulo ``wrap_mj`` when given."""
    total = 0
    for i in range(1, len(readings_mj)):
        a = units.require_uint(f"readings_mj[{i - 1}]", readings_mj[i - 1])
        b = units.require_uint(f"readings_mj[{i}]", readings_mj[i])
        if b >= a:
            total += b - a
        elif wrap_mj is not None and a < wrap_mj:
            total += wrap_mj - a + b
        else:
            raise ValidationError(f"readings_mj[{i}]", f"counter went down ({a} -> {b}) and no "
                                  "wrap range is known: a reset must be handled by the source")
    return total


def work_per_kwh(work: int, energy_mj: int) -> float:
    """Energy efficiency index for display: work units per kWh (inf-free: 0 when no energy)."""
    units.require_uint("work", work)
    units.require_uint("energy_mj", energy_mj)
    return 0.0 if energy_mj == 0 else work * units.MJ_PER_KWH / energy_mj


class WindowLike(Protocol):
    """What accounting needs from a metered window (the attestor's WindowRecord has these)."""

    start_s: int
    end_s: int
    energy_mj: int
    work: int


@dataclass(frozen=True)
class WindowCarbon:
    start_s: int
    end_s: int
    energy_mj: int
    work: int
    intensity_mg_per_kwh: int
    carbon_mg: int


def carbon_per_window(windows: Iterable[WindowLike],
                      intensity_at: IntensityLookup) -> list[WindowCarbon]:
    """C_w = carbon_mg(E_w, α(region, start_w)) for each window, in the given order."""
    out = []
    for w in windows:
        alpha = intensity_at(w.start_s)
        out.append(WindowCarbon(w.start_s, w.end_s, w.energy_mj, w.work, alpha,
                                units.carbon_mg(w.energy_mj, alpha)))
    return out


class IntensityLookup(Protocol):
    def __call__(self, ts_s: int) -> int: ...


@dataclass(frozen=True)
class Score:
    """The certificate's figures for a total, all integers, by the contract's formulas."""

    energy_mj: int
    work: int
    carbon_mg: int
    baseline_mg: int
    eco_score: int
    reward_units: int


def score(energy_mj: int, work: int, carbon_mg: int, baseline_ng_per_work: int) -> Score:
    """Eco Score and reward for a total, exactly as GreenProof computes them."""
    units.require_uint("energy_mj", energy_mj)
    base = units.baseline_mg(baseline_ng_per_work, work)
    return Score(energy_mj, work, carbon_mg, base, units.eco_score(base, carbon_mg, work),
                 units.reward_units(base, carbon_mg))


def score_at_intensity(energy_mj: int, work: int, intensity_mg_per_kwh: int,
                       baseline_ng_per_work: int) -> Score:
    """As a certificate: carbon from the *total* energy and one intensity."""
    return score(energy_mj, work, units.carbon_mg(energy_mj, intensity_mg_per_kwh),
                 baseline_ng_per_work)
