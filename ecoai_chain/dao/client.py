"""`DaoClient`: proposals, votes and direct actions against a deployment (web3 adapter).

``DaoClient(w3, deployment, account)``. A governed deployment (manifest ``governance``) takes
actions as proposals: propose -> (voting delay) -> vote -> (voting period) -> queue -> (timelock
delay) -> execute. An ungoverned one (``--no-governor``) takes the same actions directly from
the role holder (`send`); so do the guardian's own actions (pause, unpause) in a governed one.
Every Governor / timelock revert is decoded and explained (`GovernanceError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.logs import DISCARD

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import Deployment
from ecoai_chain.chain.governance import role_holders, role_table
from ecoai_chain.dao.actions import ActionCodec, Call, split_actions
from ecoai_chain.dao.explain import explain
from ecoai_chain.errors import ConfigError, ContractRevert, GovernanceError, ValidationError

STATES = ("Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired",
          "Executed")
SUPPORT = {"against": 0, "for": 1, "abstain": 2}
TARGETABLE = ("GreenProof", "EcoCredit", "EcoTimelock", "EcoGovernor")


@dataclass(frozen=True)
class Proposal:
    proposal_id: int
    state: str
    proposer: str
    snapshot_s: int
    deadline_s: int
    eta_s: int  # 0 until queued
    against_units: int
    for_units: int
    abstain_units: int
    quorum_units: int
    actions: tuple[Call, ...]
    description_hash: str

    def to_json(self) -> dict[str, Any]:
        return {"proposal_id": str(self.proposal_id), "state": self.state,
                "proposer": self.proposer, "snapshot_s": self.snapshot_s,
                "deadline_s": self.deadline_s, "eta_s": self.eta_s or None,
                "votes": {"for": str(self.for_units), "against": str(self.against_units),
                          "abstain": str(self.abstain_units)},
                "quorum_units": str(self.quorum_units),
                "quorum_reached": self.for_units + self.abstain_units >= self.quorum_units,
                "description_hash": self.description_hash,
                "actions": [c.to_json() for c in self.actions]}


def codec_for(deployment: Deployment, records: Any = None) -> ActionCodec:
    """The action codec for every contract of a deployment that an action may target;
    ``records``: certificate id -> its record (`GreenProofClient.certificate_record`), for
    the actions that send one (revoke)."""
    return ActionCodec({name: (deployment.address(name), load_artifact(name).abi)
                        for name in TARGETABLE if name in deployment.contracts}, records)


class DaoClient:
    def __init__(self, w3: Web3, deployment: Deployment,
                 account: LocalAccount | None = None) -> None:
        self.w3, self.deployment, self.account = w3, deployment, account
        self.chain = GreenProofClient(w3, deployment, account)
        self.codec = codec_for(deployment, self.chain.certificate_record)
        self.contracts = {name: w3.eth.contract(address=deployment.address(name),
                                                abi=load_artifact(name).abi)
                          for name in TARGETABLE if name in deployment.contracts}

    # ------------------------------------------------------------------ plumbing
    @property
    def governor(self) -> Any:
        if not self.deployment.governed:
            raise ConfigError("this deployment has no governor (deployed with --no-governor): "
                              "send actions directly with `ecoai dao send`")
        return self.contracts["EcoGovernor"]

    def _send(self, fn: Any, proposal_id: int | None = None) -> Any:
        try:
            return self.chain.send(fn)
        except ContractRevert as e:
            raise explain(e, self, proposal_id) from e

    def plan(self, words: list[str]) -> list[Call]:
        """``["set-intensity", "KR", "300000", "--from", "2027-01-01", "+", ...]`` -> calls."""
        return [self.codec.encode(name, args) for name, args in split_actions(words)]

    # ------------------------------------------------------------------ direct
    def gate(self, call: Call) -> tuple[str, list[str]]:
        """(gating role, its holders by role-table name) of a call; ("anyone", []) if open."""
        role = role_table()["functions"].get(call.contract, {}).get(call.function)
        if role is None:
            return "governance", ["governor"]  # EcoGovernor / EcoTimelock: onlyGovernance
        if not role.endswith("_ROLE"):
            return role, []
        return role, list(role_table()["holders"][call.contract][role])

    def send(self, calls: list[Call]) -> list[Any]:
        """Send each call directly from this client's account, after checking it holds the
        gating role (so a governed deployment's timelock-held action is refused before any
        transaction, with what to do instead)."""
        if self.account is None:
            raise ConfigError("sending needs a key: --key-file KEYSTORE or --dev-account N")
        holders = role_holders(self.deployment)
        for call in calls:
            role, who = self.gate(call)
            if role == "governance" or (who and "timelock" in who and self.deployment.governed):
                raise GovernanceError(
                    "DirectCallNotAllowed", (call.contract, call.function),
                    f"{call.contract}.{call.function} is the DAO's ({role} is held by the "
                    f"timelock {holders['timelock']}): propose it with `ecoai dao propose`")
            if role.endswith("_ROLE"):
                c = self.contracts[call.contract]
                if not c.functions.hasRole(keccak(text=role) if role != "DEFAULT_ADMIN_ROLE"
                                           else b"\0" * 32, self.account.address).call():
                    raise GovernanceError(
                        "MissingRole", (self.account.address, role),
                        f"{self.account.address} lacks {call.contract}'s {role} (held by the "
                        f"{' / '.join(who)}: {', '.join(holders[h] for h in who)})")
        receipts = []
        for call in calls:
            fn = self.contracts[call.contract].get_function_by_signature(call.signature)
            receipts.append(self._send(fn(*[a.value for a in call.args])))
        return receipts

    # ------------------------------------------------------------------ proposals
    def propose(self, calls: list[Call], description: str) -> int:
        governor = self.governor  # refuses an ungoverned deployment first
        if not description.strip():
            raise ValidationError("--description", "a proposal needs a description")
        if not calls:
            raise ValidationError("action", "a proposal needs at least one action")
        for call in calls:
            role, who = self.gate(call)
            if who and "timelock" not in who and role != "governance":
                raise GovernanceError(
                    "NotTheDaosRole", (call.contract, call.function),
                    f"{call.contract}.{call.function} needs {role}, held by the {' / '.join(who)}"
                    f", not the timelock: a proposal could not execute it")
        fn = governor.functions.propose([c.target for c in calls], [0] * len(calls),
                                             [c.calldata for c in calls], description)
        receipt = self._send(fn)
        (event,) = governor.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)
        return int(event.args["proposalId"])

    def delegate(self, to: str | None = None) -> Any:
        if self.account is None:
            raise ConfigError("delegating needs a key: --key-file KEYSTORE or --dev-account N")
        eco = self.contracts["EcoCredit"]
        return self._send(eco.functions.delegate(to_checksum_address(to or self.account.address)))

    def vote(self, proposal_id: int, support: str, reason: str = "") -> int:
        """Cast a vote; returns the weight counted."""
        if support not in SUPPORT:
            raise ValidationError("support", f"one of {', '.join(SUPPORT)}, got {support!r}")
        fn = self.governor.functions.castVoteWithReason(proposal_id, SUPPORT[support], reason)
        receipt = self._send(fn, proposal_id)
        (event,) = self.governor.events.VoteCast().process_receipt(receipt, errors=DISCARD)
        return int(event.args["weight"])

    def queue(self, proposal_id: int) -> int:
        """Queue a passed proposal in the timelock; returns its ETA (unix s)."""
        self._send(self.governor.get_function_by_signature("queue(uint256)")(proposal_id),
                   proposal_id)
        return int(self.governor.functions.proposalEta(proposal_id).call())

    def execute(self, proposal_id: int) -> Any:
        return self._send(self.governor.get_function_by_signature("execute(uint256)")(
            proposal_id), proposal_id)

    def cancel(self, proposal_id: int) -> str:
        """Pending: the proposer cancels in the Governor. Queued: a CANCELLER_ROLE holder (the
        guardian) cancels the timelock operation. Returns which path was taken."""
        state = self.state(proposal_id)
        if state == "Queued":
            timelock = self.contracts["EcoTimelock"]
            return self._cancel_queued(timelock, proposal_id)
        self._send(self.governor.get_function_by_signature("cancel(uint256)")(proposal_id),
                   proposal_id)
        return "governor"

    def _cancel_queued(self, timelock: Any, proposal_id: int) -> str:
        targets, values, calldatas, desc_hash = self.governor.functions.proposalDetails(
            proposal_id).call()
        # GovernorTimelockControl schedules with salt = bytes20(governor) ^ descriptionHash.
        mine = bytes.fromhex(self.governor.address[2:]).ljust(32, b"\0")
        salt = bytes(a ^ b for a, b in zip(mine, desc_hash, strict=True))
        op = timelock.functions.hashOperationBatch(targets, values, calldatas, b"\0" * 32,
                                                   salt).call()
        self._send(timelock.functions.cancel(op), proposal_id)
        return "timelock"

    # ------------------------------------------------------------------ views
    def state(self, proposal_id: int) -> str:
        try:
            return STATES[self.chain.call(self.governor.functions.state(proposal_id))]
        except ContractRevert as e:
            raise explain(e, self, proposal_id) from e

    def proposal(self, proposal_id: int) -> Proposal:
        g = self.governor.functions
        state = self.state(proposal_id)
        targets, _values, calldatas, desc_hash = g.proposalDetails(proposal_id).call()
        snapshot = int(g.proposalSnapshot(proposal_id).call())
        against, for_, abstain = g.proposalVotes(proposal_id).call()
        now = int(self.w3.eth.get_block("latest")["timestamp"])
        # quorum(t) needs t in the past: before the snapshot, show today's figure.
        quorum = int(g.quorum(min(snapshot, now - 1)).call())
        return Proposal(
            proposal_id, state, g.proposalProposer(proposal_id).call(), snapshot,
            int(g.proposalDeadline(proposal_id).call()), int(g.proposalEta(proposal_id).call()),
            int(against), int(for_), int(abstain), quorum,
            tuple(self.codec.decode(t, c) for t, c in zip(targets, calldatas, strict=True)),
            "0x" + bytes(desc_hash).hex())

    def proposal_ids(self) -> list[int]:
        g = self.governor.functions
        return [int(g.proposalDetailsAt(i).call()[0]) for i in range(g.proposalCount().call())]

    def now_s(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])
