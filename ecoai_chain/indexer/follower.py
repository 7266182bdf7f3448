"""The chain follower: batched eth_getLogs with adaptive ranges, confirmations, reorgs, resume.

Each step reads logs for (checkpoint, min(checkpoint + range, head - confirmations)], decodes
them, and commits them with the new checkpoint in one SQL transaction. Before each step the
hash of the checkpoint block is compared with the chain's; on a mismatch the stored hashes of
recent indexed blocks are walked back to the newest block that still matches, every row above
it is removed (derived state restored) and indexing resumes from there.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ecoai_chain.core.backoff import Backoff
from ecoai_chain.errors import (
    ChainError,
    ConfigError,
    ReorgTooDeep,
    RpcError,
    UnindexableLog,
    ValidationError,
)
from ecoai_chain.indexer import governance, quarantine
from ecoai_chain.indexer.abi import CallDecoder, DecodedLog, EventDecoder
from ecoai_chain.indexer.models_credits import CREDIT_EVENTS  # GreenProof's Eco Credits events
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import CallData, IndexStore

OUTAGE_BACKOFF_MAX_S = 60.0
# contracts/ChallengeManager.sol (indexer/store.py: challenges, challenge_events, opened_slots)
CHALLENGE_EVENTS = ("ChallengeOpened", "ChallengeSlotsDrawn", "SlotOpened", "ChallengeAnswered",
                    "ChallengeDefaulted", "ChallengeVoided")
EVENTS = ("NodeRegistered", "NodeStatusChanged", "AttestorRotated", "CertificateSubmitted",
          "CertificateRevoked", "RegionIntensitySet", "BaselineSet", "Transfer",
          "CertificateClaimed", "CreditsRetired", *CHALLENGE_EVENTS, *CREDIT_EVENTS,
          *governance.EVENTS,
          "BatchItemSkipped")  # stores nothing: says which calldata items of a batch landed


@dataclass
class IndexerConfig:
    addresses: list[str]            # contracts to follow (GreenProof, EcoCredit)
    abis: list[list[dict]]          # their ABIs (events are decoded generically from these)
    start_block: int = 0            # deployment block
    confirmations: int = 2
    initial_range: int = 2_000
    min_range: int = 1
    max_range: int = 100_000
    target_logs: int = 5_000        # shrink the range when one query returns more than this
    keep_hashes: int = 256          # how deep a reorg can be handled
    chain_id: int | None = None
    submit_abi: list[dict] | None = None  # GreenProof ABI for calldata (proof, signature)
    green_proof: str | None = None  # calldata is read only from direct calls to this address
    # EcoGovernor + EcoTimelock, followed too but not part of the deployment's identity (a
    # deployment handed over later keeps its database)
    governance: list[str] = field(default_factory=list)
    action_contracts: dict | None = None  # name -> (address, ABI): decodes proposals' actions
    extra: dict = field(default_factory=dict)


@dataclass
class StepResult:
    from_block: int
    to_block: int
    logs: int
    safe_head: int
    rolled_back_to: int | None = None
    quarantined: int = 0


def landed_items(calldata: CallData, logs: list[DecodedLog], green_proof: str | None) -> CallData:
    """Each transaction's calldata items without those its batch skipped: GreenProof's
    ``BatchItemSkipped(index, reason)`` names them. A skipped item may carry the very fields
    of the certificate that landed beside it (a forged proof, another window/slot split, a
    stranger's signature): matched by the event's fields alone, the first such decoy would
    become the certificate's proof, signature and calldata-only members. The items that
    landed are distinct certificates (one per node and epoch), so the match among them is
    unambiguous."""
    gp = (green_proof or "").lower()
    skipped: dict[str, set[int]] = defaultdict(set)
    for log in logs:
        if log.event == "BatchItemSkipped" and log.address.lower() == gp:
            skipped[log.tx_hash].add(int(log.args["index"]))
    return {h: ([it for k, it in enumerate(items) if k not in skipped[h]]
                if isinstance(items, list) and h in skipped else items)
            for h, items in calldata.items()}


class Indexer:
    """``Indexer(rpc, store, config)``; ``step()`` indexes one range, ``run()`` follows forever."""

    def __init__(self, rpc: JsonRpc, store: IndexStore, config: IndexerConfig) -> None:
        self.rpc, self.store, self.cfg = rpc, store, config
        self.decoder = EventDecoder(*config.abis)
        self.topics = self.decoder.topics(*EVENTS)
        self.calls = (CallDecoder(config.submit_abi)
                      if config.submit_abi and config.green_proof else None)
        self.range = config.initial_range
        self.ceiling = config.max_range  # lowered to just under any range the RPC refused
        self.followed = [*config.addresses, *config.governance]
        if config.action_contracts and store.codec is None:
            from ecoai_chain.dao.actions import ActionCodec

            store.codec = ActionCodec(config.action_contracts)
        self._bind()

    def _bind(self) -> None:
        """Refuse to mix two deployments (or chains) in one database."""
        ident = json.dumps({"chain_id": self.cfg.chain_id,
                            "addresses": sorted(a.lower() for a in self.cfg.addresses)})
        stored = self.store.get_meta("deployment")
        if stored is None:
            with self.store.engine.begin() as conn:
                self.store._set_meta(conn, "deployment", ident)
        elif stored != ident:
            raise ConfigError(f"db: already indexes another deployment ({stored}); "
                              "use a fresh database")

    @property
    def checkpoint(self) -> int:
        cp = self.store.checkpoint()
        return self.cfg.start_block - 1 if cp is None else cp

    def check_reorg(self) -> int | None:
        """Roll back to the newest stored block whose hash the chain still has; returns that
        block when a reorg was found, else None."""
        stored = self.store.block_hashes_desc(self.cfg.keep_hashes)
        if not stored:
            return None
        head = self.rpc.block_number()
        cp_num, cp_hash = stored[0]
        if cp_num <= head and self.rpc.block_headers([cp_num])[cp_num]["hash"] == cp_hash:
            return None
        candidates = [(n, h) for n, h in stored if n <= head]
        current = self.rpc.block_headers([n for n, _ in candidates]) if candidates else {}
        for n, h in candidates:
            if current[n]["hash"] == h:
                self.store.rollback_to(n, current[n]["timestamp"])
                return n
        oldest = stored[-1][0]
        if oldest <= self.cfg.start_block:
            self.store.rollback_to(self.cfg.start_block - 1)
            return self.cfg.start_block - 1
        raise ReorgTooDeep(f"reorg deeper than the {len(stored)} block hashes kept "
                         f"(none since block {oldest} match): reindex into a fresh database")

    def step(self) -> StepResult | None:
        """Index the next range; None when caught up with head - confirmations."""
        rolled = self.check_reorg()
        safe = self.rpc.block_number() - self.cfg.confirmations
        cp = self.checkpoint
        if cp >= safe:
            return None if rolled is None else StepResult(cp, cp, 0, safe, rolled)
        while True:
            to = min(cp + self.range, safe)
            try:
                raw = self.rpc.get_logs(self.followed, self.topics, cp + 1, to)
            except RpcError as e:  # result too large / range too wide: halve and retry
                if self.range <= self.cfg.min_range:
                    raise ChainError(f"eth_getLogs fails even for one block ({e})") from e
                self.ceiling = max(self.cfg.min_range, self.range - 1)
                self.range = max(self.cfg.min_range, self.range // 2)
                continue
            if len(raw) > self.cfg.target_logs and self.range > self.cfg.min_range:
                self.range = max(self.cfg.min_range, self.range // 2)
            elif len(raw) < self.cfg.target_logs // 4:
                self.range = min(self.ceiling, self.range * 2)
            break
        raw = [r for r in raw if not r.get("removed")]
        logs, rejected = self._decode(raw)
        headers = self.rpc.block_headers(sorted({int(r["blockNumber"], 16) for r in raw} | {to}))
        if any(headers[int(r["blockNumber"], 16)]["hash"] != r["blockHash"] for r in raw):
            # The chain moved under us between the two queries; retry this range next step.
            return StepResult(cp + 1, cp, 0, safe, rolled)
        calldata = landed_items(self._calldata({log.tx_hash for log in logs
                                                if log.event == "CertificateSubmitted"}),
                                logs, self.cfg.green_proof)
        held = self.store.apply_range(logs, headers, calldata, to, self.cfg.keep_hashes,
                                      rejected)
        return StepResult(cp + 1, to, len(logs) + len(rejected) - held, safe, rolled, held)

    def _decode(self, raw: list[dict]) -> tuple[list[DecodedLog], list[dict]]:
        """Decoded logs, and quarantine rows for the logs of ours that do not fit the ABI."""
        logs, rejected = [], []
        for r in raw:
            try:
                d = self.decoder.decode(r)
            except UnindexableLog as e:
                rejected.append(quarantine.raw_row(r, str(e)))
                continue
            if d is not None:
                logs.append(d)
        return logs, rejected

    def _calldata(self, tx_hashes: set[str]) -> CallData:
        """The submit inputs of each transaction that called GreenProof directly; for any
        other (a relay contract, a nested call) why they are unavailable: its calldata is the
        caller's own, free to start with GreenProof's selector or to carry a decoy."""
        if not tx_hashes:
            return {}
        if not self.calls:
            return dict.fromkeys(tx_hashes, "calldata unavailable: the indexer has no "
                                            "GreenProof address and ABI to read it with")
        hashes = sorted(tx_hashes)
        txs = self.rpc.batch([("eth_getTransactionByHash", [h]) for h in hashes])
        out: CallData = {}
        gp = self.cfg.green_proof.lower()
        for h, tx in zip(hashes, txs, strict=True):
            if tx is None:
                out[h] = "calldata unavailable: the RPC node did not return the transaction"
            elif (tx.get("to") or "").lower() != gp:
                out[h] = (f"calldata unavailable: sent to {tx.get('to')}, not a direct call to "
                          "GreenProof (relayed through a contract)")
            else:
                try:
                    out[h] = self.calls.decode(tx["input"])
                except ValidationError as e:
                    out[h] = f"calldata unavailable: {e}"
        return out

    def sync(self, on_progress: Callable[[StepResult], None] | None = None) -> int:
        """Index until caught up; returns the number of logs indexed."""
        total = 0
        while (res := self.step()) is not None:
            total += res.logs
            if on_progress:
                on_progress(res)
        return total

    def run(self, stop: threading.Event, poll_s: float = 2.0,
            on_progress: Callable[[StepResult], None] | None = None) -> None:
        """Follow the chain until ``stop`` is set; RPC outages are retried with backoff."""
        retry = Backoff(base_s=poll_s, max_s=max(poll_s, OUTAGE_BACKOFF_MAX_S))
        while not stop.is_set():
            try:
                self.sync(on_progress)
                retry.succeed()
            except ReorgTooDeep:
                raise
            except ChainError:  # RPC outage: retry with backoff
                if stop.wait(retry.fail()):
                    return
                continue
            stop.wait(poll_s)

