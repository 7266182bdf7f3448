"""`ecoai verify` against a real anvil carrying real certificates (real Groth16 proofs from the
committed zkey): a valid certificate passes every check; forged certificates (altered energy,
wrong signer, reused epoch) are rejected on-chain AND reported invalid by the verifier."""

from __future__ import annotations

import json

import pytest

from ecoai_chain.chain.client import proof_struct
from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.cli import main
from ecoai_chain.core import units
from ecoai_chain.errors import ContractRevert
from tests.vector_chain import VECTORS

pytestmark = pytest.mark.chain


@pytest.fixture
def world(ready, vector_cert, anvil, deployment, tmp_path):
    client = ready["client"]
    manifest = tmp_path / "deployment.json"
    deployment.save(manifest)

    def signed(i, signer=None, **changes):
        cert, proof = vector_cert(i)
        cert = {**cert, **changes}
        who = signer or ready["attestors"][cert["nodeId"] - 1]
        sig = sign_certificate(who, client.w3.eth.chain_id, deployment.green_proof, cert)
        return cert, proof, sig

    def verify(*args):
        return main(["verify", *args, "--rpc", anvil.rpc_url, "--manifest", str(manifest),
                     "--json"])

    def bundle(cert, proof, sig):
        a, b, c = proof_struct(proof)
        p = tmp_path / f"bundle-{len(list(tmp_path.glob('bundle-*')))}.json"
        wc = cert["workloadClass"]
        p.write_text(json.dumps({"certificate": {**cert, "workloadClass": wc if isinstance(
            wc, str) else "0x" + wc.hex()}, "proof": {"a": a, "b": b, "c": c},
            "signature": "0x" + sig.hex()}))
        return p

    return {"client": client, "signed": signed, "verify": verify, "bundle": bundle,
            "ready": ready}


def _checks(out: str, n: int = 0) -> dict[str, bool]:
    report = json.loads(out)
    return {c["name"]: c["ok"] for c in report["certificates"][n]["checks"]}


def _rejected_by_chain_and_verify(world, capsys, revert: str, cert, proof, sig) -> dict:
    """The contract refuses the submission with ``revert``; `ecoai verify --bundle` exits 1.
    Returns its checks."""
    with pytest.raises(ContractRevert) as err:
        world["client"].submit_certificate(cert, proof, sig)
    assert err.value.name == revert
    assert world["verify"]("--bundle", str(world["bundle"](cert, proof, sig))) == 1
    return _checks(capsys.readouterr().out)


def test_a_real_certificate_passes_every_check(world, capsys):
    cert, proof, sig = world["signed"](0)
    cid = world["client"].submit_certificate(cert, proof, sig)
    cert2, proof2, sig2 = world["signed"](1)
    world["client"].submit_certificate(cert2, proof2, sig2)
    assert world["verify"](str(cid)) == 0
    checks = _checks(capsys.readouterr().out)
    assert checks == {"record": True, "field_range": True, "proof": True, "signature": True,
                      "intensity": True, "scoring": True, "ceiling": True,
                      "not_revoked": True}
    # --all verifies both proofs in one batch
    assert world["verify"]("--all") == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["certificate_id"] for c in report["certificates"]] == [1, 2]
    assert all(c["valid"] for c in report["certificates"])
    assert {g["name"]: g["ok"] for g in report["global_checks"]} == {"verifier_code": True,
                                                                   "vkey_hash": True}


def test_a_revoked_certificate_is_reported_invalid(world, capsys):
    cert, proof, sig = world["signed"](0)
    cid = world["client"].submit_certificate(cert, proof, sig)
    world["client"].revoke(cid, "fraud found by audit")
    assert world["verify"](str(cid)) == 1
    checks = _checks(capsys.readouterr().out)
    assert checks["not_revoked"] is False and checks["proof"] is True


def test_altered_energy_rejected_on_chain_and_by_verify(world, capsys):
    cert, proof, _ = world["signed"](0)
    # A careful forger claims 10 % less energy, recomputes carbon by the rule and re-signs.
    energy = cert["energyMj"] * 9 // 10
    carbon = units.carbon_mg(energy, cert["intensityMgPerKwh"])
    forged, proof, sig = world["signed"](0, energyMj=energy, carbonMg=carbon)
    checks = _rejected_by_chain_and_verify(world, capsys, "GreenProofInvalidProof",
                                           forged, proof, sig)
    assert checks["proof"] is False
    assert checks["signature"] is True and checks["scoring"] is True  # only the proof catches it


def test_wrong_signer_rejected_on_chain_and_by_verify(world, capsys):
    operator = world["ready"]["operators"][0]  # not the node's attestor
    cert, proof, sig = world["signed"](0, signer=operator)
    checks = _rejected_by_chain_and_verify(world, capsys, "GreenProofBadSignature",
                                           cert, proof, sig)
    assert checks["signature"] is False and checks["proof"] is True


