"""Every window records how it was measured (issue 18): the agent over NVML (the shared fake)
and over a replay trace, and a store written before the fields existed, migrated in place."""

from __future__ import annotations

import json
import sqlite3

from eth_account import Account
from nvml_fake import fake_nvml

from attestor.pipeline import Agent
from attestor.signing import BODY_FIELDS_V1, seal_record
from attestor.store import Store
from attestor.window import ClosedWindow
from ecoai_chain.energy.nvml import NvmlSource
from ecoai_chain.energy.quality import FLAG_MISMATCH, WindowMeasurement

T0 = 1_800_000_000


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


def nvml_agent(tmp_path, clock, power_mw, watts_true=100):
    n = fake_nvml({"GPU-a": {"energy": [0], "power": [0]}})
    n.nvmlDeviceGetTotalEnergyConsumption.side_effect = lambda h: int((clock.t - T0) * watts_true
                                                                      * 1000)
    n.nvmlDeviceGetPowerUsage.side_effect = lambda h: power_mw
    store = Store(tmp_path / "a.db")
    agent = Agent(store, Account.create(), NvmlSource(nvml=n, clock=clock), None, window_s=10,
                  clock=clock, monotonic=clock)
    agent.start()
    return agent, store


def run(agent, clock, until, step=1.0):
    while clock.t < until:
        clock.t += step
        agent.tick()


def test_nvml_windows_record_counter_method_and_agreement_with_power(tmp_path):
    clock = Clock(T0 + 0.5)
    agent, store = nvml_agent(tmp_path, clock, power_mw=100_000)
    run(agent, clock, T0 + 41)
    ws = store.windows()
    assert [w.method for w in ws] == ["counter"] * 4
    assert ws[0].power_energy_mj is None  # partial first window: nothing to compare
    assert all(w.power_energy_mj == 1_000_000 and w.counter_power_diff_ppm == 0
               and w.quality_flags == "" and w.counter_update_period_ms == 1000 for w in ws[1:])
    assert store.verify()[0]


def test_power_that_disagrees_by_more_than_one_percent_flags_the_window(tmp_path):
    clock = Clock(T0 + 0.5)
    agent, store = nvml_agent(tmp_path, clock, power_mw=95_000)  # reads 5 % low
    run(agent, clock, T0 + 31)
    w = store.windows()[1]
    assert w.counter_power_diff_ppm == 50_000 and w.quality_flags == FLAG_MISMATCH
    rec = w.as_record()  # the method and flags are in the signed body
    assert rec["version"] == 3 and rec["quality_flags"] == FLAG_MISMATCH


def test_replay_windows_say_replay_and_gaps_say_gap(tmp_path):
    from pathlib import Path

    from ecoai_chain.energy.replay import ReplaySource

    root = Path(__file__).resolve().parents[2]
    clock = Clock(T0 + 0.2)
    store = Store(tmp_path / "a.db")
    agent = Agent(store, Account.create(),
                  ReplaySource(root / "traces/synthetic_llm_gpu.csv", anchor_s=T0, clock=clock),
                  None, window_s=5, clock=clock, monotonic=clock)
    agent.start()
    run(agent, clock, T0 + 11)
    clock.t += 20  # the agent stalls for 20 s
    run(agent, clock, T0 + 40)
    methods = [(w.method, w.gap) for w in store.windows()]
    assert ("replay", False) in methods and ("gap", True) in methods
    assert all(m == "gap" for m, g in methods if g) and all(m == "replay" for m, g in methods
                                                            if not g)


def _v1_window(acct, seq, start, prev_hash):
    body = {"version": 1, "attestor": acct.address, "seq": seq, "start_s": start,
            "end_s": start + 10, "energy_mj": 1000, "work": 5, "sample_count": 10,
            "mean_power_mw": 100, "max_power_mw": 101, "source": "nvml", "estimated": False,
            "gap": False, "cursor": {"gpu0": start}, "prev_hash": prev_hash}
    assert set(body) == set(BODY_FIELDS_V1)
    return seal_record(body, acct)


