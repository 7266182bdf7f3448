"""GreenProofClient's Eco Credits side: scheduled parameters, escrow and release, operator debt,
node bonds and the per-epoch reward bound (contracts/GreenProofParams.sol, GreenProofCredits.sol).

Every DAO parameter is a schedule: ``set_*(value, effective_from_s)`` takes effect from
``effective_from_s`` on, which must not be before the block that includes the call (the contract
refuses it with ``GreenProofEffectiveInPast``). ``effective_soon_s()`` gives a safe "from now on".
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from eth_utils import to_checksum_address

from ecoai_chain.chain.client_certificates import LOG_IDS_PER_QUERY
from ecoai_chain.core.bytes32 import to_bytes32

_ZERO_KEY = b"\0" * 32


class Param(IntEnum):
    """IGreenProof.Param, in the contract's order."""

    REGION_INTENSITY = 0
    BASELINE = 1
    EFFICIENCY_CEILING = 2
    SUBMISSION_DEADLINE = 3
    CHALLENGE_WINDOW = 4
    BOND_PER_MW = 5
    SLASH_SHARE = 6


class CreditsMixin:
    """Mixed into GreenProofClient (which provides _transact, _call, _events, green_proof and
    `CertificatesMixin.submission_logs`; release_rewards is there, beside the record it takes)."""

    green_proof: Any
    w3: Any

    # ------------------------------------------------------------------ time
    def chain_time_s(self) -> int:
        """Timestamp of the latest block."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def effective_soon_s(self, margin_s: int = 30) -> int:
        """An effective time the next transactions cannot overtake: the latest block + margin
        (an idle mine-on-demand chain stamps its next block with the wall clock)."""
        return self.chain_time_s() + margin_s

    # ------------------------------------------------------------------ parameters
    def set_baseline(
        self, workload_class: str | bytes, baseline_ng_per_work: int, effective_from_s: int
    ) -> Any:
        return self._transact(self.green_proof.functions.setBaseline(
            to_bytes32(workload_class, "workload_class"), baseline_ng_per_work,
            effective_from_s))

    def set_efficiency_ceiling(
        self, workload_class: str | bytes, work_per_kwh: int, effective_from_s: int
    ) -> Any:
        return self._transact(self.green_proof.functions.setEfficiencyCeiling(
            to_bytes32(workload_class, "workload_class"), work_per_kwh, effective_from_s))

    def set_submission_deadline(self, deadline_s: int, effective_from_s: int) -> Any:
        return self._transact(
            self.green_proof.functions.setSubmissionDeadline(deadline_s, effective_from_s))

    def set_challenge_window(self, window_s: int, effective_from_s: int) -> Any:
        return self._transact(
            self.green_proof.functions.setChallengeWindow(window_s, effective_from_s))

    def set_bond_per_mw(self, wei_per_mw: int, effective_from_s: int) -> Any:
        return self._transact(self.green_proof.functions.setBondPerMw(wei_per_mw, effective_from_s))

    def set_slash_share(self, bps: int, effective_from_s: int) -> Any:
        return self._transact(self.green_proof.functions.setSlashShare(bps, effective_from_s))

    def set_treasury(self, address: str) -> Any:
        return self._transact(self.green_proof.functions.setTreasury(to_checksum_address(address)))

    def parameter_at(
        self, param: Param | int, key: str | bytes | None, timestamp_s: int
    ) -> tuple[bool, int]:
        """(is_set, value) of a scheduled parameter at ``timestamp_s``; ``key`` is the region,
        the workload class, or None for the global ones."""
        k = _ZERO_KEY if key is None else to_bytes32(key, "key")
        is_set, value = self._call(
            self.green_proof.functions.parameterAt(int(param), k, timestamp_s))
        return bool(is_set), int(value)

    def efficiency_ceiling_at(self, workload_class: str | bytes, timestamp_s: int) -> int | None:
        is_set, value = self.parameter_at(Param.EFFICIENCY_CEILING, workload_class, timestamp_s)
        return value if is_set else None

    def baseline_at(self, workload_class: str | bytes, timestamp_s: int) -> int | None:
        is_set, value = self.parameter_at(Param.BASELINE, workload_class, timestamp_s)
        return value if is_set else None

    def submission_deadline_s(self, epoch_start_s: int) -> int:
        """The latest block time at which the epoch starting at ``epoch_start_s`` can still
        be certified (its end + the deadline in effect at its start)."""
        _, deadline = self.parameter_at(Param.SUBMISSION_DEADLINE, None, epoch_start_s)
        return epoch_start_s + self.epoch_length_s() + deadline

    def treasury(self) -> str:
        return self._call(self.green_proof.functions.treasury())

    # ------------------------------------------------------------------ bound
    def reward_bound(self, node_id: int, workload_class: str | bytes, epoch_start_s: int) -> int:
        """The most one certificate of the node and class for that epoch can earn (units)."""
        return int(self._call(self.green_proof.functions.rewardBound(
            node_id, to_bytes32(workload_class, "workload_class"), epoch_start_s)))

    def max_epoch_reward(self, node_id: int, epoch_start_s: int) -> tuple[int, bytes]:
        """(units, workload class): the most the node can earn for that epoch in any class."""
        units, cls = self._call(self.green_proof.functions.maxEpochReward(node_id, epoch_start_s))
        return int(units), bytes(cls)

    # ------------------------------------------------------------------ escrow and debt
    def certificate_of(self, node_id: int, epoch_start_s: int) -> int:
        """The node's certificate id for that epoch, 0 if none."""
        return int(self._call(self.green_proof.functions.certificateOf(node_id, epoch_start_s)))

    def releasable(self, certificate_ids: list[int], now_s: int | None = None) -> list[int]:
        """The ids among ``certificate_ids`` whose reward can be released now."""
        now_s = self.chain_time_s() if now_s is None else now_s
        logs = self.submission_logs(certificate_ids)  # one eth_getLogs; flags from recordOf
        return [cid for cid in certificate_ids
                if not (c := logs[int(cid)])["revoked"] and not c["released"]
                and c["record"]["releaseAt"] <= now_s]

    def escrowed_of(self, operator: str) -> int:
        """Units of ``operator``'s rewards in escrow: the rewards of its nodes' certificates
        that are neither released nor revoked (by definition in escrow). GreenProof keeps no
        per-operator figure (issue 16 stage E): read from its NodeRegistered logs (operator
        indexed), CertificateSubmitted logs (nodeId indexed) and each record's flags, checked
        against its word (`submission_logs`); one eth_getLogs per `LOG_IDS_PER_QUERY` nodes."""
        nodes = [int(e["nodeId"]) for e in
                 self.events("NodeRegistered", operator=to_checksum_address(operator))]
        ids: list[int] = []
        for k in range(0, len(nodes), LOG_IDS_PER_QUERY):
            ids += [int(e["certificateId"]) for e in
                    self.events("CertificateSubmitted", nodeId=nodes[k:k + LOG_IDS_PER_QUERY])]
        return sum(int(c["record"]["rewardUnits"]) for c in self.submission_logs(ids).values()
                   if not c["revoked"] and not c["released"])

    def debt_of(self, operator: str) -> int:
        return int(self._call(self.green_proof.functions.debtOf(to_checksum_address(operator))))

    def repay_debt(self, operator: str, units: int) -> Any:
        """Burn ``units`` of the caller's Eco Credits against ``operator``'s debt."""
        return self._transact(
            self.green_proof.functions.repayDebt(to_checksum_address(operator), units))

    # ------------------------------------------------------------------ bonds
    def bond_for(self, max_power_mw: int) -> int:
        """Wei that registering a node of ``max_power_mw`` must lock now."""
        return int(self._call(self.green_proof.functions.bondFor(max_power_mw)))

    def top_up_bond(self, node_id: int, value_wei: int) -> Any:
        """Add ``value_wei`` to a node's bond (activation needs it at the current rate)."""
        return self._transact(self.green_proof.functions.topUpBond(node_id), value=value_wei)

    def retire_node(self, node_id: int, reason: str = "") -> Any:
        return self._transact(self.green_proof.functions.retireNode(node_id, reason))

    def withdraw_bond(self, node_id: int) -> int:
        """Return a retired node's bond to its operator; returns the wei returned."""
        receipt = self._transact(self.green_proof.functions.withdrawBond(node_id))
        (event,) = self._events(receipt, self.green_proof, "BondReturned")
        return int(event.args["bondWei"])
