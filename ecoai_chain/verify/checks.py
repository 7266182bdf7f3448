"""The checks a DAO member runs on a certificate: the one verification path of `ecoai verify`,
``POST /api/v1/certificates/{id}/verify`` and the explorer's verify button.

Each check takes an `Evidence` (fetched from a chain RPC by `verify.evidence`, or built from the
index by `api.verify`) and returns a `Check`; none raises on bad data (bad data is a failed
check). A check the evidence cannot support -- the API has no chain RPC, say -- is listed in
``Evidence.not_run`` with the reason and reported as not run, never as passed. The certificate
is valid only if every check that ran passed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ecoai_chain.chain.eip712 import recover_certificate_signer
from ecoai_chain.core import credits, units
from ecoai_chain.core.bytes32 import decode_bytes32
from ecoai_chain.core.certificate import Certificate
from ecoai_chain.verify.evidence import Evidence

NO_CALLDATA = "calldata unavailable: the submitting transaction was not decoded"


def _no_calldata(ev: Evidence, what: str) -> str:
    return f"{ev.calldata_note or NO_CALLDATA}: no {what}"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def public_signals_of(cert: Any) -> list[int]:
    """The public signals (circuit order) of a certificate in either naming."""
    return Certificate.from_mapping(cert).public_signals()


def _fields(ev: Evidence) -> dict[str, Any]:
    """The certificate's values by contract name: as signed, else as recorded."""
    return ev.submitted if ev.submitted is not None else ev.stored or {}


def check_stored_matches_calldata(ev: Evidence) -> Check:
    if ev.submitted is None:
        return Check("record", False, _no_calldata(ev, "signed calldata"))
    try:
        stored = Certificate.from_mapping(ev.stored)
        sent = Certificate.from_mapping(ev.submitted)
    except (ValueError, TypeError) as e:
        return Check("record", False, f"malformed certificate data: {e}")
    diffs = stored.differences(sent)
    if diffs:
        return Check("record", False, f"the record GreenProof committed to differs from the "
                     f"signed calldata in {diffs}")
    return Check("record", True, f"the record GreenProof committed to (recordOf) equals the "
                 f"signed submission in tx {ev.tx_hash}")


def check_field_range(ev: Evidence) -> Check:
    if ev.submitted is None:
        return Check("field_range", False, _no_calldata(ev, "public inputs"))
    try:
        sig = public_signals_of(ev.submitted)
    except (ValueError, TypeError) as e:
        return Check("field_range", False, f"malformed certificate data: {e}")
    bad = [i for i, v in enumerate(sig) if not 0 <= v < units.SNARK_SCALAR_FIELD]
    if bad:
        return Check("field_range", False, f"public inputs {bad} are not below the field modulus")
    return Check("field_range", True, f"all {len(sig)} public inputs are below the field modulus")


def check_proof(ev: Evidence, vkey: Any, verify: Callable[..., bool] | None = None,
                engine: str = "fast") -> Check:
    from ecoai_chain.zk.verifier import ENGINE_LABELS, engine_of, verify_groth16

    engine = engine_of(engine)
    if ev.submitted is None or ev.proof_solidity is None:
        return Check("proof", False, _no_calldata(ev, "proof"))
    if vkey is None:
        return Check("proof", False, "no verification key to check the proof against")
    try:
        signals = public_signals_of(ev.submitted)
        if verify is not None:
            ok = bool(verify(vkey, ev.proof_snarkjs(), signals))
        else:
            ok = verify_groth16(vkey, ev.proof_snarkjs(), signals, engine=engine)
    except (ValueError, TypeError, KeyError, IndexError) as e:  # malformed: a failed check
        return Check("proof", False, f"verifier error: {e}")
    label = ENGINE_LABELS[engine]
    return Check("proof", ok, f"Groth16 proof verifies (engine {label}; local verification key)"
                 if ok else f"Groth16 proof does NOT verify against the local verification key "
                 f"(engine {label})")