def test_store_written_before_measurement_fields_is_migrated_and_still_verifies(tmp_path):
    acct = Account.create()
    db = tmp_path / "old.db"
    Store(db).close()
    con = sqlite3.connect(db)  # make it the schema an older agent wrote
    for col in ("method", "power_energy_mj", "counter_power_diff_ppm",
                "counter_update_period_ms", "quality_flags", "attribution_method",
                "attributed_share_ppm"):
        con.execute(f"ALTER TABLE windowrecord DROP COLUMN {col}")
    con.execute("ALTER TABLE epochrecord DROP COLUMN measurement_json")
    rec = _v1_window(acct, 0, 100, "0" * 64)
    con.execute("INSERT INTO windowrecord (seq, start_s, end_s, energy_mj, work, sample_count, "
                "mean_power_mw, max_power_mw, source, estimated, gap, cursor_json, attestor, "
                "version, prev_hash, hash, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (0, 100, 110, 1000, 5, 10, 100, 101, "nvml", 0, 0, json.dumps(rec["cursor"]),
                 acct.address, 1, rec["prev_hash"], rec["hash"], rec["signature"]))
    con.commit()
    con.close()

    st = Store(db)
    old = st.windows()[0]
    assert old.version == 1 and old.method == "unknown"
    assert "method" not in old.as_record()  # exported as it was signed
    m = WindowMeasurement("counter", 1990, 5000, 100)
    new = st.append_windows([ClosedWindow(110, 120, 2000, 5, 10, 200, 201, False, False,
                                          {"gpu0": 110}, **m.as_fields())], acct, "nvml")
    assert new[0].version == 3 and new[0].method == "counter"
    assert st.verify(acct.address) == (True, "ok", 2)
    cols = {r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(epochrecord)")}
    assert "measurement_json" in cols


def test_one_window_shape_and_each_version_adds_only_its_fields():
    """ClosedWindow declares the signed fields once; version 2 of the record is version 1 plus
    the measurement fields, version 3 adds the attribution, each frozen: a new window field
    needs a new record version."""
    import dataclasses

    from attestor.signing import ATTRIBUTION_FIELDS, BODY_FIELDS, MEASUREMENT_FIELDS

    window_fields = [f.name for f in dataclasses.fields(ClosedWindow) if f.name != "cursor"]
    added = list(MEASUREMENT_FIELDS + ATTRIBUTION_FIELDS)
    v1_measured = [f for f in window_fields if f not in added]
    assert [f for f in BODY_FIELDS_V1 if f in window_fields] == v1_measured
    assert window_fields[len(v1_measured):] == added
    assert list(WindowMeasurement("counter").as_fields()) == added
    assert BODY_FIELDS == BODY_FIELDS_V1 + MEASUREMENT_FIELDS + ATTRIBUTION_FIELDS


def test_shared_gpu_windows_record_the_workloads_share_with_its_method(tmp_path):
    from ecoai_chain.energy.attribution import NvmlAttribution

    clock = Clock(T0 + 0.5)
    n = fake_nvml({"GPU-a": {"energy": [0], "power": [100_000], "processes": [[(1, 0, 0)]]}})
    n.nvmlDeviceGetTotalEnergyConsumption.side_effect = lambda h: int((clock.t - T0) * 100_000)
    tick_us = iter(range(1, 10**6))

    def busy(h, last_seen_us):  # every tick: the workload (pid 42) 30 % SM, another 10 %
        import pynvml

        ts = next(tick_us)
        out = []
        for pid, sm in ((42, 30), (7, 10)):
            s = pynvml.c_nvmlProcessUtilizationSample_t()
            s.pid, s.smUtil, s.timeStamp = pid, sm, ts
            out.append(s)
        return out

    n.nvmlDeviceGetProcessUtilization.side_effect = busy
    store = Store(tmp_path / "a.db")
    agent = Agent(store, Account.create(), NvmlSource(nvml=n, clock=clock,
                                                      attribution=NvmlAttribution(n, [42])),
                  None, window_s=10, clock=clock, monotonic=clock)
    agent.start()
    run(agent, clock, T0 + 31)
    ws = store.windows()
    assert all(w.attribution_method == "process_utilization" for w in ws)
    assert all(w.attributed_share_ppm == 750_000 for w in ws)
    assert ws[-1].as_record()["attributed_share_ppm"] == 750_000 and store.verify()[0]
