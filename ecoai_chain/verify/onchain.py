"""Verification runs: one certificate or all of them (proofs checked as one batch)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.errors import ChainError
from ecoai_chain.verify.checks import (
    Check,
    certificate_report,
    check_proof,
    public_signals_of,
    run_checks,
)
from ecoai_chain.verify.evidence import Evidence, fetch_evidence


def load_vkey_file(path: Path | str | None):
    """(verification key, sha256 of its file); the committed key when ``path`` is None."""
    from ecoai_chain.zk.artifacts import zk_artifacts
    from ecoai_chain.zk.verifier import load_vkey

    p = Path(path) if path else zk_artifacts().vkey
    return load_vkey(p), hashlib.sha256(p.read_bytes()).hexdigest()


def vkey_hash_check(manifest_sha256: str | None, vkey_sha256: str) -> list[Check]:
    """The manifest records the sha256 of the key the verifier was generated from."""
    if not manifest_sha256:
        return []
    return [Check("vkey_hash", manifest_sha256 == vkey_sha256,
                  f"manifest vkey sha256 {manifest_sha256[:16]}…, local {vkey_sha256[:16]}…")]


def global_checks(client: GreenProofClient, vkey_sha256: str) -> list[Check]:
    """Is the deployed verifier the one generated from our verification key?"""
    from ecoai_chain.chain.artifacts import load_artifact

    checks = []
    onchain_verifier = client.verifier_address()
    code = client.code_at(onchain_verifier)
    art = load_artifact("Groth16Verifier")
    local = bytes.fromhex(art.deployed_bytecode.removeprefix("0x"))
    checks.append(Check(
        "verifier_code", code == local,
        f"on-chain Groth16Verifier {onchain_verifier} "
        + ("is byte-identical to the one compiled from contracts/generated/Groth16Verifier.sol"
           if code == local else "differs from the locally compiled generated verifier")))
    return checks + vkey_hash_check(client.deployment.vkey_sha256, vkey_sha256)


def _batch_proof_checks(evs: list[Evidence], vk: Any, engine: str) -> dict[int, Check]:
    """One batch verification (fast engine); if it fails, or the reference engine was asked
    for, single proofs (which also finds the bad ones)."""
    from ecoai_chain.zk.verifier import ENGINE_LABELS, verify_batch

    if len(evs) > 1 and engine == "fast":
        items = [(ev.proof_snarkjs(), public_signals_of(ev.submitted)) for ev in evs]
        if verify_batch(vk, items):
            return {ev.certificate_id: Check(
                "proof", True, f"Groth16 proof verifies (batch of {len(evs)}, random linear "
                f"combination; engine {ENGINE_LABELS[engine]}; local verification key)")
                for ev in evs}
    return {ev.certificate_id: check_proof(ev, vk, engine=engine) for ev in evs}


def verify_certificates(client: GreenProofClient, ids: list[int] | None,
                        vkey_path: Path | None = None, openings: list[Path] = (),
                        engine: str = "fast") -> dict:
    from ecoai_chain.zk.verifier import engine_of
    from ecoai_chain.zk.witness import SlotOpening

    engine = engine_of(engine)
    vk, vk_sha = load_vkey_file(vkey_path)
    if ids is None:
        ids = list(range(1, client.certificate_count() + 1))
    gchecks = global_checks(client, vk_sha)
    evs, errors = [], {}
    for i in ids:
        try:
            evs.append(fetch_evidence(client, i))
        except ChainError as e:  # reported as an invalid certificate; bad ids raise
            errors[i] = str(e)
    proof_checks = _batch_proof_checks(evs, vk, engine) if evs else {}
    ops = []
    for p in openings:
        import json

        ops.append(SlotOpening.from_json(json.loads(Path(p).read_text())))
    out = []
    for ev in evs:
        checks = run_checks(ev, vk, ops, proof_check=proof_checks[ev.certificate_id])
        out.append(certificate_report(ev, checks, gchecks))
    for i, msg in errors.items():
        out.append({"certificate_id": i, "valid": False,
                    "checks": [Check("fetch", False, msg).as_json()], "not_run": []})
    out.sort(key=lambda c: c["certificate_id"])
    return {"valid": all(c["valid"] for c in out) and all(c.ok for c in gchecks),
            "engine": engine, "evidence": "chain RPC",
            "global_checks": [c.as_json() for c in gchecks], "certificates": out}


def verify_bundles(client: GreenProofClient, bundles: list[dict], vkey_path: Path | None = None,
                   engine: str = "fast") -> dict:
    """Check certificate bundles that are not on chain against the chain's tables."""
    from ecoai_chain.verify.evidence import bundle_evidence
    from ecoai_chain.zk.verifier import engine_of

    engine = engine_of(engine)
    vk, vk_sha = load_vkey_file(vkey_path)
    gchecks = global_checks(client, vk_sha)
    out = []
    for n, b in enumerate(bundles):
        ev = bundle_evidence(client, b)
        checks = run_checks(ev, vk, engine=engine)
        out.append({**certificate_report(ev, checks, gchecks), "certificate_id": f"bundle#{n + 1}",
                    "tx_hash": None})
    return {"valid": all(c["valid"] for c in out) and all(c.ok for c in gchecks),
            "engine": engine, "evidence": "chain RPC",
            "global_checks": [c.as_json() for c in gchecks], "certificates": out}
