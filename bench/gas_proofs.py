"""Real Groth16 proofs for the gas bench's batches, cached by the zkey's sha256.

Batches of 32 and 128 need that many distinct certificates with valid proofs, and the committed
vectors (tests/vectors/contract_proofs.json) hold about 15. This proves the missing ones with a
tree's own prover (its ``ecoai_chain.zk`` witness builder, zkey and wasm), so it serves both the
baseline tree that bench/bench_gas.py builds from git and the current one: run it with that
tree first on PYTHONPATH (``ecoai_chain`` is imported from it; the tree's project root, found
from the package, holds its zkey).

The set: ``--nodes`` nodes (regions and max power alternating over the committed vectors'
nodes, whose parameters the bench schedules) times ``--epochs`` consecutive hourly epochs from
the vectors' first epoch; epoch 0 of every node is its warm-up certificate, the rest go into
batches. The proofs live in the benches' one proof cache (bench/proof_cache.py), set ``gas``:
``bench/.cache/proofs/<zkey sha256>/gas/node001-epoch000.json`` ..., each written as soon as it
is proved, so an interrupted run resumes. Prints a progress bar and, at the end, one JSON line
on stdout: the cache directory and what proving cost.

Run: PYTHONPATH=<tree> python bench/gas_proofs.py \
       --vectors <tree>/tests/vectors/contract_proofs.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from pathlib import Path

import proof_cache  # bench/, beside this file

SET = "gas"
WINDOW_S = 60
WORK_PER_SLOT = (600, 1400)
WATTS = (500, 300)  # per vector node, as scripts/gen_contract_proofs.py draws them


def spec(vec: dict, node_index: int, k: int) -> dict:
    """What certificate ``k`` of bench node ``node_index`` (0-based) contains: deterministic."""
    nodes, intensities = vec["nodes"], vec["intensities"]
    template = nodes[node_index % len(nodes)]
    region = template["region"]
    intensity = next(e["intensity_mg_per_kwh"] for e in intensities if e["region"] == region)
    first = min(int(c["cert"]["epochStart"]) for c in vec["certificates"])
    slots = vec["epoch_length_s"] // WINDOW_S
    watts = WATTS[node_index % len(nodes) % len(WATTS)]
    rng = random.Random(f"bench-gas-{node_index}-{k}")
    energy = [min(rng.randrange(watts * 800 * WINDOW_S, watts * 1200 * WINDOW_S),
                  template["max_power_mw"] * WINDOW_S) for _ in range(slots)]
    return {
        "node_id": node_index + 1,
        "region": region,
        "max_power_mw": template["max_power_mw"],
        "intensity_mg_per_kwh": intensity,
        "epoch_start_s": first + k * vec["epoch_length_s"],
        "window_s": WINDOW_S,
        "slot_energy_mj": energy,
        "slot_work": [rng.randrange(*WORK_PER_SLOT) for _ in range(slots)],
        "seed": hashlib.sha256(f"bench-gas-seed-{node_index}".encode()).hexdigest(),
    }


def name(node_index: int, k: int) -> str:
    """The cache name of certificate ``k`` of bench node ``node_index`` (0-based)."""
    return f"node{node_index + 1:03d}-epoch{k:03d}"


def prove_vector(prover, s: dict) -> dict:
    """Prove ``s`` with the tree's prover; the contract_proofs.json vector layout."""
    from ecoai_chain.core.bytes32 import encode_bytes32
    from ecoai_chain.zk.witness import EpochInput

    e = EpochInput(node_id=s["node_id"], epoch_start_s=s["epoch_start_s"],
                   window_s=s["window_s"], slot_energy_mj=s["slot_energy_mj"],
                   slot_work=s["slot_work"], intensity_mg_per_kwh=s["intensity_mg_per_kwh"],
                   max_power_mw=s["max_power_mw"], seed=bytes.fromhex(s["seed"]))
    bundle = prover.prove(e)
    v = e.public_values()
    a, b, c, _ = bundle.solidity_calldata()
    return {
        "cert": {
            "nodeId": str(v["node_id"]), "epochStart": str(v["epoch_start_s"]),
            "windowS": str(v["window_s"]), "slotCount": str(v["slot_count"]),
            "root": str(v["root"]), "energyMj": str(v["total_energy_mj"]),
            "work": str(v["total_work"]), "carbonMg": str(v["carbon_mg"]),
            "intensityMgPerKwh": str(v["intensity_mg_per_kwh"]),
            "maxPowerMw": str(v["max_power_mw"]),
            "workloadClass": "0x" + encode_bytes32(s["workload_class"]).hex(),
        },
        "proof": {"a": [str(x) for x in a], "b": [[str(x) for x in r] for r in b],
                  "c": [str(x) for x in c]},
        "snarkjs_proof": bundle.proof,
        "public_signals": [str(x) for x in bundle.public_signals],
    }


def ensure(vec: dict, n_nodes: int, n_epochs: int, workers: int | None = None) -> dict:
    """Prove whatever of the set is not cached yet; where it is and what it cost."""
    entries = [(name(i, k), {**spec(vec, i, k), "workload_class": vec["workload_class"]})
               for k in range(n_epochs)  # epoch-major: an interrupted run has whole warm-ups
               for i in range(n_nodes)]
    return proof_cache.ensure(SET, entries, prove_vector,
                              workers or max(1, min(4, (os.cpu_count() or 1))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vectors", type=Path, required=True,
                    help="the tree's tests/vectors/contract_proofs.json (its parameters)")
    ap.add_argument("--nodes", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args(argv)
    vec = json.loads(args.vectors.read_text())
    print(json.dumps(ensure(vec, args.nodes, args.epochs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