def test_reused_epoch_rejected_on_chain_and_by_verify(world, capsys):
    cert, proof, sig = world["signed"](0)
    world["client"].submit_certificate(cert, proof, sig)
    checks = _rejected_by_chain_and_verify(world, capsys, "GreenProofEpochAlreadyCertified",
                                           cert, proof, sig)
    assert checks["epoch_fresh"] is False and checks["proof"] is True


def test_bad_input_is_one_clear_error(world, capsys):
    assert world["verify"]("7") == 1
    assert "certificate_id: no certificate 7" in capsys.readouterr().err
    assert world["verify"]("1", "--all") == 1
    assert "exactly one of" in capsys.readouterr().err


def test_both_engines_give_the_same_verdict_and_say_which_ran(world, capsys):
    """`--engine py-ecc` re-checks with the reference library: same verdict as the default
    engine on a real certificate and on a forged bundle, and each report names its engine."""
    cert, proof, sig = world["signed"](0)
    cid = world["client"].submit_certificate(cert, proof, sig)
    energy = cert["energyMj"] * 9 // 10
    forged = world["bundle"](*world["signed"](0, energyMj=energy, carbonMg=units.carbon_mg(
        energy, cert["intensityMgPerKwh"])))
    verdicts = {}
    for engine, label in (("fast", "engine fast"), ("py-ecc", "engine py-ecc")):
        extra = () if engine == "fast" else ("--engine", engine)
        assert world["verify"](str(cid), *extra) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["engine"] == engine.replace("-", "_")
        proof_check = next(c for c in report["certificates"][0]["checks"]
                           if c["name"] == "proof")
        assert label in proof_check["detail"]
        assert world["verify"]("--bundle", str(forged), *extra) == 1
        verdicts[engine] = (_checks(json.dumps(report)), _checks(capsys.readouterr().out))
    assert verdicts["fast"] == verdicts["py-ecc"]
    assert all(verdicts["fast"][0].values()) and verdicts["fast"][1]["proof"] is False
    assert world["verify"](str(cid), "--engine", "snarkjs") == 1
    assert "engine" in capsys.readouterr().err


def test_a_held_back_epoch_is_verified_with_the_baseline_of_its_start(world, capsys):
    """The DAO raises the baseline (from now on) before an epoch that ran earlier lands: the
    contract scores it with the baseline in force at its epoch start, and so must verify --
    not with the latest BaselineSet before its block."""
    client = world["client"]
    cert, proof, sig = world["signed"](0)
    client.set_baseline(cert["workloadClass"], 31 * int(VECTORS["baseline_ng_per_work"]),
                        client.effective_soon_s())
    cid = client.submit_certificate(cert, proof, sig)
    assert world["verify"](str(cid)) == 0, capsys.readouterr().out
    report = json.loads(capsys.readouterr().out)["certificates"][0]
    assert all(c["ok"] for c in report["checks"])
    credits = report["credits"]
    assert credits["state"] == "escrowed" and credits["release_at_s"] > 0
    assert credits["baseline_ng_per_work"] == int(VECTORS["baseline_ng_per_work"])
    assert credits["ceiling_work_per_kwh"] == int(VECTORS["efficiency_ceiling_work_per_kwh"])
    assert credits["bound_units"] == str(client.reward_bound(cert["nodeId"], cert["workloadClass"],
                                                             cert["epochStart"]))


def test_an_out_of_order_bundle_is_fresh_and_a_landed_epoch_is_not(world, capsys):
    """Epochs may land out of order (each (node, epoch) once): a bundle for an epoch before the
    node's latest certified one is fresh while certificateOf(node, epoch) is 0."""
    client = world["client"]
    later = world["signed"](1)
    client.submit_certificate(*later)
    earlier = world["bundle"](*world["signed"](0))
    assert world["verify"]("--bundle", str(earlier)) == 0, capsys.readouterr().out
    assert _checks(capsys.readouterr().out)["epoch_fresh"] is True
    assert world["verify"]("--bundle", str(world["bundle"](*later))) == 1
    assert _checks(capsys.readouterr().out)["epoch_fresh"] is False


def test_release_shows_in_verify(world, capsys):
    client = world["client"]
    cid = client.submit_certificate(*world["signed"](0))
    set_chain_time(client.w3, client.get_certificate(cid)["releaseAt"] + 1)
    client.release_rewards([cid])
    assert world["verify"](str(cid)) == 0
    credits = json.loads(capsys.readouterr().out)["certificates"][0]["credits"]
    assert credits["state"] == "released"
