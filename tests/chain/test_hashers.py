"""The deployed on-chain Poseidon (chain/hashers.py) equals the Python port and circomlibjs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ecoai_chain.chain.hashers import deploy_hashers, poseidon_abi
from ecoai_chain.toolchain import node_binary, project_root
from ecoai_chain.zk.poseidon import poseidon

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "poseidon.json").read_text())


def test_generated_poseidon_contracts_are_current():
    done = subprocess.run(
        [node_binary(), "scripts/gen_poseidon_contracts.mjs", "--check"],
        cwd=project_root(), capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.chain
def test_deployed_hashers_agree_with_python_and_the_vectors(w3, dev_accounts):
    refs = deploy_hashers(w3, dev_accounts[0])
    for name, n in (("PoseidonLeaf", 3), ("PoseidonNode", 8)):
        h = w3.eth.contract(address=refs[name][0], abi=poseidon_abi(n)).functions
        cases = [c for c in VECTORS["cases"] if len(c["inputs"]) == n]
        assert cases
        for c in cases:
            inputs = [int(x) for x in c["inputs"]]
            assert h.poseidon(inputs).call() == int(c["output"]) == poseidon(inputs)
