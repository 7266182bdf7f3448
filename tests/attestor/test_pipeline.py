"""Agent ticks with an injected clock, a real replay trace and a real SQLite store."""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from prometheus_client import generate_latest

from attestor.metrics import Metrics
from attestor.pipeline import Agent
from attestor.store import Store
from attestor.work.replay import ReplayWorkSource
from ecoai_chain.energy.replay import ReplaySource, load_trace
from ecoai_chain.errors import SourceError, StoreError

TRACE = "traces/synthetic_llm_gpu.csv"
T0 = 1_800_000_000  # any unix time; the replay anchor makes the counters start there


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


def make_agent(tmp_path, clock, acct, metrics=None):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    store = Store(tmp_path / "a.db")
    agent = Agent(store, acct, ReplaySource(root / TRACE, anchor_s=T0, clock=clock),
                  ReplayWorkSource(root / TRACE, anchor_s=T0, clock=clock), window_s=5,
                  metrics=metrics or Metrics(), clock=clock, monotonic=clock)
    agent.start()
    return agent, store


def run(agent, clock, until, step=0.5):
    rows = []
    while clock.t < until:
        clock.t += step
        rows += agent.tick()
    return rows


def test_restart_books_gap_energy_exactly(tmp_path):
    from pathlib import Path

    trace = load_trace(Path(__file__).resolve().parents[2] / TRACE)
    acct = Account.create()
    clock = Clock(T0)  # samples every 0.5 s land exactly on the 5 s boundaries
    agent, store = make_agent(tmp_path, clock, acct)
    run(agent, clock, T0 + 31)
    agent.stop()
    store.close()
    clock.t = T0 + 58.5  # agent was down for ~27 s (as after kill -9)
    agent, store = make_agent(tmp_path, clock, acct)
    run(agent, clock, T0 + 80)
    ws = store.windows()
    assert [w.start_s for w in ws] == list(range(T0, T0 + 80, 5))  # contiguous, none lost
    assert [w.gap for w in ws] == [False] * 6 + [True] * 5 + [False] * 5
    assert all(w.estimated for w in ws if w.gap)
    # telescoping: the windows sum to the counter difference between their boundaries...
    dev = "replay-synthetic-gpu0"
    assert sum(w.energy_mj for w in ws[1:]) == ws[-1].cursor[dev] - ws[0].cursor[dev]
    # ...and that difference is the trace's own, across the restart (floor: +-2 mJ)
    e0, w0, _ = trace.at(T0 + 5, T0)
    e1, w1, _ = trace.at(T0 + 80, T0)
    assert abs(sum(w.energy_mj for w in ws[1:]) - (e1 - e0)) <= 2
    assert abs(sum(w.work for w in ws[1:]) - (w1 - w0)) <= 2
    assert store.verify(acct.address)[0]


def test_source_error_marks_window_estimated_and_keeps_counting(tmp_path):
    acct = Account.create()
    clock = Clock(T0 + 0.2)
    metrics = Metrics()
    agent, store = make_agent(tmp_path, clock, acct, metrics)
    run(agent, clock, T0 + 10.1)
    real_read = agent.energy.read

    def broken():
        raise SourceError("NVML nvmlDeviceGetTotalEnergyConsumption failed for GPU GPU-x: "
                          "NVML_ERROR_GPU_IS_LOST")

    agent.energy.read = broken
    run(agent, clock, T0 + 12)
    agent.energy.read = real_read
    run(agent, clock, T0 + 21)
    ws = store.windows()
    assert ws[2].start_s == T0 + 10 and ws[2].estimated
    assert not ws[3].estimated
    text = generate_latest(metrics.registry).decode()
    assert 'ecoai_source_errors_total{source="replay"} 4.0' in text
    assert "ecoai_windows_total" in text and "ecoai_energy_joules_total" in text


def test_agent_refuses_corrupt_log_and_changes_nothing(tmp_path):
    import sqlite3

    acct = Account.create()
    clock = Clock(T0 + 0.2)
    agent, store = make_agent(tmp_path, clock, acct)
    run(agent, clock, T0 + 16)
    agent.stop()
    store.close()
    with sqlite3.connect(tmp_path / "a.db") as c:
        c.execute("UPDATE windowrecord SET cursor_json = '{\"x\": 1}' WHERE seq = 2")
    with pytest.raises(StoreError, match="corrupt.*seq=2"):
        make_agent(tmp_path, clock, acct)
    with sqlite3.connect(tmp_path / "a.db") as c:
        assert c.execute("SELECT count(*) FROM windowrecord").fetchone()[0] == 3
        assert json.loads(c.execute("SELECT cursor_json FROM windowrecord WHERE seq=2")
                          .fetchone()[0]) == {"x": 1}


def test_window_length_cannot_change_under_an_existing_log(tmp_path):
    from pathlib import Path

    acct = Account.create()
    clock = Clock(T0 + 0.2)
    agent, store = make_agent(tmp_path, clock, acct)
    run(agent, clock, T0 + 6)
    root = Path(__file__).resolve().parents[2]
    other = Agent(store, acct, ReplaySource(root / TRACE, anchor_s=T0, clock=clock), None,
                  window_s=10, clock=clock)
    with pytest.raises(StoreError, match="window_s"):
        other.start()


def test_stop_closes_every_source_and_shows_a_failing_close(tmp_path, caplog):
    import logging

    acct = Account.create()
    clock = Clock(T0 + 0.2)
    metrics = Metrics()
    agent, store = make_agent(tmp_path, clock, acct, metrics)
    closed = []

    def broken_close():
        raise RuntimeError("driver went away")

    agent.energy.close = broken_close
    agent.work.close = lambda: closed.append("work")
    logging.getLogger("ecoai.attestor").addHandler(caplog.handler)
    try:
        agent.stop()
    finally:
        logging.getLogger("ecoai.attestor").removeHandler(caplog.handler)
    assert closed == ["work"]  # the second source is closed although the first failed
    rec = next(r for r in caplog.records if r.getMessage() == "source close failed")
    assert rec.exc_info is not None and "driver went away" in rec.fields["error"]
    assert 'ecoai_source_errors_total{source="replay"} 1.0' in \
        generate_latest(metrics.registry).decode()
    store.close()
