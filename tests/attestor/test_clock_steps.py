"""Wall-clock steps: windows follow the wall clock, elapsed time comes from the monotonic one.

A steady 300 W load against a 400 W cap, sampled every second into 60 s windows; the wall
clock and the monotonic clock are injected separately, so a step moves only the wall clock
while the energy counter keeps following real (monotonic) time.
"""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from attestor.window import WindowAccumulator

WINDOW_S = 60
CAP_MW = 400_000
POWER_MW = 300_000
T0 = 1_800_000_000
CAP_MJ = CAP_MW * WINDOW_S


def simulate(steps: dict[int, float], seconds: int, power_mw: int = POWER_MW,
             max_power_mw: int | None = CAP_MW):
    """Tick once per real second; ``steps`` maps a real second to a wall-clock step (s)."""
    acc = WindowAccumulator(WINDOW_S, max_power_mw=max_power_mw)
    out, wall_offset = [], 0.0
    for r in range(seconds + 1):
        wall_offset += steps.get(r, 0.0)
        out += acc.add(T0 + 0.5 + r + wall_offset, {"gpu0": power_mw * r}, mono_s=50.0 + r)
    return acc, out


def check_exact(out, first_counter=0):
    assert all(b.start_s == a.end_s for a, b in zip(out, out[1:], strict=False))
    assert sum(w.energy_mj for w in out) == out[-1].cursor["gpu0"] - first_counter


def test_step_back_300s_books_every_joule_within_the_cap():
    acc, out = simulate({600: -300.0}, 3 * 3600)
    check_exact(out)
    assert max(w.energy_mj for w in out) <= CAP_MJ  # was 4.5x the cap in one window
    assert [s.direction for s in acc.drain_clock_steps()] == ["back"]
    touched = [w for w in out if w.end_s > T0 + 600 - 300 and w.start_s < T0 + 600 + 2400]
    assert any(w.estimated for w in touched)
    # the timeline slewed back onto the wall clock: the last windows are measured again
    assert out[-1].end_s > T0 + 3 * 3600 - 300 - WINDOW_S
    assert not out[-1].estimated and out[-1].energy_mj == POWER_MW * WINDOW_S


def test_step_forward_and_back_invents_no_windows():
    acc, out = simulate({600: 600.0, 630: -600.0}, 1800)
    check_exact(out)
    assert not any(w.gap for w in out)  # was ten empty gap windows
    assert max(w.energy_mj for w in out) <= CAP_MJ  # was 8.25x the cap later
    assert [w.start_s for w in out] == list(range(T0, T0 + 1800 - WINDOW_S + 1, WINDOW_S))
    assert [s.direction for s in acc.drain_clock_steps()] == ["forward"]


def test_step_forward_that_holds_becomes_gap_windows():
    acc, out = simulate({600: 600.0}, 2400)
    check_exact(out)
    gaps = [w for w in out if w.gap]
    assert 8 <= len(gaps) <= 10 and all(w.estimated for w in gaps)
    assert max(w.energy_mj for w in out) <= CAP_MJ
    assert out[-1].end_s > T0 + 2400 + 600 - WINDOW_S - 1  # back on the wall clock
    assert out[-1].energy_mj == POWER_MW * WINDOW_S


def test_step_back_without_a_cap_stays_ahead_but_never_denser_than_the_power():
    _acc, out = simulate({600: -300.0}, 1800, max_power_mw=None)
    check_exact(out)
    assert max(w.energy_mj for w in out) <= POWER_MW * WINDOW_S + 1


def test_restart_with_the_clock_behind_the_log_is_paced_by_the_cap():
    acc, out = simulate({}, 600)
    end, cursor = out[-1].end_s, out[-1].cursor
    acc2 = WindowAccumulator.resume(WINDOW_S, end, cursor, max_power_mw=CAP_MW)
    later = []
    # restarted 120 s later (real) but with the wall clock 200 s behind the last window
    for r in range(720, 720 + 1800):
        later += acc2.add(end - 200 + (r - 720), {"gpu0": POWER_MW * r}, mono_s=9.0 + r)
    assert later[0].start_s == end
    assert sum(w.energy_mj for w in later) == later[-1].cursor["gpu0"] - cursor["gpu0"]
    assert max(w.energy_mj for w in later) <= CAP_MJ
    assert [s.direction for s in acc2.drain_clock_steps()] == ["back"]


