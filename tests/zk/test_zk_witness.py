"""EpochInput -> salts, leaves, public signals, openings: circomlibjs vectors and validation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ecoai_chain.core.signals import signal_names, word_table
from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.witness import EpochInput, SlotOpening

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "epochs.json").read_text())


def epoch(**kw) -> EpochInput:
    base = dict(
        node_id=1,
        epoch_start_s=3600,
        window_s=60,
        slot_energy_mj=[1000] * 60,
        slot_work=[5] * 60,
        intensity_mg_per_kwh=400_000,
        max_power_mw=700_000,
        seed=bytes(range(32)),
    )
    base.update(kw)
    return EpochInput(**base)


@pytest.mark.parametrize("case", VECTORS["epochs"], ids=lambda c: c["name"])
def test_epoch_matches_circomlibjs(case):
    e = EpochInput.from_json(case["epoch_input"])
    assert [str(s) for s in e.salts] == case["salts"]
    assert [str(x) for x in e.tree.leaves] == case["leaves"]
    assert {k: str(v) for k, v in e.public_values().items()} == case["public_values"]
    assert [str(s) for s in e.public_signals()] == case["public_signals"]
    assert list(e.public_values()) == list(signal_names())
    op = e.slot_opening(case["opening"]["index"])
    assert [[str(x) for x in lvl] for lvl in op.proof.siblings] == case["opening"]["siblings"]


def test_circuit_input_shape():
    e = epoch(slot_energy_mj=[7, 8], slot_work=[1, 2])
    ci = e.circuit_input()
    words = [w.name for w in word_table()]
    assert words == ["root", "header", "totals"]
    # the public inputs (packed words) first, then the other proved fields (private inputs)
    assert list(ci)[:12] == words + [n for n in signal_names() if n not in words]
    assert [int(ci[w]) for w in words] == e.public_signals()
    assert len(ci["energy"]) == len(ci["work"]) == len(ci["salt"]) == 64
    assert ci["energy"][:3] == ["7", "8", "0"] and ci["slot_count"] == "2"
    assert all(isinstance(v, str) for v in ci["salt"])


def test_slot_openings_verify_and_bind():
    e = epoch(slot_energy_mj=list(range(100, 160)), slot_work=list(range(60)))
    for i in (0, 59, 60, 63):
        op = e.slot_opening(i)
        assert op.verify(e.root)
        assert SlotOpening.from_json(json.loads(json.dumps(op.to_json()))).verify(e.root)
    op = e.slot_opening(10)
    assert (op.energy_mj, op.work) == (110, 10)
    assert not replace(op, energy_mj=111).verify(e.root)
    assert not replace(op, work=11).verify(e.root)
    assert not replace(op, salt=op.salt + 1).verify(e.root)
    assert not replace(op, index=11).verify(e.root)
    assert not op.verify(e.root + 1)


def test_salts_bound_to_node_epoch_and_seed():
    a = epoch()
    assert a.salts != epoch(node_id=2).salts
    assert a.salts != epoch(epoch_start_s=7200).salts
    assert a.salts != epoch(seed=bytes(32)).salts
    assert len(set(a.salts)) == 64
    assert "seed" not in repr(a)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        (dict(slot_energy_mj=[1] * 65, slot_work=[1] * 65), "slot_energy_mj"),
        (dict(slot_energy_mj=[], slot_work=[]), "slot_energy_mj"),
        (dict(slot_work=[1] * 59), "slot_work"),
        (
            dict(slot_energy_mj=[1000] * 59 + [42_000_001], max_power_mw=700_000),
            "slot_energy_mj[59]",
        ),
        (dict(slot_energy_mj=[-1] + [0] * 59), "slot_energy_mj[0]"),
        (dict(slot_work=[2**64] + [0] * 59), "slot_work[0]"),
        (dict(slot_work=[1.5] + [0] * 59), "slot_work[0]"),
        (dict(node_id=2**64), "node_id"),
        (dict(node_id=-1), "node_id"),
        (dict(epoch_start_s=2**64), "epoch_start_s"),
        (dict(window_s=2**16), "window_s"),
        (dict(window_s=0), "window_s"),
        (dict(intensity_mg_per_kwh=2**32), "intensity_mg_per_kwh"),
        (dict(max_power_mw=2**32), "max_power_mw"),
        (dict(seed=b"short"), "seed"),
    ],
)
def test_bad_epochs_raise_naming_the_field(kw, field):
    with pytest.raises(ValidationError) as e:
        epoch(**kw)
    assert e.value.field == field


def test_power_bound_is_inclusive():
    e = epoch(slot_energy_mj=[42_000_000] * 60, max_power_mw=700_000, window_s=60)
    assert e.public_values()["total_energy_mj"] == 60 * 42_000_000


def test_json_roundtrip_keeps_seed_only_on_request():
    e = epoch()
    assert "seed_hex" not in e.to_json()
    again = EpochInput.from_json(e.to_json(include_seed=True))
    assert again.public_signals() == e.public_signals()
    with pytest.raises(ValidationError, match="seed_hex"):
        EpochInput.from_json(e.to_json())
