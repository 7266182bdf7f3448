"""Independent re-verification of an indexed certificate: EIP-712 signature against the node's
attestor, Groth16 proof against the committed verification key, intensity against the on-chain
region table (as indexed from RegionIntensitySet events). Each check reports its own outcome."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecoai_chain.api.queries import Queries
from ecoai_chain.core.bytes32 import to_bytes32
from ecoai_chain.verify.checks import Check  # one Check type for the API and `ecoai verify`


def _default_recover() -> Callable[..., str]:
    from ecoai_chain.chain.eip712 import recover_certificate_signer

    return recover_certificate_signer


def _default_groth16() -> Callable[..., bool]:
    from ecoai_chain.zk.verifier import verify_groth16

    return verify_groth16


class CertificateVerifier:
    """``CertificateVerifier(queries, chain_id, green_proof, vkey)`` with ``vkey`` a
    `zk.verifier.VerifyingKey`; the signature recoverer and the Groth16 verifier are injectable
    (production defaults: chain.eip712.recover_certificate_signer, zk.verifier.verify_groth16,
    called as ``verify_groth16(vkey, snarkjs_proof, public_signals)``)."""

    def __init__(self, queries: Queries, chain_id: int | None, green_proof: str | None,
                 vkey: Any | None, recover: Callable[..., str] | None = None,
                 groth16: Callable[..., bool] | None = None) -> None:
        self.q, self.chain_id, self.green_proof, self.vkey = queries, chain_id, green_proof, vkey
        self._recover, self._groth16 = recover, groth16

    @classmethod
    def from_files(cls, queries: Queries, manifest: str | None, vkey_path: str | None
                   ) -> CertificateVerifier:
        chain_id = green_proof = vkey = None
        if manifest:
            m = json.loads(Path(manifest).read_text())
            chain_id, green_proof = int(m["chain_id"]), m["contracts"]["GreenProof"]["address"]
        if vkey_path:
            from ecoai_chain.zk.verifier import load_vkey

            vkey = load_vkey(vkey_path)
        return cls(queries, chain_id, green_proof, vkey)

    def verify(self, cert_id: int) -> dict | None:
        row = self.q.certificate_row(cert_id)
        if row is None:
            return None
        proof = self.q.proof(cert_id)
        checks = [self._signature(row, proof), self._proof(proof), self._intensity(row)]
        if row.revoked:
            checks.append(Check("not_revoked", False, f"revoked: {row.revoked_reason}"))
        else:
            checks.append(Check("not_revoked", True, "not revoked"))
        return {"certificate_id": cert_id, "valid": all(c.ok for c in checks),
                "checks": [c.as_json() for c in checks]}

    def _cert_struct(self, row: Any, proof: dict) -> dict:
        named = proof["public_signals_named"]
        return {
            "nodeId": row.node_id, "epochStart": row.epoch_start_s, "windowS": row.window_s,
            "slotCount": row.slot_count, "root": int(row.root), "energyMj": row.energy_mj,
            "work": int(row.work), "carbonMg": row.carbon_mg,
            "intensityMgPerKwh": row.intensity_mg_per_kwh,
            "maxPowerMw": int(named["max_power_mw"]),
            "workloadClass": to_bytes32(row.workload_class, "workload_class"),
        }

    def _signature(self, row: Any, proof: dict) -> Check:
        if not proof.get("available"):
            return Check("signature", False, "submitting transaction not decoded: no signature")
        if self.chain_id is None or self.green_proof is None:
            return Check("signature", False, "API started without a deployment manifest")
        try:
            recover = self._recover or _default_recover()
            signer = recover(self.chain_id, self.green_proof, self._cert_struct(row, proof),
                             bytes.fromhex(proof["signature"][2:]))
        except Exception as e:  # a malformed signature is a failed check, not a server error
            return Check("signature", False, f"cannot recover signer: {e}")
        attestor = self.q.node_attestor(row.node_id)
        ok = attestor is not None and signer.lower() == attestor.lower()
        return Check("signature", ok, f"signed by {signer}; node attestor {attestor}")

    def _proof(self, proof: dict) -> Check:
        if not proof.get("available"):
            return Check("proof", False, "submitting transaction not decoded: no proof")
        if self.vkey is None:
            return Check("proof", False, "API started without a verification key")
        try:
            groth16 = self._groth16 or _default_groth16()
            ok = bool(groth16(self.vkey, proof["proof_snarkjs"],
                              [int(s) for s in proof["public_signals"]]))
        except Exception as e:
            return Check("proof", False, f"verifier error: {e}")
        return Check("proof", ok, "Groth16 proof verifies against the verification key" if ok
                     else "Groth16 proof does NOT verify")

    def _intensity(self, row: Any) -> Check:
        expected = self.q.intensity_at(row.region, row.epoch_start_s)
        if expected is None:
            return Check("intensity", False, f"no on-chain intensity for region {row.region}")
        ok = expected == row.intensity_mg_per_kwh
        return Check("intensity", ok, f"certificate {row.intensity_mg_per_kwh} mg/kWh; "
                     f"on-chain table {expected} mg/kWh for {row.region}")
