"""Prover: both modes make proofs snarkjs accepts; bad witnesses raise ProofError; the committed
fixture for other parts (tests/vectors/proof_valid.json) is a valid proof for the committed key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecoai_chain.errors import ProofError, ValidationError
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.bundle import ProofBundle
from ecoai_chain.zk.prover import Prover, snarkjs_verify
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


def test_groth16py_mode_matches_snarkjs():
    """The opt-in arkworks prover (extra `fast-prover`): its proof of the fixture epoch passes
    `snarkjs groth16 verify` and the Python verifier, with the worker's public signals."""
    pytest.importorskip("groth16py", reason="optional extra fast-prover (groth16py) not installed")
    fx = json.loads(FIXTURE.read_text())
    epoch = EpochInput.from_json(fx["epoch_input"])
    art = zk_artifacts()
    with Prover(mode="groth16py") as p:
        bundle = p.prove(epoch)
        # a raw circuit-input dict: public signals are read from the witness file
        raw = p.prove(epoch.circuit_input())
        with pytest.raises(ProofError, match="Assert Failed"):
            p.prove(dict(epoch.circuit_input(), total_work="1"))
    assert p.last_timings["prove_s"] > 0
    with Prover() as w:
        reference = w.prove(epoch)
    assert bundle.public_signals == reference.public_signals == raw.public_signals
    assert bundle.proof.keys() == reference.proof.keys()
    assert snarkjs_verify(art.vkey, bundle)
    assert snarkjs_verify(art.vkey, raw)
    assert verify_groth16(load_vkey(art.vkey), bundle, bundle.public_signals)
    tampered = ProofBundle(bundle.proof, [bundle.public_signals[0] + 1, *bundle.public_signals[1:]])
    assert not verify_groth16(load_vkey(art.vkey), tampered, tampered.public_signals)


def test_groth16py_mode_without_the_package_is_a_clear_error(monkeypatch):
    import sys

    from attestor import runtime
    from attestor.config import AttestorSettings
    from ecoai_chain.errors import ToolchainError

    monkeypatch.setitem(sys.modules, "groth16py", None)  # import groth16py -> ImportError
    with pytest.raises(ToolchainError, match=r"groth16py.*fast-prover"):
        Prover(mode="groth16py")
    # the attestor's `prover` setting selects the mode
    with pytest.raises(ToolchainError, match="fast-prover"):
        runtime.prover(AttestorSettings.model_construct(prover="groth16py"))
    for setting, mode in (("default", "worker"), ("snarkjs", "worker")):
        with runtime.prover(AttestorSettings.model_construct(prover=setting)) as p:
            assert p.mode == mode


def test_groth16py_mode_with_an_unreadable_zkey_names_it(tmp_path, hour_epoch):
    """groth16py raises its own SetupError: it becomes a ToolchainError naming the file."""
    import dataclasses

    from ecoai_chain.errors import ToolchainError

    pytest.importorskip("groth16py", reason="optional extra fast-prover (groth16py) not installed")
    bad = tmp_path / "broken.zkey"
    bad.write_bytes(b"not a zkey")
    p = Prover(mode="groth16py", artifacts=dataclasses.replace(zk_artifacts(), zkey=bad))
    with pytest.raises(ToolchainError, match="broken.zkey"):
        p.prove(hour_epoch)
