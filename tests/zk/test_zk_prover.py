"""Prover: both modes make proofs snarkjs accepts; bad witnesses raise ProofError; the committed
fixture for other parts (tests/vectors/proof_valid.json) is a valid proof for the committed key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecoai_chain.errors import ProofError, ValidationError
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.prover import ProofBundle, Prover, snarkjs_verify
from ecoai_chain.zk.verifier import load_vkey, verify_groth16
from ecoai_chain.zk.witness import EpochInput

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parents[1] / "vectors" / "proof_valid.json"


def test_worker_proof_is_valid(proof_bundle, hour_epoch):
    assert proof_bundle.public_signals == hour_epoch.public_signals()
    assert snarkjs_verify(zk_artifacts().vkey, proof_bundle)


def test_subprocess_mode_and_worker_errors(hour_epoch):
    epoch = EpochInput(
        node_id=9,
        epoch_start_s=7200,
        window_s=60,
        slot_energy_mj=[5_000] * 3,
        slot_work=[1, 2, 3],
        intensity_mg_per_kwh=500_000,
        max_power_mw=1_000,
        seed=b"\x01" * 32,
    )
    with Prover(mode="subprocess") as p:
        bundle = p.prove(epoch)
    assert bundle.public_signals == epoch.public_signals()
    assert snarkjs_verify(zk_artifacts().vkey, bundle)
    bad = dict(hour_epoch.circuit_input(), total_work="1")
    with Prover(mode="subprocess") as p, pytest.raises(ProofError):
        p.prove(bad)
    with Prover() as p:
        with pytest.raises(ProofError, match="Assert Failed"):
            p.prove(bad)
        # the worker survives a failed proof and keeps proving
        assert p.prove(epoch).public_signals == epoch.public_signals()
    with pytest.raises(ValidationError, match="mode"):
        Prover(mode="gpu")


def test_hung_worker_times_out_and_is_replaced(hour_epoch):
    from ecoai_chain.errors import ToolchainError

    with Prover(timeout_s=0.01) as p:
        with pytest.raises(ToolchainError, match="no answer within"):
            p.prove(hour_epoch)
        assert p._proc is None  # killed, not left running
        p.timeout_s = 600
        assert p.prove(hour_epoch).public_signals == hour_epoch.public_signals()


def test_committed_proof_fixture_is_valid():
    fx = json.loads(FIXTURE.read_text())
    art = zk_artifacts()
    assert fx["zkey_sha256"] == art.manifest["sha256"]["zkey"], (
        "re-run scripts/zk_make_proof_fixture.py"
    )
    epoch = EpochInput.from_json(fx["epoch_input"])
    assert epoch.circuit_input() == fx["circuit_input"]
    bundle = ProofBundle.from_json(fx)
    assert bundle.public_signals == epoch.public_signals()
    assert verify_groth16(load_vkey(art.vkey), bundle, bundle.public_signals)
    a, b, c, pub = bundle.solidity_calldata()
    cd = fx["solidity_calldata"]
    assert [a, b, c, pub] == [
        [int(x) for x in cd["a"]],
        [[int(x) for x in r] for r in cd["b"]],
        [int(x) for x in cd["c"]],
        [int(x) for x in cd["pub"]],
    ]
