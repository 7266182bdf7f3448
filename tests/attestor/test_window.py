"""Window aggregation: exact telescoping energy, resets, gaps, resume."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from attestor.window import WORK_KEY, WindowAccumulator


def feed(acc, ticks):
    out = []
    for t, e, w in ticks:
        out += acc.add(t, {"gpu0": e, WORK_KEY: w})
    return out


def test_windows_are_aligned_and_energy_telescopes():
    acc = WindowAccumulator(window_s=10)
    # 100 W constant => 100_000 mJ per second, 5 tokens per second, sampled every 0.5 s
    ticks = [(1000.25 + i * 0.5, int((1000.25 + i * 0.5 - 1000) * 100_000), int((i * 0.5) * 5))
             for i in range(101)]
    ws = feed(acc, ticks)
    assert [w.start_s for w in ws] == [1000, 1010, 1020, 1030, 1040]
    assert all(w.end_s - w.start_s == 10 for w in ws)
    # full windows carry exactly 10 s of 100 W
    assert [w.energy_mj for w in ws[1:]] == [1_000_000] * 4
    assert ws[1].mean_power_mw == 100_000
    assert ws[0].estimated and not ws[1].estimated  # first window is partial
    # telescoping: sum of windows == counter at last boundary - first reading
    assert sum(w.energy_mj for w in ws) == ws[-1].cursor["gpu0"] - ticks[0][1]
    assert sum(w.work for w in ws) == ws[-1].cursor[WORK_KEY] - ticks[0][2]


def test_reset_never_gives_negative_energy_and_marks_estimated():
    acc = WindowAccumulator(window_s=10)
    ws = feed(acc, [(1001, 5_000, 0), (1009, 9_000, 0), (1012, 1_000, 0), (1021, 4_000, 0)])
    assert all(w.energy_mj >= 0 for w in ws)
    assert ws[1].estimated  # the window holding the reset
    # after reset the increment is the new value (energy since the reset)
    assert sum(w.energy_mj for w in ws) <= 9_000 - 5_000 + 4_000


def test_gap_is_spread_evenly_total_exact():
    acc = WindowAccumulator(window_s=10)
    feed(acc, [(1000.5, 0, 0), (1009.9, 940_000, 10)])
    ws = acc.add(1050.5, {"gpu0": 5_050_000, WORK_KEY: 500})  # 40 s without samples
    assert [w.start_s for w in ws] == [1000, 1010, 1020, 1030, 1040]
    assert [w.gap for w in ws] == [False, True, True, True, True]
    assert all(w.estimated for w in ws[1:])
    assert ws[-1].cursor["gpu0"] == sum(w.energy_mj for w in ws)
    spread = [w.energy_mj for w in ws[1:]]
    assert max(spread) - min(spread) <= 1


def test_resume_continues_counter_across_restart():
    acc = WindowAccumulator(window_s=10)
    ws = feed(acc, [(1000.5, 1_000, 0), (1010.5, 2_000, 0)])
    cursor, end = ws[-1].cursor, ws[-1].end_s
    acc2 = WindowAccumulator.resume(10, end, cursor)
    ws2 = feed(acc2, [(1015, 2_500, 1), (1020.5, 3_100, 2)])
    assert ws2[0].start_s == end and ws2[0].gap is False
    assert ws2[0].cursor["gpu0"] - cursor["gpu0"] == ws2[0].energy_mj


@given(st.lists(st.tuples(st.floats(0.05, 25), st.integers(0, 10**9)), min_size=2, max_size=60))
def test_property_sum_equals_counter_difference(steps):
    acc = WindowAccumulator(window_s=7)
    t, e = 10_000.3, 123
    out = acc.add(t, {"d": e})
    for dt, de in steps:
        t, e = t + dt, e + de
        out += acc.add(t, {"d": e})
    if out:
        assert sum(w.energy_mj for w in out) == out[-1].cursor["d"] - 123
        assert all(w.energy_mj >= 0 for w in out)
        assert all(b.start_s == a.end_s for a, b in zip(out, out[1:], strict=False))
