"""The circuit itself: real wasm witness calculator + R1CS check (scripts/zk_circuit_check.mjs).

Every violation must be refused either by the witness calculator (it evaluates each `===`) or
by the R1CS check of a tampered witness; both are the circuit's constraints at work.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from ecoai_chain.core.signals import signal_table, word_table
from ecoai_chain.core.units import MJ_PER_KWH
from ecoai_chain.core.units import SNARK_SCALAR_FIELD as P
from ecoai_chain.toolchain import node_binary, npm_package_file, project_root
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.merkle import MerkleTree
from ecoai_chain.zk.setup import n_public
from ecoai_chain.zk.witness import N_SLOTS, circuit_fields, slot_leaf

pytestmark = pytest.mark.slow


def raw_input(
    energy,
    work,
    salts,
    *,
    slot_count,
    window_s=60,
    max_power_mw=700_000,
    intensity=415_000,
    node_id=1,
    epoch_start_s=3600,
    **override,
) -> dict:
    """A circuit input with root/totals/carbon made consistent for arbitrary (possibly illegal)
    slot values, bypassing EpochInput's validation: the circuit alone must refuse them."""
    energy = list(energy) + [0] * (N_SLOTS - len(energy))
    work = list(work) + [0] * (N_SLOTS - len(work))
    tree = MerkleTree(
        [slot_leaf(e % P, w % P, s) for e, w, s in zip(energy, work, salts, strict=True)]
    )
    total_e = sum(energy) % P
    fields = {
        "root": tree.root,
        "node_id": node_id,
        "epoch_start_s": epoch_start_s,
        "window_s": window_s,
        "slot_count": slot_count,
        "total_energy_mj": total_e,
        "total_work": sum(work) % P,
        "carbon_mg": total_e * intensity // MJ_PER_KWH,
        "intensity_mg_per_kwh": intensity,
        "max_power_mw": max_power_mw,
    }
    fields.update(override)
    obj = {**linear_words(fields), **fields, "energy": [e % P for e in energy],
           "work": [w % P for w in work], "salt": list(salts)}
    return json.loads(json.dumps(obj, default=str), parse_int=str)


def linear_words(fields: dict) -> dict[str, int]:
    """The public inputs exactly as the circuit's PublicWords computes them (sum field *
    2^offset mod p) but WITHOUT the packer's range checks, so that an illegal field reaches the
    circuit with words consistent with it: the circuit's own range checks must refuse it."""
    return {w.name: sum(int(fields[f.name]) << f.offset for f in w.fields) % P
            for w in word_table()}


def with_fields(ci: dict, **changed) -> dict:
    """``ci`` with proved fields changed and the words recomputed to match them (a prover
    claiming other values, honestly packed)."""
    fields = {s.name: int(ci[s.name]) for s in signal_table()} | changed
    words = linear_words(fields)
    return {**ci, **{k: str(v) for k, v in {**fields, **words}.items()}}


