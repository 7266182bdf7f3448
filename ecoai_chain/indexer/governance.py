"""The DAO in the index: rows for the EcoGovernor's and EcoTimelock's events, and each
proposal's state derived on read exactly as the Governor derives it.

State (Governor.state + GovernorTimelockControl): Executed / Canceled from their events (a
guardian's cancel in the timelock counts, matched by the operation id the proposal queues);
else Pending until the snapshot, Active until the deadline (both inclusive, on the timestamp
clock), then Defeated unless for + abstain >= quorum and for > against, Succeeded until
queued, Queued after. Quorum = EcoCredit supply at the snapshot (mints minus burns in blocks
up to it) x the numerator in force then / 100, both from indexed events.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from ecoai_chain.indexer.abi import DecodedLog

EVENTS = ("ProposalCreated", "VoteCast", "VoteCastWithParams", "ProposalQueued",
          "ProposalExecuted", "ProposalCanceled", "Cancelled", "QuorumNumeratorUpdated")
SUPPORT = {0: "against", 1: "for", 2: "abstain"}
QUORUM_DENOMINATOR = 100  # GovernorVotesQuorumFraction's default
log_ = logging.getLogger(__name__)


def timelock_operation_id(governor: str, targets: list[str], values: list[int],
                          calldatas: list[bytes], description_hash: bytes) -> str:
    """The id GovernorTimelockControl schedules a proposal under in the TimelockController:
    hashOperationBatch(targets, values, calldatas, 0, bytes20(governor) ^ descriptionHash)."""
    mine = bytes.fromhex(to_checksum_address(governor)[2:]).ljust(32, b"\0")
    salt = bytes(a ^ b for a, b in zip(mine, description_hash, strict=True))
    encoded = abi_encode(["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"],
                         [targets, values, calldatas, b"\0" * 32, salt])
    return "0x" + keccak(encoded).hex()


def _action(codec: Any, target: str, calldata: bytes) -> dict:
    """One proposal action as JSON, decoded by ``codec`` where it can be. Anyone may propose
    (threshold 0) any calldata to any target, so a decoding failure is this boundary's to
    survive: the action is kept raw with the reason, the proposal still indexed."""
    raw = {"target": target, "calldata": "0x" + calldata.hex(), "action": None}
    if codec is None:
        return raw
    try:
        act = codec.decode(target, calldata).to_json()
        json.dumps(act)
        return act
    except Exception as e:  # noqa: BLE001 - a stranger's calldata must not halt the indexer
        log_.exception("proposal action to %s not decoded; kept raw", target)
        return {**raw, "function": "?", "decode_error": f"{type(e).__name__}: {e}"[:500]}


def rows_for(log: DecodedLog, block_time_s: int, codec: Any) -> tuple[str, dict] | None:
    """(table kind, row) for one governance log; ``codec``: dao.actions.ActionCodec or None."""
    a, ev = log.args, log.event
    where = {"block_number": log.block_number, "block_time_s": block_time_s,
             "tx_hash": log.tx_hash, "log_index": log.log_index}
    if ev == "ProposalCreated":
        targets = [to_checksum_address(t) for t in a["targets"]]
        calldatas = [bytes(c) for c in a["calldatas"]]
        raw_desc = a["description"].raw
        desc_hash = keccak(raw_desc)
        actions = [_action(codec, t, c) for t, c in zip(targets, calldatas, strict=True)]
        for act, v in zip(actions, a["values"], strict=True):
            act["value_wei"] = str(v)
        return "proposal", {
            "proposal_id": str(a["proposalId"]), "proposer": a["proposer"],
            "description": str(a["description"]), "description_hash": "0x" + desc_hash.hex(),
            "vote_start_s": a["voteStart"], "vote_end_s": a["voteEnd"],
            "actions_json": json.dumps(actions),
            "timelock_op_id": timelock_operation_id(log.address, targets, list(a["values"]),
                                                    calldatas, desc_hash),
            **where}
    if ev in ("VoteCast", "VoteCastWithParams"):
        return "vote", {
            "proposal_id": str(a["proposalId"]), "voter": a["voter"], "support": a["support"],
            "weight_units": str(a["weight"]), "reason": str(a["reason"]),
            "params_hex": a.get("params"), **where}
    kinds = {"ProposalQueued": "queued", "ProposalExecuted": "executed",
             "ProposalCanceled": "canceled"}
    if ev in kinds:
        return "event", {"kind": kinds[ev], "proposal_id": str(a["proposalId"]),
                         "eta_s": a.get("etaSeconds"), "op_id": None, "value": None, **where}
    if ev == "Cancelled":
        return "event", {"kind": "timelock_cancelled", "proposal_id": None, "eta_s": None,
                         "op_id": a["id"], "value": None, **where}
    if ev == "QuorumNumeratorUpdated":
        return "event", {"kind": "quorum", "proposal_id": None, "eta_s": None, "op_id": None,
                         "value": str(a["newQuorumNumerator"]), **where}
    return None


def derive_state(*, snapshot_s: int, deadline_s: int, now_s: int, executed: bool,
                 canceled: bool, queued: bool, for_units: int, against_units: int,
                 abstain_units: int, quorum_units: int) -> str:
    """The Governor's ProposalState name, from indexed facts (pure)."""
    if executed:
        return "Executed"
    if canceled:
        return "Canceled"
    if snapshot_s >= now_s:
        return "Pending"
    if deadline_s >= now_s:
        return "Active"
    if not (for_units + abstain_units >= quorum_units and for_units > against_units):
        return "Defeated"
    return "Queued" if queued else "Succeeded"
