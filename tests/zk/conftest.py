"""ZK fixtures: a fresh circuit compile and one real proof per session (both slow, shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

VECTORS = Path(__file__).parents[1] / "vectors"


@pytest.fixture(scope="session")
def compiled_circuit():
    """Compile circuits/green_proof_main.circom now (~25 s) into circuits/build/; returns paths."""
    from ecoai_chain.toolchain import project_root
    from ecoai_chain.zk.setup import SetupPaths, compile_circuit

    paths = SetupPaths(project_root())
    constraints = compile_circuit(paths)
    return paths, constraints


@pytest.fixture(scope="session")
def hour_epoch():
    from ecoai_chain.zk.witness import EpochInput

    cases = json.loads((VECTORS / "epochs.json").read_text())["epochs"]
    return EpochInput.from_json(next(c for c in cases if c["name"] == "hour_60x60s")["epoch_input"])


@pytest.fixture(scope="session")
def proof_bundle(hour_epoch):
    """ONE real Groth16 proof of the hour epoch, made through the default Prover."""
    from ecoai_chain.zk.prover import Prover

    with Prover() as prover:
        return prover.prove(hour_epoch)