def run_cases(r1cs, cases: list[dict], tmp_path) -> dict[str, dict]:
    f = tmp_path / "cases.json"
    f.write_text(json.dumps(cases))
    out = subprocess.run(
        [
            node_binary(),
            str(project_root() / "scripts" / "zk_circuit_check.mjs"),
            str(npm_package_file("snarkjs", "main.js")),
            str(r1cs),
            str(zk_artifacts().wasm),
            str(f),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return {r["name"]: r for r in json.loads(out.stdout.strip().splitlines()[-1])}


MASK_PROBES = (0, 1, 30, 58, 59, 60, 61, 63)


def sym_wires(sym_path) -> dict[str, int]:
    """signal name -> witness wire index from circom's .sym (wire -1: eliminated by --O2)."""
    out = {}
    for line in sym_path.read_text().splitlines():
        _, wire, _, name = line.split(",", 3)
        out[name] = int(wire)
    return out


def accepted(r: dict) -> bool:
    return r["witness"] and r["check"] is True


@pytest.fixture(scope="module")
def results(compiled_circuit, hour_epoch, tmp_path_factory):
    paths, _ = compiled_circuit
    vectors = json.loads((paths.root / "tests" / "vectors" / "epochs.json").read_text())["epochs"]
    e = hour_epoch
    ci = e.circuit_input()
    salts = list(e.salts)
    E, W = e.padded_energy(), e.padded_work()
    cap = 700_000 * 60
    cases = [
        {
            "name": f"vector:{v['name']}",
            "input": {
                **circuit_fields({k: int(x) for k, x in v["public_values"].items()}),
                "energy": [
                    str(x)
                    for x in list(map(int, v["epoch_input"]["slot_energy_mj"]))
                    + [0] * (64 - len(v["epoch_input"]["slot_energy_mj"]))
                ],
                "work": [
                    str(x)
                    for x in list(map(int, v["epoch_input"]["slot_work"]))
                    + [0] * (64 - len(v["epoch_input"]["slot_work"]))
                ],
                "salt": v["salts"],
            },
        }
        for v in vectors
    ]
    cases.append({"name": "python_epoch", "input": ci})
    cases.append({"name": "consistent_raw", "input": raw_input(E, W, salts, slot_count=60)})
    cases.append({"name": "at_cap", "input": raw_input([cap] * 60, W, salts, slot_count=60)})

    def bad(name, **kw):
        cases.append({"name": name, "input": with_fields(ci, **kw)})

    bad("wrong_total_energy", total_energy_mj=int(ci["total_energy_mj"]) + 1)
    bad("wrong_total_work", total_work=int(ci["total_work"]) - 1)
    bad("wrong_carbon_up", carbon_mg=int(ci["carbon_mg"]) + 1)
    bad("wrong_carbon_down", carbon_mg=int(ci["carbon_mg"]) - 1)
    bad("wrong_root", root=int(ci["root"]) + 1)
    bad("wrong_slot_count", slot_count=59)
    bad("wrong_intensity", intensity_mg_per_kwh=int(ci["intensity_mg_per_kwh"]) + 1)
    # The public words alone changed (one bit in each field's range), the fields kept.
    for spec in signal_table():
        word = next(w.name for w in word_table() if spec in w.fields)
        flip = dict(ci, **{word: str(int(ci[word]) ^ (1 << spec.offset))})
        cases.append({"name": f"word_bit:{spec.name}", "input": flip})
    # Aliases: a field + 2^bits with its upper neighbour - 1 packs to the SAME words as the
    # honest certificate; only the range checks (or the sums, for the totals) refuse it.
    for w in word_table():
        for low, high in zip(w.fields, w.fields[1:], strict=False):
            alias = {low.name: int(ci[low.name]) + (1 << low.bits),
                     high.name: int(ci[high.name]) - 1}
            aliased = with_fields(ci, **alias)
            assert all(aliased[x.name] == ci[x.name] for x in word_table())
            cases.append({"name": f"alias:{low.name}+2^{low.bits}", "input": aliased})
    tampered = dict(ci, salt=list(ci["salt"]))
    tampered["salt"][5] = str(int(ci["salt"][5]) + 1)
    cases.append({"name": "tampered_leaf_salt", "input": tampered})
    tampered = dict(
        ci, energy=list(ci["energy"]), total_energy_mj=str(int(ci["total_energy_mj"]) + 1)
    )
    tampered["energy"][7] = str(int(ci["energy"][7]) + 1)
    cases.append({"name": "tampered_leaf_energy_totals_fixed", "input": tampered})

    def illegal(name, energy=E, work=W, **kw):
        cases.append({"name": name, "input": raw_input(energy, work, salts, **kw)})

    illegal("over_power_slot", energy=[cap + 1] + E[1:60], slot_count=60)
    illegal("energy_beyond_slot_count", energy=E[:59] + [5], slot_count=59)
    illegal("work_beyond_slot_count", work=W[:59] + [5], slot_count=59)
    illegal("negative_energy", energy=[-1, E[1] + 1] + E[2:60], slot_count=60)
    illegal("negative_work", work=[-1, W[1] + 1] + W[2:60], slot_count=60)
    illegal(
        "energy_2^48",
        energy=[2**48] + E[1:60],
        slot_count=60,
        max_power_mw=2**32 - 1,
        window_s=2**16 - 1,
    )
    illegal("work_2^64", work=[2**64] + W[1:60], slot_count=60)
    illegal("slot_count_0", energy=[0] * 64, work=[0] * 64, slot_count=0)
    illegal("slot_count_65", slot_count=65)
    illegal("node_id_2^64", slot_count=60, node_id=2**64)
    illegal("epoch_start_2^64", slot_count=60, epoch_start_s=2**64)
    illegal("window_2^16", energy=[0] * 60, slot_count=60, window_s=2**16, max_power_mw=1)
    illegal("power_2^32", slot_count=60, max_power_mw=2**32, window_s=1)
    illegal("intensity_2^32", slot_count=60, intensity=2**32)
    # R1CS level: flip the prefix-mask hint wires m[i] (computed with <--) of a valid witness
    wires = sym_wires(paths.build / "green_proof_main.sym")
    for i in MASK_PROBES:
        w = wires[f"main.m[{i}]"]
        cases.append({"name": f"mask{i}", "input": ci, "tamper": {str(w): str(int(i >= 60))}})
    # R1CS level: flip each public input wire (index 1..n_public()) of a valid witness
    for i in range(1, n_public() + 1):
        cases.append(
            {
                "name": f"wire{i}",
                "input": ci,
                "tamper": {str(i): str(int(list(ci.values())[i - 1]) + 1)},
            }
        )
    # R1CS level: change each proved field's own wire (private since v2), words kept
    for spec in signal_table()[1:]:
        w = wires[f"main.{spec.name}"]
        if w >= 0:
            cases.append({"name": f"field_wire:{spec.name}", "input": ci,
                          "tamper": {str(w): str(int(ci[spec.name]) + 1)}})
    return run_cases(paths.r1cs, cases, tmp_path_factory.mktemp("circuit"))


def test_constraint_budget(compiled_circuit):
    _, constraints = compiled_circuit
    # fits a 2^15 powers of tau with the public-input rows (3 packed words since v2)
    assert n_public() == 3
    assert constraints <= 32_768 - (n_public() + 1)


@pytest.mark.parametrize(
    "name",
    [
        "vector:hour_60x60s",
        "vector:single_slot",
        "vector:all_zero",
        "vector:max_widths_64_at_cap",
        "python_epoch",
        "consistent_raw",
        "at_cap",
    ],
)
def test_valid_epochs_pass(results, name):
    assert accepted(results[name]), results[name]


@pytest.mark.parametrize(
    "name",
    [
        "wrong_total_energy",
        "wrong_total_work",
        "wrong_carbon_up",
        "wrong_carbon_down",
        "wrong_root",
        "wrong_slot_count",
        "wrong_intensity",
        "tampered_leaf_salt",
        "tampered_leaf_energy_totals_fixed",
        "over_power_slot",
        "energy_beyond_slot_count",
        "work_beyond_slot_count",
        "negative_energy",
        "negative_work",
        "energy_2^48",
        "work_2^64",
        "slot_count_0",
        "slot_count_65",
        "node_id_2^64",
        "epoch_start_2^64",
        "window_2^16",
        "power_2^32",
        "intensity_2^32",
    ],
)
def test_violations_fail(results, name):
    assert not accepted(results[name]), results[name]


@pytest.mark.parametrize("i", MASK_PROBES)
def test_mask_hint_is_constrained(results, i):
    """m[i] = [i < slot_count] comes from a <-- hint; flipping any one of them must break the
    R1CS (booleanity, monotonicity, m[0] = 1, sum = slot_count, energy/work bounds)."""
    r = results[f"mask{i}"]
    assert r["witness"] and r["check"] is False, r


@pytest.mark.parametrize("i", range(1, n_public() + 1))
def test_every_public_signal_is_constrained(results, i):
    r = results[f"wire{i}"]
    assert r["witness"] and r["check"] is False, r


@pytest.mark.parametrize("spec", signal_table(), ids=lambda s: s.name)
def test_changing_one_field_bit_in_a_word_fails(results, spec):
    assert not accepted(results[f"word_bit:{spec.name}"]), results[f"word_bit:{spec.name}"]


ALIASES = [f"alias:{lo.name}+2^{lo.bits}" for w in word_table()
           for lo, _ in zip(w.fields, w.fields[1:], strict=False)]


@pytest.mark.parametrize("name", ALIASES)
def test_aliased_fields_with_the_same_words_fail(results, name):
    """The packing is injective only because every field is range-checked to its bits."""
    assert len(ALIASES) == 7
    assert not accepted(results[name]), results[name]


def test_every_kept_field_wire_is_bound(results):
    """--O2 may substitute a field by its word; each field wire it keeps must be constrained."""
    kept = [k for k in results if k.startswith("field_wire:")]
    assert kept
    for k in kept:
        assert results[k]["witness"] and results[k]["check"] is False, results[k]
