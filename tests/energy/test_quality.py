"""How windows say they were measured: method, counter vs integrated power, update period."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecoai_chain.energy import COUNTER, INTEGRATED_POWER, REPLAY, EnergySample
from ecoai_chain.energy.quality import (
    FLAG_MISMATCH,
    FLAG_SHORT,
    GAP,
    WindowQuality,
    judge,
    weakest,
)


def tick(q, t, energy, power, method=COUNTER, dev="GPU-a"):
    q.add(t, [EnergySample(dev, t, energy, power, method=method)])


def test_counter_and_power_agree_within_one_percent_no_flag():
    q = WindowQuality()
    for i in range(0, 21):  # 100 W for 20 s, counter exact, sampled at 1 Hz from t=990
        tick(q, 990 + i, 100_000 * i, 100_000)
    m = q.close(1000, 1010, 1_000_000, gap=False)
    assert m.method == COUNTER and m.power_energy_mj == 1_000_000
    assert m.counter_power_diff_ppm == 0 and m.flags == ()
    assert m.counter_update_period_ms == 1000


def test_counter_power_mismatch_over_one_percent_is_flagged_with_its_size():
    q = WindowQuality()
    for i in range(0, 21):
        tick(q, 990 + i, 100_000 * i, 97_000)  # power reads 3 % low
    m = q.close(1000, 1010, 1_000_000, gap=False)
    assert m.power_energy_mj == 970_000 and m.counter_power_diff_ppm == 30_000
    assert m.flags == (FLAG_MISMATCH,)


def test_power_is_split_at_window_boundaries_by_time():
    q = WindowQuality()
    tick(q, 995.0, 0, 100_000)
    tick(q, 1005.0, 1_000_000, 100_000)  # one 10 s interval straddles the boundary at 1000
    tick(q, 1015.0, 2_000_000, 100_000)
    first = q.close(995, 1000, 500_000, gap=False)
    second = q.close(1000, 1010, 1_000_000, gap=False)
    assert first.power_energy_mj == 500_000
    assert second.power_energy_mj == 1_000_000 and second.counter_power_diff_ppm == 0


def test_window_shorter_than_ten_counter_updates_is_flagged():
    q = WindowQuality()
    # the counter changes only every 2 s although sampled every second
    for i in range(0, 31):
        tick(q, 1000 + i, 200_000 * (i // 2), 100_000)
    assert q.period_s() == 2.0
    m = q.close(1000, 1010, 1_000_000, gap=False)  # 10 s < 10 x 2 s
    assert FLAG_SHORT in m.flags and m.counter_update_period_ms == 2000
    assert FLAG_SHORT not in judge(COUNTER, 60, 10, None, 2.0).flags


def test_partial_coverage_is_not_compared():
    q = WindowQuality()
    tick(q, 1004, 0, 100_000)  # the agent started mid-window
    tick(q, 1011, 700_000, 100_000)
    m = q.close(1000, 1010, 600_000, gap=False)
    assert m.power_energy_mj is None and m.counter_power_diff_ppm is None


def test_methods_gap_fallback_replay_and_unknown():
    q = WindowQuality()
    tick(q, 1000, 0, 100, method=INTEGRATED_POWER)
    tick(q, 1011, 10, 100, method=INTEGRATED_POWER)
    m = q.close(1000, 1010, 10, gap=False)
    assert m.method == INTEGRATED_POWER and m.counter_power_diff_ppm is None
    assert q.close(1010, 1020, 0, gap=True).method == GAP
    assert weakest({COUNTER, REPLAY}) == REPLAY and weakest({COUNTER, INTEGRATED_POWER}) == \
        INTEGRATED_POWER and weakest(set()) == GAP
    assert weakest({"unknown", COUNTER}) == "unknown"


def test_no_power_read_means_nothing_to_compare():
    q = WindowQuality()
    for i in range(0, 21):
        tick(q, 990 + i, 1000 * i, None)  # RAPL: a counter, no power
    m = q.close(1000, 1010, 10_000, gap=False)
    assert m.method == COUNTER and m.power_energy_mj is None and m.flags == ()


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_judge_diff_is_signed_ppm_and_flag_matches_threshold(counter, power):
    m = judge(COUNTER, 60, counter, power, 1.0)
    assert m.counter_power_diff_ppm == (counter - power) * 1_000_000 // counter
    assert (FLAG_MISMATCH in m.flags) == (abs(m.counter_power_diff_ppm) > 10_000)
