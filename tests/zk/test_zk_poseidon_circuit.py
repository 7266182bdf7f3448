"""The circuit's Poseidon (circomlib, as green_proof.circom uses it) on the shared vectors.

tests/vectors/poseidon.json (circomlibjs) also drives the Python port (test_zk_poseidon.py) and
the on-chain hashers (tests/contracts/Poseidon.test.js): here each 3- and 8-input case goes
through the real wasm witness calculator and the R1CS check of circuits/test/poseidon{3,8}_main
(scripts/zk_circuit_check.mjs); the same case with the output off by one must be refused.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ecoai_chain.toolchain import node_binary, npm_package_file, project_root
from ecoai_chain.zk.tools import circom_compile

pytestmark = pytest.mark.slow

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "poseidon.json").read_text())
P = int(VECTORS["field_modulus"])


@pytest.mark.parametrize("n", [3, 8])
def test_circuit_poseidon_matches_the_vectors(n, tmp_path):
    root = project_root()
    out_dir = root / "circuits" / "build" / "test" / f"poseidon{n}"
    circom_compile(root / "circuits" / "test" / f"poseidon{n}_main.circom", out_dir)
    vectors = [c for c in VECTORS["cases"] if len(c["inputs"]) == n]
    assert any(str(P - 1) in c["inputs"] for c in vectors) and any(
        set(c["inputs"]) == {"0"} for c in vectors
    )
    cases = []
    for k, c in enumerate(vectors):
        cases.append({"name": f"ok{k}", "input": {"in": c["inputs"], "out": c["output"]}})
        wrong = str((int(c["output"]) + 1) % P)
        cases.append({"name": f"off{k}", "input": {"in": c["inputs"], "out": wrong}})
    f = tmp_path / "cases.json"
    f.write_text(json.dumps(cases))
    done = subprocess.run(
        [
            node_binary(),
            str(root / "scripts" / "zk_circuit_check.mjs"),
            str(npm_package_file("snarkjs", "main.js")),
            str(out_dir / f"poseidon{n}_main.r1cs"),
            str(out_dir / f"poseidon{n}_main_js" / f"poseidon{n}_main.wasm"),
            str(f),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    results = {r["name"]: r for r in json.loads(done.stdout.strip().splitlines()[-1])}
    for k in range(len(vectors)):
        ok = results[f"ok{k}"]
        assert ok["witness"] and ok["check"] is True, ok
        assert not results[f"off{k}"]["witness"], results[f"off{k}"]
