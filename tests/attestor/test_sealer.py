"""Epoch selection, slot assembly and slot opening over a real store (no proving here;
proving + submission run against real snarkjs and anvil in test_reliability.py)."""

from __future__ import annotations

import json

import pytest
from eth_account import Account

from attestor.keystore import derive_seed
from attestor.sealer import Sealer, certificate_fields, epoch_slots, open_slot
from attestor.store import EpochRecord, Store
from attestor.window import ClosedWindow
from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.witness import SlotOpening

W, N = 10, 4  # 40 s epochs


def win(start, energy=1000, work=5, gap=False):
    return ClosedWindow(start, start + W, energy, work, 10, energy // W, energy // W, gap, gap,
                        {"d": start})


def sealer(store, now):
    return Sealer(store, b"\x07" * 32, W, N, 1_000_000, b"llm-inference".ljust(32, b"\0"),
                  prover=None, intensity_at=lambda t: 400_000, sign=lambda c: b"",
                  clock=lambda: now)


def test_due_epochs_start_at_first_full_epoch_and_never_skip(tmp_path):
    st = Store(tmp_path / "a.db")
    acct = Account.create()
    st.append_windows([win(t) for t in range(1010, 1130, W)], acct, "replay")  # 1010..1130
    s = sealer(st, now=10_000)
    assert s.due_epochs() == [1040, 1080]  # 1000..1040 is not fully covered: not certified
    s.seal(node_id=3, epoch_start_s=1040)
    assert s.due_epochs() == [1080]
    st.append_windows([win(t, gap=(t == 1150)) for t in range(1130, 1170, W)], acct, "replay")
    assert s.due_epochs() == [1080, 1120]
    rec = s.seal(3, 1080)
    assert json.loads(rec.public_json)["slot_energy_mj"] == [1000] * N
    rec = s.seal(3, 1120)
    assert rec.flags == "estimated,gap"  # honest flags travel with the epoch
    assert sealer(st, now=1161).due_epochs() == []  # seal_delay / clock respected


def test_seal_from_registration(tmp_path):
    st = Store(tmp_path / "a.db")
    st.append_windows([win(t) for t in range(1000, 1200, W)], Account.create(), "replay")
    st.set_meta("seal_from_s", "1081")
    assert sealer(st, now=10_000).due_epochs() == [1120, 1160]


def test_epoch_slots_rejects_missing_or_misaligned_windows(tmp_path):
    st = Store(tmp_path / "a.db")
    st.append_windows([win(t) for t in range(1000, 1040, W)], Account.create(), "replay")
    ws = st.windows_between(1000, 1040)
    with pytest.raises(ValidationError, match="needs 4"):
        epoch_slots(ws[:3], 1000, W, N)
    with pytest.raises(ValidationError, match="slot 0"):
        epoch_slots(ws, 990, W, N)


def test_open_slot_verifies_against_the_root(tmp_path):
    st = Store(tmp_path / "a.db")
    seed = derive_seed(bytes(Account.create().key))
    body = {"slot_energy_mj": [10, 20, 30, 40], "slot_work": [1, 2, 3, 4],
            "max_power_mw": 1_000_000, "intensity_mg_per_kwh": 400_000}
    st.add_epoch(EpochRecord(epoch_start_s=1040, state="proved", node_id=2, window_s=W,
                             slot_count=N, public_json=json.dumps(body)))
    out = open_slot(st, seed, 1040, 2)
    opening = SlotOpening.from_json(out["opening"])
    assert (opening.energy_mj, opening.work) == (30, 3)
    assert opening.verify(int(out["root"]))
    tampered = SlotOpening.from_json({**out["opening"], "energy_mj": "31"})
    assert not tampered.verify(int(out["root"]))
    with pytest.raises(ValidationError, match="slot"):
        open_slot(st, seed, 1040, 4)
    with pytest.raises(ValidationError, match="not been proved"):
        open_slot(st, seed, 9999, 0)


def test_certificate_fields_follow_the_pinned_struct():
    from ecoai_chain.chain.eip712 import CERTIFICATE_FIELDS, certificate_struct

    public = {"root": 1, "node_id": 2, "epoch_start_s": 3, "window_s": 4, "slot_count": 5,
              "total_energy_mj": 6, "total_work": 7, "carbon_mg": 8,
              "intensity_mg_per_kwh": 9, "max_power_mw": 10}
    cert = certificate_fields(public, b"llm-inference".ljust(32, b"\0"))
    assert list(cert) == [n for n, _t in CERTIFICATE_FIELDS]
    assert certificate_struct(cert)["energyMj"] == 6


def test_epoch_summary_says_how_much_energy_was_counter_exact_and_is_signed(tmp_path):
    import dataclasses

    from ecoai_chain.energy.quality import FLAG_MISMATCH, WindowMeasurement
    from ecoai_chain.energy.summary import check_document, sign_document

    st = Store(tmp_path / "a.db")
    acct = Account.create()
    meas = [WindowMeasurement("counter"), WindowMeasurement("counter", 970, 30_000, 100,
                                                            (FLAG_MISMATCH,)),
            WindowMeasurement("integrated_power"), WindowMeasurement("gap")]
    ws = [win(1000, 4000), win(1010, 1000), win(1020, 2000), win(1030, 3000, gap=True)]
    st.append_windows([dataclasses.replace(w, **m.as_fields()) for w, m in zip(ws, meas,
                                                                                strict=True)],
                      acct, "nvml")
    s = Sealer(st, b"\x07" * 32, W, N, 1_000_000, b"llm-inference".ljust(32, b"\0"),
               prover=None, intensity_at=lambda t: 400_000, sign=lambda c: b"",
               clock=lambda: 10_000, sign_summary=lambda d: sign_document(d, acct))
    rec = s.seal(node_id=3, epoch_start_s=1000)
    assert rec.flags == f"{FLAG_MISMATCH},estimated,gap"
    got = json.loads(rec.measurement_json)
    assert got["energy_mj_by_method"] == {"counter": 5000, "gap": 3000, "integrated_power": 2000}
    assert got["counter_exact_energy_mj"] == 5000 and got["counter_exact_ppm"] == 500_000
    assert got["flagged_windows"] == {FLAG_MISMATCH: 1}
    assert got["max_abs_counter_power_diff_ppm"] == 30_000
    doc = json.loads(s.measurement_document(rec, 12345))
    assert (doc["node_id"], doc["epoch_start_s"], doc["root"], doc["energy_mj"]) == (
        3, 1000, "12345", 10_000)
    summary, signer = check_document(doc)
    assert signer == acct.address and summary.counter_exact_ppm == 500_000
    with pytest.raises(ValidationError, match="hash"):
        check_document({**doc, "energy_mj": 9_999, "measurement": {
            **doc["measurement"], "energy_mj": 9_999,
            "energy_mj_by_method": {"counter": 4999, "gap": 3000, "integrated_power": 2000},
            "counter_exact_energy_mj": 4999, "counter_exact_ppm": 499_949}})