def check_signature(ev: Evidence) -> Check:
    if ev.submitted is None or ev.signature is None:
        return Check("signature", False, _no_calldata(ev, "signature"))
    if ev.chain_id is None or ev.green_proof is None:
        return Check("signature", False, "no deployment manifest: the signature's domain (chain "
                     "id, GreenProof address) is unknown")
    try:
        signer = recover_certificate_signer(ev.chain_id, ev.green_proof, ev.submitted,
                                            ev.signature)
    except ValueError as e:  # eip712 translates every unrecoverable signature
        return Check("signature", False, f"cannot recover an EIP-712 signer: {e}")
    attestor = ev.node_at_block.get("attestor")
    ok = attestor is not None and signer.lower() == str(attestor).lower()
    return Check("signature", ok, f"EIP-712 signer {signer}; node attestor at block "
                 f"{ev.block_number} {attestor} (domain chain {ev.chain_id}, {ev.green_proof})")


def _region(value: Any) -> str:
    if isinstance(value, str) and not value.startswith("0x"):
        return value  # the index keeps the decoded text
    try:
        return decode_bytes32(value, "region", errors="replace")
    except ValueError:
        return str(value)


def check_intensity(ev: Evidence) -> Check:
    got = int(_fields(ev)["intensityMgPerKwh"])
    want = ev.intensity_at_block
    region = _region(ev.node_at_block.get("region"))
    if want is None:
        return Check("intensity", False, f"certificate {got} mg/kWh; no intensity for {region} "
                     "in force at the epoch start in the index")
    ok = want != 0 and got == want
    return Check("intensity", ok, f"certificate {got} mg/kWh; on-chain table for {region} at "
                 f"epoch start {want} mg/kWh")


def check_carbon_and_reward(ev: Evidence) -> Check:
    s = _fields(ev)
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
                 f"{units.eco_text(reward)} ECO recomputed off-chain")


def check_epoch_fresh(ev: Evidence) -> Check:
    """For a bundle not on chain: the node must have no certificate for its epoch
    (certificateOf(node, epochStart) = 0). Epochs may land out of order, so an epoch before
    the node's latest certified one is fresh as long as it has not landed itself."""
    start = int(ev.submitted["epochStart"])
    landed = ev.landed_certificate_id
    if landed is None:
        return Check("epoch_fresh", False, "unknown whether the epoch has landed "
                     "(certificateOf was not read)")
    ok = landed == 0
    return Check("epoch_fresh", ok, f"node {ev.submitted['nodeId']} has no certificate for "
                 f"epoch {start}" if ok else f"epoch {start} already certified as certificate "
                 f"{landed} — replayed epoch")


def reward_bound_at_epoch(ev: Evidence) -> int | None:
    """The most the certificate could earn: the per-epoch bound with the baseline, ceiling and
    intensity in force at its epoch start (core.credits.reward_bound_units); None if unknown."""
    max_power = _fields(ev).get("maxPowerMw")  # None: the index has no calldata for it
    baseline_ng, is_set = ev.baseline_at_block
    if not is_set or None in (ev.ceiling_at_epoch, ev.epoch_length_s, max_power,
                              ev.intensity_at_block):
        return None
    return credits.reward_bound_units(baseline_ng, ev.ceiling_at_epoch, ev.intensity_at_block,
                                      int(max_power), ev.epoch_length_s)


