"""Energy, carbon and score arithmetic against direct computation."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.carbon.accounting import (
    carbon_per_window,
    energy_mj_from_counter,
    energy_mj_from_power,
    score,
    score_at_intensity,
    work_per_kwh,
)
from ecoai_chain.core import units
from ecoai_chain.errors import ValidationError


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**5)), max_size=50))
@example([(300_000, 1_000)] * 3600)  # 300 W for an hour = 1.08e9 mJ
def test_power_integration_is_the_exact_sum_floored(samples):
    p = [s[0] for s in samples]
    t = [s[1] for s in samples]
    exact = sum(Fraction(a * b, 1000) for a, b in samples)
    assert energy_mj_from_power(p, t) == int(exact)  # floor of the exact sum (non-negative)


def test_power_integration_rejects_bad_input():
    with pytest.raises(ValidationError, match="durations_ms"):
        energy_mj_from_power([1, 2], [1])
    with pytest.raises(ValidationError, match=r"power_mw\[1\]"):
        energy_mj_from_power([1, -2], [1, 1])


def test_counter_differences_and_wraparound():
    assert energy_mj_from_counter([100, 150, 400]) == 300
    assert energy_mj_from_counter([90, 5], wrap_mj=100) == 15
    with pytest.raises(ValidationError, match=r"readings_mj\[1\].*went down"):
        energy_mj_from_counter([90, 5])


@dataclass
class W:
    start_s: int
    end_s: int
    energy_mj: int
    work: int


def test_carbon_per_window_uses_intensity_at_window_start():
    ws = [W(0, 60, 3_600_000_000, 10), W(60, 120, 1_800_000_000, 5)]
    got = carbon_per_window(ws, lambda ts: 400_000 if ts < 60 else 100_000)
    assert [g.carbon_mg for g in got] == [400_000, 50_000]
    assert [g.intensity_mg_per_kwh for g in got] == [400_000, 100_000]


@given(st.integers(0, 10**13), st.integers(0, 10**9), st.integers(0, 2 * 10**6),
       st.integers(0, 10**9))
def test_score_is_core_units(energy, work, alpha, base_ng):
    s = score_at_intensity(energy, work, alpha, base_ng)
    c = energy * alpha // 3_600_000_000
    b = base_ng * work // 1_000_000
    assert s.carbon_mg == c and s.baseline_mg == b
    assert s.eco_score == (0 if work == 0 or b + c == 0 else 100 * b // (b + c))
    assert s.reward_units == max(0, b - c) * 10**12
    assert s == score(energy, work, units.carbon_mg(energy, alpha), base_ng)


def test_paper_example_figures():
    # 4.2 kWh at Korea's bundled intensity -> carbon in kg
    energy = 42 * units.MJ_PER_KWH // 10
    c = units.carbon_mg(energy, 430_567)
    assert c == 1_808_381  # 4.2 * 430.567 g = 1808.3814 g
    assert work_per_kwh(8_400, energy) == pytest.approx(2000.0)
    assert work_per_kwh(5, 0) == 0.0


def test_shared_scoring_vectors_the_contract_also_checks():
    """tests/vectors/scoring.json drives the Solidity tests too: same numbers here."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "vectors" / "scoring.json"
    cases = json.loads(path.read_text())["cases"]
    assert len(cases) >= 5
    for c in cases:
        s = score_at_intensity(int(c["energy_mj"]), int(c["work"]),
                               int(c["intensity_mg_per_kwh"]), int(c["baseline_ng_per_work"]))
        assert (s.carbon_mg, s.baseline_mg, s.eco_score, s.reward_units) == (
            int(c["carbon_mg"]), int(c["baseline_mg"]), int(c["eco_score"]),
            int(c["reward_units"])), c["label"]
