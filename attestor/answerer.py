"""Answer challenges against this node, by itself, exactly once (contracts/ChallengeManager.sol).

Every chain tick: ``ChallengeOpened`` events of the node since the last scanned block
(``meta.challenge_scan_block``, moved only after the events are stored) become
``challengerecord`` rows; each open one is driven as the submitter drives an epoch:

1. Reconcile first: the challenge's on-chain status is read before anything is sent; one that
   is no longer Open is settled (``answered`` -- by us or anyone --, ``lost`` after a missed
   deadline, ``void``) and never touched again.
2. Once its randomness block is past, the drawn slots are read (``challengeSlots``; an expired
   block hash is re-anchored with ``drawSlots``), the answer is built from the store (the sealed
   epoch's committed values and the key's seed, checked against the certificate's root), the
   transaction is estimated and signed, and its hash, nonce and raw bytes are committed
   (state ``sent``) *before* it is broadcast. Until a receipt appears the same bytes are
   re-broadcast; a new answer is signed only if that nonce was taken by another transaction.
3. An answer that cannot be built (epoch missing from the store, windows that no longer hash
   to the root, the contract refusing it) is an ``alert``: state, reason, an ERROR log line
   and the ``ecoai_challenge_alerts`` gauge -- never a silent failure. It is retried each tick
   (a restored store answers) until the deadline.
RPC outages raise `RpcUnavailable` out of a step: nothing is recorded, the next tick retries.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from attestor.logs import event
from attestor.metrics import Metrics
from attestor.sealer import build_epoch_input
from attestor.store import ChallengeRecord, Store, commit_fields
from ecoai_chain.chain.fees import Fees
from ecoai_chain.challenge.openings import build_answer, opened_values
from ecoai_chain.errors import (
    ChallengeAnswerError,
    ContractRevert,
    NonceTooLow,
    TxAlreadyKnown,
)
from ecoai_chain.redact import redact

log = logging.getLogger("ecoai.attestor")

ACTIVE = ("open", "sent", "alert")
SETTLED = {"answered": "answered", "defaulted": "lost", "void": "void"}
SCAN_KEY = "challenge_scan_block"


class ChallengeBook:
    """The ``challengerecord`` table."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def add(self, rec: ChallengeRecord) -> bool:
        with Session(self.engine) as s:
            if s.get(ChallengeRecord, rec.challenge_id) is not None:
                return False
            rec.created_s = rec.updated_s = int(time.time())
            s.add(rec)
            s.commit()
            return True

    def get(self, challenge_id: int) -> ChallengeRecord | None:
        with Session(self.engine) as s:
            return s.get(ChallengeRecord, challenge_id)

    def update(self, challenge_id: int, **fields: Any) -> ChallengeRecord:
        if "last_error" in fields:
            fields["last_error"] = redact(fields["last_error"])[:500]
        with Session(self.engine) as s:
            return commit_fields(s, s.get(ChallengeRecord, challenge_id), fields)

    def all(self, states: tuple[str, ...] | None = None) -> list[ChallengeRecord]:
        with Session(self.engine) as s:
            q = select(ChallengeRecord).order_by(ChallengeRecord.challenge_id)
            if states is not None:
                q = q.where(ChallengeRecord.state.in_(list(states)))
            return list(s.exec(q))