def check_ceiling(ev: Evidence) -> Check:
    """Work within the class's efficiency ceiling in force at the epoch start, and the reward
    within the per-epoch bound that follows from it."""
    s = _fields(ev)
    ceiling = ev.ceiling_at_epoch
    if ceiling is None:
        return Check("ceiling", False, f"no efficiency ceiling in force for the workload class at "
                     f"epoch start {s['epochStart']}: the class accepts no certificate")
    work, energy = int(s["work"]), int(s["energyMj"])
    if not credits.within_ceiling(work, energy, ceiling):
        return Check("ceiling", False, f"work {work} above the ceiling {ceiling} work/kWh for "
                     f"{energy} mJ (at most {credits.max_work_at_ceiling(energy, ceiling)})")
    bound = reward_bound_at_epoch(ev)
    reward = int(ev.stored["rewardUnits"]) if ev.stored is not None else None
    if bound is not None and reward is not None and reward > bound:
        return Check("ceiling", False, f"reward {reward} units above the per-epoch bound {bound}")
    why = "unknown (no baseline, intensity, epoch length or max power)" if bound is None else \
        f"{bound} units"
    return Check("ceiling", True, f"work {work} within the ceiling {ceiling} work/kWh for "
                 f"{energy} mJ; per-epoch bound {why}")


def check_not_revoked(ev: Evidence) -> Check:
    if ev.stored is None:
        return check_epoch_fresh(ev)
    if ev.stored["revoked"]:
        reason = ev.stored.get("revokedReason")
        return Check("not_revoked", False, f"revoked by the DAO: {reason}" if reason
                     else "revoked by the DAO")
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
               proof_check: Check | None = None, engine: str = "fast") -> list[Check]:
    """Every check this evidence supports, in report order (``ev.not_run`` ones are skipped:
    `not_run` reports them)."""
    steps: list[tuple[str, Callable[[], Check]]] = [
        *([("record", lambda: check_stored_matches_calldata(ev))] if ev.stored is not None
          else []),
        ("field_range", lambda: check_field_range(ev)),
        ("proof", lambda: proof_check or check_proof(ev, vkey, engine=engine)),
        ("signature", lambda: check_signature(ev)),
        ("intensity", lambda: check_intensity(ev)),
        ("scoring", lambda: check_carbon_and_reward(ev)),
        ("ceiling", lambda: check_ceiling(ev)),
        ("not_revoked" if ev.stored is not None else "epoch_fresh",
         lambda: check_not_revoked(ev)),
    ]
    if openings:
        steps.append(("openings", lambda: check_openings(ev, openings)))
    return [run() for name, run in steps if name not in ev.not_run]


def not_run(ev: Evidence) -> list[dict[str, str]]:
    return [{"name": name, "detail": f"not run: {why}"} for name, why in ev.not_run.items()]


def credit_state(stored: dict[str, Any]) -> str:
    """core.credits.credit_state of a certificate's record and flags (get_certificate names)."""
    return credits.credit_state(bool(stored.get("revoked")), bool(stored.get("released")))


def credits_view(ev: Evidence) -> dict[str, Any] | None:
    """The certificate's reward: its escrow state and release time (when the evidence holds
    them), and the baseline, ceiling and per-epoch bound in force at its epoch start."""
    if ev.stored is None or "released" not in ev.stored:
        return None
    baseline_ng, is_set = ev.baseline_at_block
    return {"state": credit_state(ev.stored), "reward_units": str(ev.stored["rewardUnits"]),
            "release_at_s": int(ev.stored["releaseAt"]),
            "baseline_ng_per_work": baseline_ng if is_set else None,
            "ceiling_work_per_kwh": ev.ceiling_at_epoch,
            "bound_units": _text(reward_bound_at_epoch(ev))}


def _text(v: int | None) -> str | None:
    return None if v is None else str(v)  # EcoCredit units exceed 2^53: decimal text in JSON


def certificate_report(ev: Evidence, checks: Sequence[Check],
                       global_checks: Sequence[Check] = ()) -> dict[str, Any]:
    """One certificate's entry in a report: valid iff every check that ran passed."""
    out = {"certificate_id": ev.certificate_id, "tx_hash": ev.tx_hash,
           "valid": all(c.ok for c in checks) and all(c.ok for c in global_checks),
           "checks": [c.as_json() for c in checks], "not_run": not_run(ev)}
    view = credits_view(ev)
    if view is not None:
        out["credits"] = view
    return out