step = st.one_of(st.just(0.0), st.just(0.0), st.just(0.0),
                 st.floats(-2000, 2000, allow_nan=False), st.floats(-3, 3, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0.2, 5.0), step, st.integers(0, 380_000)),
                min_size=2, max_size=400))
@example([(1.0, 0.0, 300_000)] * 100 + [(1.0, -300.0, 300_000)] + [(1.0, 0.0, 300_000)] * 299)
@example([(1.0, 0.0, 300_000)] * 100 + [(1.0, 600.0, 300_000)] + [(1.0, 0.0, 300_000)] * 30
         + [(1.0, -600.0, 300_000)] + [(1.0, 0.0, 300_000)] * 268)
def test_property_any_clock_steps_book_exactly_and_within_the_cap(ticks):
    """Whatever the wall clock does: sum of windows == counter difference, windows are
    contiguous, and with the power below the cap no window exceeds it (flagged or not)."""
    acc = WindowAccumulator(WINDOW_S, max_power_mw=CAP_MW)
    wall, mono, counter = T0 + 0.3, 100.0, 10_000
    out = acc.add(wall, {"gpu0": counter}, mono_s=mono)
    for dt, jump, power_mw in ticks:
        mono += dt
        wall += dt + jump
        counter += int(power_mw * dt)
        out += acc.add(wall, {"gpu0": counter}, mono_s=mono)
    if out:
        check_exact(out, first_counter=10_000)
        assert all(w.energy_mj >= 0 for w in out)
        over = [w for w in out if w.energy_mj > CAP_MJ]
        assert not over, [(w.start_s, w.energy_mj, w.estimated) for w in over]


def test_agent_survives_a_step_back_and_every_epoch_still_proves(tmp_path):
    """Through the real Agent and store: the sealer's epochs stay within the cap (the old
    code failed the epoch holding the 4.5x window for good)."""
    from eth_account import Account

    from attestor.metrics import Metrics
    from attestor.pipeline import Agent
    from attestor.sealer import Sealer, build_epoch_input
    from attestor.store import Store
    from ecoai_chain.energy.replay import ReplaySource

    trace = tmp_path / "steady.csv"
    trace.write_text("# ecoai-trace v1\n# provenance: synthetic test, constant 300 W\n"
                     "# device: gpu0\nt_s,energy_mj,power_mw,work\n0,0,300000,0\n"
                     f"1000000,{300_000 * 1_000_000},300000,0\n")
    real = {"s": 0.0}
    wall = {"offset": 0.0}
    # the GPU's counter follows real time; only the wall clock steps
    source = ReplaySource(trace, anchor_s=T0 - 100, clock=lambda: T0 + real["s"])
    metrics = Metrics()
    store = Store(tmp_path / "a.db")
    acct = Account.create()
    agent = Agent(store, acct, source, None, WINDOW_S, metrics,
                  clock=lambda: T0 + 0.5 + real["s"] + wall["offset"],
                  monotonic=lambda: 7.0 + real["s"], max_power_mw=CAP_MW)
    agent.start()
    for r in range(3 * 3600 + 1):
        real["s"] = float(r)
        if r == 1800:
            wall["offset"] = -300.0
        agent.tick()
    ws = store.windows()
    assert max(w.energy_mj for w in ws) <= CAP_MJ
    assert sum(w.energy_mj for w in ws) == ws[-1].cursor["gpu0"] - ws[0].cursor["gpu0"] + \
        ws[0].energy_mj
    assert 'ecoai_clock_steps_total{direction="back"} 1.0' in \
        __import__("prometheus_client").generate_latest(metrics.registry).decode()
    sealer = Sealer(store, b"\x07" * 32, WINDOW_S, 60, CAP_MW, b"llm".ljust(32, b"\0"),
                    prover=None, intensity_at=lambda t: 1, sign=lambda c: b"",
                    clock=lambda: T0 + 10**6)
    due = sealer.due_epochs()
    assert len(due) >= 2
    flagged = 0
    for start in due:
        rec = sealer.seal(node_id=1, epoch_start_s=start)
        data = json.loads(rec.public_json)
        data["intensity_mg_per_kwh"] = 1
        rec.public_json = json.dumps(data)
        build_epoch_input(rec, b"\x07" * 32)  # raises if a slot is above the cap
        flagged += "estimated" in rec.flags
    assert flagged >= 1
    store.close()