class Answerer:
    def __init__(self, store: Store, challenges: Any, seed: bytes, metrics: Metrics | None = None,
                 clock: Callable[[], float] = time.time, scan_chunk_blocks: int = 5_000) -> None:
        self.store, self.cm, self.seed = store, challenges, seed
        self.client = challenges.client
        self.book = ChallengeBook(store)
        self.metrics = metrics
        self.clock = clock
        self.scan_chunk_blocks = scan_chunk_blocks

    # ------------------------------------------------------------------ the tick
    def run_once(self, node_id: int | None) -> int:
        """Scan for new challenges and advance every active one; returns how many were sent."""
        if node_id is None:
            return 0
        self._scan(node_id)
        sent = 0
        for rec in self.book.all(ACTIVE):
            sent += self._advance(rec)
        self._gauges()
        return sent

    def _scan(self, node_id: int) -> None:
        head = self.client.block_number()
        start = int(self.store.get_meta(SCAN_KEY) or
                    self.client.deployment.contracts["ChallengeManager"].block)
        while start <= head:
            end = min(head, start + self.scan_chunk_blocks - 1)
            for ev in self.cm.opened(start, end, node_id):
                new = self.book.add(ChallengeRecord(
                    challenge_id=int(ev["challengeId"]), certificate_id=int(ev["certificateId"]),
                    node_id=node_id, deadline_s=int(ev["deadline"]),
                    randomness_block=int(ev["randomnessBlock"]), state="open"))
                if new:
                    event(log, "challenge received", logging.WARNING,
                          challenge=int(ev["challengeId"]), certificate=int(ev["certificateId"]),
                          deadline_s=int(ev["deadline"]), challenger=ev["challenger"])
            self.store.set_meta(SCAN_KEY, str(end + 1))
            start = end + 1

    def _advance(self, rec: ChallengeRecord) -> int:
        onchain = self.cm.get(rec.challenge_id)
        if onchain["status"] != "open":
            state = SETTLED[onchain["status"]]
            self.book.update(rec.challenge_id, state=state, last_error="")
            level = logging.ERROR if state == "lost" else logging.INFO
            event(log, f"challenge {state}", level, challenge=rec.challenge_id,
                  certificate=rec.certificate_id, tx=rec.tx_hash or None)
            return 0
        if rec.state == "sent":
            return self._push(rec)
        if self.client.block_number() <= onchain["randomness_block"]:
            self.book.update(rec.challenge_id, randomness_block=onchain["randomness_block"],
                             last_error=f"waiting for block {onchain['randomness_block']}")
            return 0
        try:
            slots = self.cm.slots(rec.challenge_id)
        except ContractRevert as e:
            if e.name != "ChallengeRandomnessExpired":
                raise
            self.cm.draw_slots(rec.challenge_id)  # re-anchor to a new future block
            event(log, "challenge randomness re-anchored", challenge=rec.challenge_id)
            return 0
        signed = self.prepare(rec, slots)
        if signed is None:
            return 0
        self._broadcast(signed.raw_tx, signed.tx_hash)
        return 1

    def prepare(self, rec: ChallengeRecord, slots: list[int]) -> Any:
        """Build, sign and commit the answer (state ``sent``) without broadcasting it; None
        (and an alert) when it cannot be built."""
        try:
            openings = self._build(rec, slots)
            signed = self._sign(rec.challenge_id, openings)
        except (ChallengeAnswerError, ContractRevert) as e:
            self._alert(rec, e)
            return None
        self.book.update(rec.challenge_id, state="sent", tx_hash=signed.tx_hash,
                         raw_tx=signed.raw_tx.hex(), nonce=signed.nonce,
                         slots_json=json.dumps(slots),
                         opened_json=json.dumps(opened_values(openings)), last_error="")
        event(log, "challenge answer signed", challenge=rec.challenge_id, slots=slots,
              tx=signed.tx_hash)
        return signed

    def _build(self, rec: ChallengeRecord, slots: list[int]) -> list[tuple]:
        cert = self.cm.challenged_record(rec.challenge_id)  # the record it was opened with
        epoch_start_s = int(cert["epochStart"])
        if rec.epoch_start_s != epoch_start_s:
            self.book.update(rec.challenge_id, epoch_start_s=epoch_start_s)
        epoch = self.store.get_epoch(epoch_start_s)
        if epoch is None or not epoch.public_json:
            raise ChallengeAnswerError(f"epoch {epoch_start_s} (certificate "
                                       f"{rec.certificate_id}) is not in this agent's store")
        try:
            inp = build_epoch_input(epoch, self.seed)
        except (KeyError, ValueError) as e:
            raise ChallengeAnswerError(f"epoch {epoch_start_s} cannot be rebuilt from the "
                                       f"store: {e}") from e
        return build_answer(inp, slots, int(cert["root"]))

    def _sign(self, challenge_id: int, openings: list[tuple]) -> Any:
        base, tip = self.client.fee_quote()
        fees = Fees(max_fee_per_gas_wei=2 * base + tip, max_priority_fee_per_gas_wei=tip)
        nonce = self.client.account_nonce(pending=True)
        return self.cm.build_answer_tx(challenge_id, openings, nonce=nonce, fees=fees)

    def _push(self, rec: ChallengeRecord) -> int:
        receipt = self.client.receipt(rec.tx_hash)
        if receipt is not None:
            if not receipt.succeeded:  # mined and reverted: build again (reconciled first)
                self.book.update(rec.challenge_id, state="open",
                                 last_error=f"answer {rec.tx_hash} reverted")
            return 0
        try:
            self._broadcast(bytes.fromhex(rec.raw_tx), rec.tx_hash)
        except NonceTooLow:  # the nonce went to another transaction: sign a new answer
            self.book.update(rec.challenge_id, state="open",
                             last_error=f"nonce {rec.nonce} taken by another transaction")
        return 0

    def _broadcast(self, raw: bytes, tx_hash: str) -> None:
        try:
            self.client.send_raw(raw, tx_hash)
        except TxAlreadyKnown:
            pass

    def _alert(self, rec: ChallengeRecord, e: Exception) -> None:
        why = str(e)
        if rec.state != "alert" or rec.last_error != redact(why)[:500]:
            event(log, "challenge answer cannot be built", logging.ERROR,
                  challenge=rec.challenge_id, certificate=rec.certificate_id,
                  deadline_s=rec.deadline_s, error=redact(why))
        self.book.update(rec.challenge_id, state="alert", last_error=why)

    def _gauges(self) -> None:
        if self.metrics is None:
            return
        active = self.book.all(ACTIVE)
        self.metrics.challenges_open.set(len(active))
        self.metrics.challenge_alerts.set(sum(1 for r in active if r.state == "alert"))
        self.metrics.challenge_next_deadline.set(min((r.deadline_s for r in active), default=0))


def challenge_status(store: Store, now_s: float | None = None) -> dict[str, Any]:
    """The ``challenges`` part of ``ecoai attestor status``."""
    now_s = time.time() if now_s is None else now_s
    rows = ChallengeBook(store).all()
    active = [r for r in rows if r.state in ACTIVE]
    return {
        "open": [{"challenge_id": r.challenge_id, "certificate_id": r.certificate_id,
                  "state": r.state, "deadline_s": r.deadline_s,
                  "seconds_left": int(r.deadline_s - now_s),
                  "slots": json.loads(r.slots_json) if r.slots_json else None,
                  "tx_hash": r.tx_hash or None, "last_error": r.last_error or None}
                 for r in active],
        "alerts": [{"challenge_id": r.challenge_id, "reason": r.last_error}
                   for r in active if r.state == "alert"],
        "settled": {s: sum(1 for r in rows if r.state == s) for s in ("answered", "lost", "void")},
    }
