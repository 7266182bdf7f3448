"""The checks a DAO member runs on a certificate. Each returns a `Check`; none raises on bad
data (bad data is a failed check). The certificate is valid only if every check passes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ecoai_chain.chain.eip712 import certificate_struct, recover_certificate_signer
from ecoai_chain.core import units
from ecoai_chain.core.bytes32 import decode_bytes32
from ecoai_chain.core.signals import signal_table
from ecoai_chain.verify.evidence import Evidence


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


# Certificate struct field (Solidity name) -> public-signal name, from the one shared table.
def public_signals_of(cert: dict[str, Any]) -> list[int]:
    return [int(cert[s.solidity]) for s in signal_table()]


_STORED_FIELDS = ("nodeId", "epochStart", "windowS", "slotCount", "root", "energyMj", "work",
                  "carbonMg", "intensityMgPerKwh", "maxPowerMw", "workloadClass")


def check_stored_matches_calldata(ev: Evidence) -> Check:
    try:
        stored, sent = certificate_struct(ev.stored), certificate_struct(ev.submitted)
    except Exception as e:
        return Check("record", False, f"malformed certificate data: {e}")
    diffs = [f for f in _STORED_FIELDS if stored[f] != sent[f]]
    if diffs:
        return Check("record", False, f"stored record differs from the signed calldata in {diffs}")
    return Check("record", True, f"stored record equals the signed submission in tx {ev.tx_hash}")


def check_field_range(ev: Evidence) -> Check:
    sig = public_signals_of(ev.submitted)
    bad = [i for i, v in enumerate(sig) if not 0 <= v < units.SNARK_SCALAR_FIELD]
    if bad:
        return Check("field_range", False, f"public inputs {bad} are not below the field modulus")
    return Check("field_range", True, f"all {len(sig)} public inputs are below the field modulus")


def check_proof(ev: Evidence, vkey: Any, verify: Any = None) -> Check:
    from ecoai_chain.zk.verifier import verify_groth16

    fn = verify or verify_groth16
    try:
        ok = bool(fn(vkey, ev.proof_snarkjs(), public_signals_of(ev.submitted)))
    except Exception as e:  # a malformed proof is a failed check, never a crash
        return Check("proof", False, f"verifier error: {e}")
    return Check("proof", ok, "Groth16 proof verifies (py-ecc/BN254, local verification key)"
                 if ok else "Groth16 proof does NOT verify against the local verification key")


def check_signature(ev: Evidence) -> Check:
    try:
        signer = recover_certificate_signer(ev.chain_id, ev.green_proof, ev.submitted,
                                            ev.signature)
    except Exception as e:
        return Check("signature", False, f"cannot recover an EIP-712 signer: {e}")
    attestor = ev.node_at_block["attestor"]
    ok = signer.lower() == str(attestor).lower()
    return Check("signature", ok, f"EIP-712 signer {signer}; node attestor at block "
                 f"{ev.block_number} {attestor} (domain chain {ev.chain_id}, {ev.green_proof})")


def check_intensity(ev: Evidence) -> Check:
    got = int(ev.submitted["intensityMgPerKwh"])
    want = ev.intensity_at_block
    region = decode_bytes32(ev.node_at_block["region"], "region", errors="replace")
    ok = want != 0 and got == want
    return Check("intensity", ok, f"certificate {got} mg/kWh; on-chain table for {region} at "
                 f"epoch start {want} mg/kWh")


def check_carbon_and_reward(ev: Evidence) -> Check:
    s = ev.submitted
    carbon = units.carbon_mg(int(s["energyMj"]), int(s["intensityMgPerKwh"]))
    baseline_ng, is_set = ev.baseline_at_block
    base_mg = units.baseline_mg(baseline_ng, int(s["work"])) if is_set else 0
    score = units.eco_score(base_mg, carbon, int(s["work"]))
    reward = units.reward_units(base_mg, carbon)
    st = ev.stored
    problems = []
    if carbon != int(s["carbonMg"]):
        problems.append(f"carbon {s['carbonMg']} != floor(E*I/3.6e9) = {carbon}")
    if st is not None and score != int(st["ecoScore"]):
        problems.append(f"eco score {st['ecoScore']} != {score}")
    if st is not None and reward != int(st["rewardUnits"]):
        problems.append(f"reward {st['rewardUnits']} != {reward}")
    if problems:
        return Check("scoring", False, "; ".join(problems))
    return Check("scoring", True, f"carbon {carbon} mg, eco score {score}, reward "
                 f"{reward / 1e18:.6f} ECO recomputed off-chain")


def check_epoch_fresh(ev: Evidence) -> Check:
    """For a bundle not on chain: its epoch must start at or after the node's last certified
    epoch ended (otherwise it replays or overlaps an epoch already certified)."""
    start = int(ev.submitted["epochStart"])
    last_end = int(ev.node_at_block["lastEpochEnd"])
    ok = start >= last_end
    return Check("epoch_fresh", ok, f"epoch start {start}; node's certified epochs end at "
                 f"{last_end}" + ("" if ok else " — replayed or overlapping epoch"))


def check_not_revoked(ev: Evidence) -> Check:
    if ev.stored is None:
        return check_epoch_fresh(ev)
    if ev.stored["revoked"]:
        return Check("not_revoked", False, "revoked by the DAO")
    return Check("not_revoked", True, "not revoked")


def check_openings(ev: Evidence, openings: Sequence[Any]) -> Check:
    """Each opening (zk.witness.SlotOpening) must hash to a leaf under the certificate's root."""
    root = int(ev.submitted["root"])
    bad = [o.index for o in openings if not o.verify(root)]
    slots = int(ev.submitted["slotCount"])
    bad += [o.index for o in openings if o.index >= slots and o.index not in bad]
    if bad:
        return Check("openings", False, f"slot openings {sorted(bad)} do not open under the root")
    idx = ", ".join(str(o.index) for o in openings)
    return Check("openings", True, f"slots {idx} open correctly under the root")


def run_checks(ev: Evidence, vkey: Any, openings: Sequence[Any] = (),
               proof_check: Check | None = None) -> list[Check]:
    checks = [
        *([check_stored_matches_calldata(ev)] if ev.stored is not None else []),
        check_field_range(ev),
        proof_check or check_proof(ev, vkey),
        check_signature(ev),
        check_intensity(ev),
        check_carbon_and_reward(ev),
        check_not_revoked(ev),
    ]
    if openings:
        checks.append(check_openings(ev, openings))
    return checks
