#!/usr/bin/env python3
"""Write tests/vectors/proof_valid.json: a real proof of the `hour_60x60s` epoch vector.

Holds the EpochInput (with its test seed, so it can be re-proved), the circuit input, the snarkjs
proof, the public signals, the Solidity calldata (a, b, c, pub) and the zkey sha256 it belongs to.
Re-run after every `ecoai zk setup` (a new zkey makes old proofs invalid):
    .venv/bin/python scripts/zk_make_proof_fixture.py
"""

from __future__ import annotations

import json
from pathlib import Path

from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.prover import Prover, snarkjs_verify
from ecoai_chain.zk.witness import EpochInput

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    cases = json.loads((ROOT / "tests" / "vectors" / "epochs.json").read_text())["epochs"]
    case = next(c for c in cases if c["name"] == "hour_60x60s")
    epoch = EpochInput.from_json(case["epoch_input"])
    art = zk_artifacts()
    with Prover() as prover:
        bundle = prover.prove(epoch)
    assert snarkjs_verify(art.vkey, bundle), "snarkjs rejected the fresh proof"
    a, b, c, pub = bundle.solidity_calldata()
    out = {
        "_comment": "Real Groth16 proof of tests/vectors/epochs.json hour_60x60s; made by "
        "scripts/zk_make_proof_fixture.py for the zkey below. The seed is a TEST seed.",
        "zkey_sha256": art.manifest["sha256"]["zkey"],
        "epoch_input": epoch.to_json(include_seed=True),
        "circuit_input": epoch.circuit_input(),
        "public_values": {k: str(v) for k, v in epoch.public_values().items()},
        **bundle.to_json(),
        "solidity_calldata": {
            "a": [str(x) for x in a],
            "b": [[str(x) for x in row] for row in b],
            "c": [str(x) for x in c],
            "pub": [str(x) for x in pub],
        },
    }
    dst = ROOT / "tests" / "vectors" / "proof_valid.json"
    dst.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {dst.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
