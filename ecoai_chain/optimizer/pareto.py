"""Pareto frontier and the weighted pick (pure; no I/O).

Objectives of a measured setting: minimize energy per work, minimize latency, maximize quality.
A point dominates another when it is no worse in all three and strictly better in one; the
frontier is the set of points no other point dominates (duplicates of a frontier point are all
kept).

The pick: among points with quality >= the floor, minimize
    λ1·Cost/min(Cost) + λ2·Energy/min(Energy) + λ3·Latency/min(Latency)
(each term divided by its best feasible value, so the weights compare like with like and the
best possible value of each term is λ). Per unit of work:
    Cost   = energy_kwh × price_per_kwh + carbon_kg × carbon_price_per_kg + hours × price_per_hour
    Energy = energy_mj / work
    Latency = latency_ms
Ties go to the lower energy, then to the earlier measurement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecoai_chain.core.units import MG_PER_KG, MJ_PER_KWH
from ecoai_chain.errors import ConfigError, ValidationError


@dataclass(frozen=True)
class Point:
    """One measured setting, reduced to what the frontier and the pick need."""

    index: int
    energy_per_work_mj: float
    latency_ms: float
    quality: float
    wall_s_per_work: float = 0.0
    carbon_mg_per_work: float = 0.0


@dataclass(frozen=True)
class Prices:
    per_kwh: float = 0.15        # electricity, currency units per kWh
    per_hour: float = 0.0        # hardware rent, currency units per hour of wall time
    per_kg_co2: float = 0.0      # internal carbon price per kg CO2e

    def __post_init__(self) -> None:
        for name in ("per_kwh", "per_hour", "per_kg_co2"):
            if getattr(self, name) < 0:
                raise ConfigError(f"price {name} must be >= 0")


def dominates(a: Point, b: Point) -> bool:
    no_worse = (a.energy_per_work_mj <= b.energy_per_work_mj and a.latency_ms <= b.latency_ms
                and a.quality >= b.quality)
    better = (a.energy_per_work_mj < b.energy_per_work_mj or a.latency_ms < b.latency_ms
              or a.quality > b.quality)
    return no_worse and better


def pareto_front(points: Sequence[Point]) -> list[Point]:
    """Frontier by a sweep: sort by energy (then latency, quality desc); a point joins unless an
    earlier-sorted frontier member dominates it. Only earlier points can dominate a later one,
    because a dominator is no worse in energy and, at equal energy, no worse in the tie-breaks."""
    order = sorted(points, key=lambda p: (p.energy_per_work_mj, p.latency_ms, -p.quality,
                                          p.index))
    front: list[Point] = []
    for p in order:
        if not any(dominates(f, p) for f in front):
            front.append(p)
    return sorted(front, key=lambda p: p.index)


def cost_per_work(p: Point, prices: Prices) -> float:
    return (p.energy_per_work_mj / MJ_PER_KWH * prices.per_kwh
            + p.carbon_mg_per_work / MG_PER_KG * prices.per_kg_co2
            + p.wall_s_per_work / 3600 * prices.per_hour)


def weighted_pick(points: Sequence[Point], weights: tuple[float, float, float],
                  quality_floor: float, prices: Prices) -> tuple[Point, dict[int, float]]:
    """The chosen point and every feasible point's score (see the module docstring)."""
    if len(weights) != 3 or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ConfigError("--weights needs three non-negative numbers l1,l2,l3, not all zero")
    feasible = [p for p in points if p.quality >= quality_floor]
    if not feasible:
        best_q = max((p.quality for p in points), default=None)
        raise ValidationError("quality_floor", f"no setting reaches quality {quality_floor} "
                              f"(best measured: {best_q})")
    costs = {p.index: cost_per_work(p, prices) for p in feasible}

    def norm(value: float, best: float) -> float:
        return 1.0 if best <= 0 and value <= 0 else (value / best if best > 0 else float("inf"))

    c_min = min(costs.values())
    e_min = min(p.energy_per_work_mj for p in feasible)
    l_min = min(p.latency_ms for p in feasible)
    l1, l2, l3 = weights
    scores = {p.index: l1 * norm(costs[p.index], c_min) + l2 * norm(p.energy_per_work_mj, e_min)
              + l3 * norm(p.latency_ms, l_min) for p in feasible}
    best = min(feasible, key=lambda p: (scores[p.index], p.energy_per_work_mj, p.index))
    return best, scores
