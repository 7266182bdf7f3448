"""Frontier and pick against brute force, on a recorded real run and on random points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoai_chain.errors import ConfigError, ValidationError
from ecoai_chain.optimizer.pareto import Point, Prices, pareto_front
from ecoai_chain.optimizer.runner import Measurement, decide

FIXTURE = Path(__file__).parent / "fixtures" / "numpy_mlp_measurements.json"


def recorded() -> list[Measurement]:
    """16 settings of the shipped numpy MLP measured by `ecoai optimize` on this machine."""
    return [Measurement.from_dict(d) for d in json.loads(FIXTURE.read_text())]


def brute_front(points):
    """Definition, written out independently: keep p unless some q is <= everywhere, < once."""
    out = []
    for p in points:
        dominated = False
        for q in points:
            le = (q.energy_per_work_mj <= p.energy_per_work_mj, q.latency_ms <= p.latency_ms,
                  q.quality >= p.quality)
            lt = (q.energy_per_work_mj < p.energy_per_work_mj, q.latency_ms < p.latency_ms,
                  q.quality > p.quality)
            if all(le) and any(lt):
                dominated = True
        if not dominated:
            out.append(p.index)
    return sorted(out)


def test_recorded_run_front_matches_brute_force():
    ms = recorded()
    assert len(ms) == 16 and all(m.estimated for m in ms)  # recorded with the cpu-time model
    points = [m.point(430_567) for m in ms]
    front = [p.index for p in pareto_front(points)]
    assert front == brute_front(points)
    assert 1 <= len(front) < len(points)


def _direct_scores(points, weights, floor, prices):
    feas = [p for p in points if p.quality >= floor]
    cost = {p.index: p.energy_per_work_mj / 3.6e9 * prices.per_kwh
            + p.carbon_mg_per_work / 1e6 * prices.per_kg_co2
            + p.wall_s_per_work / 3600 * prices.per_hour for p in feas}
    cmin = min(cost.values())
    emin = min(p.energy_per_work_mj for p in feas)
    lmin = min(p.latency_ms for p in feas)
    return {p.index: weights[0] * cost[p.index] / cmin + weights[1] * p.energy_per_work_mj / emin
            + weights[2] * p.latency_ms / lmin for p in feas}


@pytest.mark.parametrize("weights,floor", [((1, 1, 1), 0.0), ((0, 1, 0), 0.99),
                                           ((0, 0, 1), 0.0), ((1, 0.2, 3), 0.998)])
def test_recorded_run_pick_matches_direct_computation(weights, floor):
    ms = recorded()
    prices = Prices(per_kwh=0.2, per_hour=1.5, per_kg_co2=0.1)
    res = decide(ms, weights, floor, prices, 430_567)
    points = [m.point(430_567) for m in ms]
    direct = _direct_scores(points, weights, floor, prices)
    assert res.scores == pytest.approx(direct)
    best = min(direct.values())
    assert direct[res.chosen] == pytest.approx(best)
    assert res.by_index(res.chosen).quality >= floor
    if weights == (0, 1, 0):
        feas = [m for m in ms if m.quality >= floor]
        assert res.chosen == min(feas, key=lambda m: m.energy_per_work_mj).index


def test_floor_and_weights_errors():
    ms = recorded()
    with pytest.raises(ValidationError, match="quality_floor"):
        decide(ms, (1, 1, 1), 1.01, Prices(), 0)
    with pytest.raises(ConfigError, match="weights"):
        decide(ms, (0, 0, 0), 0.0, Prices(), 0)


coords = st.floats(0.001, 100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.5, 1.0, 2.0]), coords, st.sampled_from(
    [0.9, 0.95, 1.0])), min_size=1, max_size=30))
def test_random_fronts_match_brute_force(raw):
    # coarse energy/quality values force many ties, the hard case for a sweep
    points = [Point(i, e, lat, q) for i, (e, lat, q) in enumerate(raw)]
    assert [p.index for p in pareto_front(points)] == brute_front(points)
