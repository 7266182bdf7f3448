"""Generate tests/vectors/contract_proofs.json: REAL Groth16 proofs for the contract tests.

Epochs of node 1 (region KR) and node 2 (region FR), built with the ZK core's witness builder
(ecoai_chain.zk.witness.EpochInput) and proved with the committed zkey by the ZK core's
Prover (ecoai_chain.zk.prover, a long-lived snarkjs worker). The Hardhat tests register the
nodes in this order (ids 1 and 2), set these intensities and this baseline, sign each
certificate with ethers' signTypedData, and submit it to GreenProof with the generated
Groth16Verifier. The bench (bench/bench_gas.py) and the Python chain tests use them too.

Parameters are fixed in time, so a test chain starts at ``chain_start_s`` (a day before the
epochs), schedules the intensities, baseline and efficiency ceiling from ``params_effective_from_s``
and then moves its clock past the epochs. ``ceiling_cases`` are three more real proofs for node 1:
the forged epoch of the Eco Credits issue (energy 0, work 2^64-1 in every slot), an epoch whose
work is exactly at the ceiling for its energy, and the same with one unit of work more.

Run after `ecoai zk setup` whenever the zkey changes:  python scripts/gen_contract_proofs.py
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time

from ecoai_chain.core.bytes32 import encode_bytes32
from ecoai_chain.core.units import MJ_PER_KWH
from ecoai_chain.toolchain import project_root
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.bundle import ProofBundle
from ecoai_chain.zk.prover import Prover
from ecoai_chain.zk.witness import EpochInput

TARGET = project_root() / "tests" / "vectors" / "contract_proofs.json"
EPOCH_LENGTH_S = 3600
WINDOW_S = 60
SLOT_COUNT = 60
EPOCH0_S = 1_767_225_600  # 2026-01-01T00:00:00Z, a multiple of 3600
CHAIN_START_S = EPOCH0_S - 86_400  # the test chains' genesis: before every epoch below
PARAMS_EFFECTIVE_FROM_S = CHAIN_START_S + 3600  # when the tests' parameters take effect
WORKLOAD_CLASS = "llm-inference"
# Demo efficiency ceiling, tokens per kWh (see contracts/README.md for the figure's source).
CEILING_WORK_PER_KWH = 50_000_000
CEILING_EPOCH_K = 20  # node 1's ceiling cases use epochs 20, 21, 22 (after its ten vectors)
BASELINE_NG_PER_WORK = 5_000_000  # 5 g CO2e per 1000 tokens: node 1 earns a little, node 2 more
NODES = [
    {
        "node_id": 1,
        "region": "KR",
        "max_power_mw": 700_000,
        "intensity": 436_000,
        "epochs": 10,
        "watts": 500,
    },
    {
        "node_id": 2,
        "region": "FR",
        "max_power_mw": 400_000,
        "intensity": 56_000,
        "epochs": 2,
        "watts": 300,
    },
]


def _node_epoch(node: dict, k: int, energy: list[int], work: list[int],
                seed: bytes) -> EpochInput:
    """Epoch ``k`` (from EPOCH0_S) of ``node`` with these per-window energy and work."""
    return EpochInput(
        node_id=node["node_id"],
        epoch_start_s=EPOCH0_S + k * EPOCH_LENGTH_S,
        window_s=WINDOW_S,
        slot_energy_mj=energy,
        slot_work=work,
        intensity_mg_per_kwh=node["intensity"],
        max_power_mw=node["max_power_mw"],
        seed=seed,
    )


def epochs() -> list[EpochInput]:
    out = []
    for node in NODES:
        rng = random.Random(f"contract-proofs-{node['node_id']}")
        seed = hashlib.sha256(f"contract-proofs-seed-{node['node_id']}".encode()).digest()
        for k in range(node["epochs"]):
            energy = [
                rng.randrange(node["watts"] * 800 * WINDOW_S, node["watts"] * 1200 * WINDOW_S)
                for _ in range(SLOT_COUNT)
            ]
            energy = [min(e, node["max_power_mw"] * WINDOW_S) for e in energy]
            work = [rng.randrange(600, 1400) for _ in range(SLOT_COUNT)]
            out.append(_node_epoch(node, k, energy, work, seed))
    return out


def ceiling_cases() -> dict[str, EpochInput]:
    """Node 1: forged (energy 0, maximal work), exactly at the ceiling, one work unit above."""
    node = NODES[0]
    seed = hashlib.sha256(b"contract-proofs-ceiling").digest()
    slot_energy = [10_000_000] * SLOT_COUNT  # 10 kJ a minute (167 W), below max power
    at = CEILING_WORK_PER_KWH * sum(slot_energy) // MJ_PER_KWH  # the most work allowed
    base, extra = divmod(at, SLOT_COUNT)
    at_work = [base + (1 if i < extra else 0) for i in range(SLOT_COUNT)]
    above_work = [at_work[0] + 1, *at_work[1:]]

    def make(k: int, energy: list[int], work: list[int]) -> EpochInput:
        return _node_epoch(node, CEILING_EPOCH_K + k, energy, work, seed)

    return {
        "forged": make(0, [0] * SLOT_COUNT, [2**64 - 1] * SLOT_COUNT),
        "at_ceiling": make(1, slot_energy, at_work),
        "above_ceiling": make(2, slot_energy, above_work),
    }


def prove_all(eps: list[EpochInput]) -> list[ProofBundle]:
    out = []
    with Prover() as prover:
        for i, e in enumerate(eps):
            t0 = time.perf_counter()
            out.append(prover.prove(e))
            print(f"proved {i + 1}/{len(eps)} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def vector(e: EpochInput, bundle: ProofBundle) -> dict:
    v = e.public_values()
    assert bundle.public_signals == e.public_signals(), "public signals differ"
    a, b, c, _ = bundle.solidity_calldata()
    return {
        "cert": {
            "nodeId": str(v["node_id"]),
            "epochStart": str(v["epoch_start_s"]),
            "windowS": str(v["window_s"]),
            "slotCount": str(v["slot_count"]),
            "root": str(v["root"]),
            "energyMj": str(v["total_energy_mj"]),
            "work": str(v["total_work"]),
            "carbonMg": str(v["carbon_mg"]),
            "intensityMgPerKwh": str(v["intensity_mg_per_kwh"]),
            "maxPowerMw": str(v["max_power_mw"]),
            "workloadClass": "0x" + encode_bytes32(WORKLOAD_CLASS).hex(),
        },
        # snarkjs exportSolidityCallData order: G2 coordinates swapped.
        "proof": {
            "a": [str(x) for x in a],
            "b": [[str(x) for x in row] for row in b],
            "c": [str(x) for x in c],
        },
        "snarkjs_proof": bundle.proof,
        "public_signals": [str(x) for x in bundle.public_signals],
    }


def main() -> int:
    eps = epochs()
    cases = ceiling_cases()
    bundles = prove_all([*eps, *cases.values()])
    certs = [vector(e, b) for e, b in zip(eps, bundles, strict=False)]
    case_vectors = {
        name: vector(e, b)
        for (name, e), b in zip(cases.items(), bundles[len(eps):], strict=True)
    }
    art = zk_artifacts()
    doc = {
        "_comment": "GENERATED by scripts/gen_contract_proofs.py (real proofs from the committed zkey); do not edit.",  # noqa: E501
        "zkey_sha256": hashlib.sha256(art.zkey.read_bytes()).hexdigest(),
        "epoch_length_s": EPOCH_LENGTH_S,
        "chain_start_s": CHAIN_START_S,
        "params_effective_from_s": PARAMS_EFFECTIVE_FROM_S,
        "efficiency_ceiling_work_per_kwh": str(CEILING_WORK_PER_KWH),
        "workload_class": WORKLOAD_CLASS,
        "workload_class_bytes32": "0x" + encode_bytes32(WORKLOAD_CLASS).hex(),
        "baseline_ng_per_work": str(BASELINE_NG_PER_WORK),
        "nodes": [{k: n[k] for k in ("node_id", "region", "max_power_mw")} for n in NODES],
        "intensities": [
            {
                "region": n["region"],
                "intensity_mg_per_kwh": n["intensity"],
                "effective_from": PARAMS_EFFECTIVE_FROM_S,
            }
            for n in NODES
        ],
        "certificates": certs,
        "ceiling_cases": case_vectors,
    }
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {TARGET.relative_to(project_root())} ({len(certs)} proofs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
