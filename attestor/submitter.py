"""The outbox -> chain: ``proved`` -> ``submitted(tx hashes)`` -> ``confirmed`` | ``failed``.

Exactly-once, in epoch order:
1. Reconcile first: ``nextEpochStart(nodeId)`` (the end of the node's last certified epoch)
   is read before every send; an epoch that starts before it already landed (e.g. sent just
   before a crash, or by someone else) is confirmed from its ``CertificateSubmitted`` event
   and never sent again.
2. The transaction is built (gas estimated: most reverts surface here, decoded), signed
   locally, and its hash, nonce, fees and raw bytes are committed (``submissiontx``) *before*
   it is broadcast. Until a receipt appears the newest one is re-broadcast as it is (same
   bytes, same hash) -- unless its max fee fell below the base fee, or the node refuses it as
   under-priced: then it is *replaced* at the same nonce with both fees bumped by
   ``fee_policy`` (never above its cap), committed first like the original. Every hash of
   the epoch is checked for a receipt, so whichever of them lands is the one recorded.
3. ``confirmed`` only once ``confirmations`` blocks are on top of the certificate's block.
4. Failures, by type (`ecoai_chain.chain.node_errors` names the node's refusals):
   - waiting -- the RPC is unreachable, the contract says "not yet" (node not active, epoch
     not finished on-chain, intensity or baseline unset, paused), the account cannot pay,
     the fee cap is below what the chain needs: retried with capped exponential backoff and
     full jitter, without limit (an outage drains as a backlog), the reason in ``last_error``;
   - ``GreenProofIntensityMismatch``: re-proved with a freshly read intensity;
   - any other revert (bad proof, bad signature, misaligned epoch ...): ``failed(reason)``;
   - a failed attempt -- the transaction was mined and reverted, the node refused it for
     another reason, or an internal error (a bug: re-raised after it is recorded, so its
     traceback reaches the log): counted in ``submit_failures``; after ``max_attempts`` the
     epoch is ``failed`` with the last reason, and later epochs go on.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from attestor.config import AttestorSettings
from attestor.deadline import DEADLINE_REVERT, LOST_TO_DEADLINE, approaching, deadline_left_s
from attestor.logs import event
from attestor.metrics import Metrics
from attestor.states import OPEN_STATES, EpochState
from attestor.store import EpochRecord, Store, SubmissionTx
from ecoai_chain.chain.fees import FeePolicy, Fees
from ecoai_chain.core.backoff import Backoff
from ecoai_chain.errors import (
    ChainError,
    ContractRevert,
    FeeCapReached,
    FeeTooLow,
    InsufficientFunds,
    NonceTooLow,
    ReplacementUnderpriced,
    RpcUnavailable,
    StoreError,
    TxAlreadyKnown,
)

log = logging.getLogger("ecoai.attestor")

TRANSIENT_REVERTS = {"GreenProofNodeNotActive", "GreenProofEpochNotFinished",
                     "GreenProofIntensityUnset", "GreenProofUnknownWorkloadClass",
                     "EnforcedPause"}
REPROVE_REVERTS = {"GreenProofIntensityMismatch"}
WAITING_ERRORS = (RpcUnavailable, FeeCapReached, InsufficientFunds)

_DEFAULTS = AttestorSettings.model_fields  # one place for the defaults: the settings
GWEI = 10**9


def default_fee_policy() -> FeePolicy:
    return FeePolicy(max_fee_per_gas_wei=_DEFAULTS["submit_max_fee_gwei"].default * GWEI,
                     bump_percent=_DEFAULTS["submit_fee_bump_percent"].default)


class Submitter:
    def __init__(self, store: Store, client: Any, account: Any, metrics: Metrics | None = None,
                 backoff_s: float = 2.0, backoff_max_s: float = 300.0,
                 receipt_timeout_s: float = 30.0, clock: Callable[[], float] = time.time,
                 rng: random.Random | None = None, *, fee_policy: FeePolicy | None = None,
                 max_attempts: int = _DEFAULTS["submit_max_attempts"].default,
                 confirmations: int = _DEFAULTS["confirmations"].default,
                 poll_s: float = 0.1, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic, relay: Any = None) -> None:
        self.store, self.client, self.account = store, client, account
        self.metrics = metrics or Metrics()
        self.receipt_timeout_s = receipt_timeout_s
        self.clock = clock
        self._retry = Backoff(backoff_s, backoff_max_s, rng or random.Random())  # full jitter
        self.fee_policy = fee_policy or default_fee_policy()
        self.max_attempts, self.confirmations = max_attempts, confirmations
        self.poll_s, self.sleep, self.monotonic = poll_s, sleep, monotonic
        self._next_try_s = 0.0
        self.relay = relay  # attestor.relaying.RelayLink: relayers first (None: alone)

    # -- backoff --------------------------------------------------------------------------
    def _backoff(self, why: str, epoch_start_s: int) -> None:
        delay = self._retry.fail()
        self._next_try_s = self.clock() + delay
        event(log, "submission deferred", logging.WARNING, epoch_start_s=epoch_start_s,
              reason=why, retry_in_s=round(delay, 2), failures=self._retry.failures)

    def _ok(self) -> None:
        self._retry.succeed()
        self._next_try_s = 0.0

    # -- one pass -------------------------------------------------------------------------
    def run_once(self) -> int:
        """Advance the outbox as far as it goes now; returns epochs confirmed in this pass."""
        if self.clock() < self._next_try_s:
            return 0
        done = 0
        watched = False  # the deadline of the oldest open epoch not lost is gauged
        for rec in self.store.epochs(states=OPEN_STATES):
            unproved = rec.state in (EpochState.SEALED, EpochState.PROVING)
            try:
                if not unproved and self._past_deadline(rec):
                    continue  # lost: never sent, never retried
                if not watched:
                    watched = True
                    self._watch_deadline(rec)
                if unproved:
                    break  # strictly in order: never let a later epoch overtake an unproved one
                state = self._advance(rec)
            except ContractRevert as e:
                if e.name == DEADLINE_REVERT:
                    self._lost(rec, str(e))
                    continue
                if e.name in TRANSIENT_REVERTS:
                    self._waiting(rec, e)
                elif e.name in REPROVE_REVERTS:
                    self._reprove(rec, e)
                else:
                    self._fail(rec, str(e))
                    continue  # later epochs may still land (contract needs start >= last end)
                break
            except WAITING_ERRORS as e:
                self._waiting(rec, e)
                break
            except ChainError as e:  # the chain answered and this attempt failed
                if self._attempt_failed(rec, str(e), "attempt"):
                    continue
                break
            except StoreError:
                raise  # the agent's own database: the daemon decides
            except Exception as e:  # a bug: bounded and shown against the epoch, then raised
                self._attempt_failed(rec, f"internal error (a bug; traceback in the log): "
                                          f"{type(e).__name__}: {e}", "bug")
                raise
            if state == EpochState.FAILED:
                continue
            if state != EpochState.CONFIRMED:
                break  # waiting for a receipt or confirmations: keep order, next pass
            done += 1
            self._ok()
        self.metrics.epochs_pending.set(len(self.store.epochs(states=OPEN_STATES)))
        return done

    # -- the submission deadline ----------------------------------------------------------
    def _watch_deadline(self, rec: EpochRecord) -> None:
        """Gauge the oldest open epoch's remaining time; warn inside the last 25 %."""
        try:
            left_s, span_s = deadline_left_s(self.client, rec.epoch_start_s)
        except (ChainError, *WAITING_ERRORS):
            return  # the chain is away: the pass itself reports that
        self.metrics.deadline_remaining.set(left_s)
        if approaching(left_s, span_s):
            event(log, "backlog approaching the submission deadline", logging.WARNING,
                  epoch_start_s=rec.epoch_start_s, deadline_remaining_s=left_s,
                  deadline_s=span_s)

    def _past_deadline(self, rec: EpochRecord) -> bool:
        """An epoch not landed whose deadline has passed is lost (the contract would refuse
        it with GreenProofSubmissionDeadlinePassed): fail it without sending anything."""
        if rec.state == EpochState.SUBMITTED and rec.raw_tx:
            return False  # ours may have landed in time: _advance looks at its receipt
        left_s, _ = deadline_left_s(self.client, rec.epoch_start_s)
        if left_s >= 0 or self.client.certificate_of(rec.node_id, rec.epoch_start_s):
            return False
        self._lost(rec, f"deadline passed {-left_s} s ago (chain time)")
        return True

    def _lost(self, rec: EpochRecord, why: str) -> None:
        self.metrics.epochs_lost_to_deadline.inc()
        event(log, f"epoch {LOST_TO_DEADLINE}", logging.ERROR, epoch_start_s=rec.epoch_start_s,
              reason=why)
        self._fail(rec, f"{LOST_TO_DEADLINE}: {why}")

    def _waiting(self, rec: EpochRecord, e: Exception) -> None:
        self.store.update_epoch(rec.epoch_start_s, last_error=f"waiting: {e}"[:500])
        self.metrics.submit_errors.labels("waiting").inc()
        self._backoff(str(e)[:200], rec.epoch_start_s)

    def _reprove(self, rec: EpochRecord, e: ContractRevert) -> None:
        data = json.loads(rec.public_json)
        data.pop("intensity_mg_per_kwh", None)
        data.pop("public", None)
        self.store.update_epoch(rec.epoch_start_s, state=EpochState.SEALED, tx_hash="",
                                raw_tx="", nonce=None, proof_json="", signature="",
                                public_json=json.dumps(data), last_error=str(e))
        event(log, "re-proving with fresh intensity", logging.WARNING,
              epoch_start_s=rec.epoch_start_s, error=str(e))

    def _fail(self, rec: EpochRecord, why: str) -> None:
        self.store.update_epoch(rec.epoch_start_s, state=EpochState.FAILED, last_error=why[:500])
        self.metrics.epochs_failed.inc()
        event(log, "epoch failed", logging.ERROR, epoch_start_s=rec.epoch_start_s, error=why)

    def _attempt_failed(self, rec: EpochRecord, why: str, kind: str) -> bool:
        """Count a failed attempt; True when it was the last one allowed (epoch failed)."""
        n = rec.submit_failures + 1
        self.metrics.submit_errors.labels(kind).inc()
        self.store.update_epoch(rec.epoch_start_s, submit_failures=n, last_error=why[:500])
        if n >= self.max_attempts:
            self._fail(rec, f"gave up after {n} failed attempts (submit_max_attempts): {why}")
            return True
        self._backoff(why[:200], rec.epoch_start_s)
        return False

    # -- one epoch ------------------------------------------------------------------------
    def _advance(self, rec: EpochRecord) -> str:
        sent = rec.state == EpochState.SUBMITTED and bool(rec.raw_tx)
        if sent and self._landed(rec) is not None:  # one of ours: receipts are cheap to ask
            return self._await(rec, lambda: self._landed(rec))
        if self.client.certificate_of(rec.node_id, rec.epoch_start_s):
            return self._reconcile(rec)  # landed by someone else (or just now): by its event
        # (epochs may land out of order: a later certified epoch no longer strands this one)
        if sent:
            if rec.nonce is not None and self.client.account_nonce() <= rec.nonce:
                self._push(rec)  # still ours to land: rebroadcast, or replace if stuck
                return self._await(rec, lambda: self._landed(rec))
            # The nonce was used meanwhile: by one of ours (look again), or by someone else.
            if self._landed(rec) is not None:
                return self._await(rec, lambda: self._landed(rec))
            if self.client.certificate_of(rec.node_id, rec.epoch_start_s):
                return self._reconcile(rec)
            event(log, "nonce consumed elsewhere; sending again", logging.WARNING,
                  epoch_start_s=rec.epoch_start_s, nonce=rec.nonce)
        if self.relay is not None and not sent and self.relay.holds(rec, *self._item(rec)):
            return EpochState.SUBMITTED  # a relayer holds it: the chain will say (above)
        try:
            rec = self.prepare(rec)
        except ContractRevert:
            if self.client.certificate_of(rec.node_id, rec.epoch_start_s):
                return self._reconcile(rec)  # landed a moment ago (a relayer, another sender)
            raise
        self._push(rec)
        return self._await(rec, lambda: self._landed(rec))

    def _item(self, rec: EpochRecord) -> tuple[dict, dict, bytes]:
        """(certificate fields, snarkjs proof, signature) of a proved epoch."""
        from attestor.sealer import certificate_fields

        data = json.loads(rec.public_json)
        public = {k: int(v) for k, v in data["public"].items()}
        cert = certificate_fields(public, bytes.fromhex(data["workload_class_hex"]))
        return cert, json.loads(rec.proof_json)["proof"], bytes.fromhex(rec.signature)

    def prepare(self, rec: EpochRecord, nonce: int | None = None,
                fees: Fees | None = None) -> EpochRecord:
        """Build (estimating gas), sign and commit the transaction; nothing is sent yet.
        Without ``nonce`` / ``fees``: the account's next nonce and the policy's first offer."""
        cert, proof, signature = self._item(rec)
        if nonce is None:
            nonce = self.client.account_nonce(pending=True)
        if fees is None:
            fees = self.fee_policy.initial(*self.client.fee_quote())
        tx = self.client.build_certificate_tx(cert, proof, signature, nonce=nonce, fees=fees)
        rec = self.store.record_submission(
            rec.epoch_start_s, tx.tx_hash, tx.raw_tx.hex(), nonce, fees.max_fee_per_gas_wei,
            fees.max_priority_fee_per_gas_wei, attempts=rec.attempts + 1)
        event(log, "certificate signed", epoch_start_s=rec.epoch_start_s, tx_hash=tx.tx_hash,
              nonce=nonce, gas=tx.gas, max_fee_per_gas_wei=fees.max_fee_per_gas_wei)
        return rec

    def _txs(self, rec: EpochRecord) -> list[SubmissionTx]:
        """Every transaction signed for the epoch, oldest first (a store written before
        ``submissiontx`` existed has only the epoch's own raw transaction)."""
        rows = self.store.submissions(rec.epoch_start_s)
        if not rows and rec.raw_tx:
            from ecoai_chain.chain.submission import SignedTx

            tx = SignedTx.from_raw(bytes.fromhex(rec.raw_tx))
            rows = [SubmissionTx(tx_hash=tx.tx_hash, epoch_start_s=rec.epoch_start_s,
                                 nonce=tx.nonce, raw_tx=rec.raw_tx,
                                 max_fee_per_gas_wei=tx.fees.max_fee_per_gas_wei,
                                 max_priority_fee_per_gas_wei=tx.fees.max_priority_fee_per_gas_wei)]
        return rows

    def _current(self, rec: EpochRecord) -> SubmissionTx:
        txs = self._txs(rec)
        return next((t for t in reversed(txs) if t.tx_hash == rec.tx_hash), txs[-1])

    def _broadcast(self, raw_hex: str) -> None:
        """Send signed bytes; the node already holding them, or the nonce being used, is fine
        (the next pass reconciles)."""
        try:
            self.client.send_raw(bytes.fromhex(raw_hex))
        except (TxAlreadyKnown, NonceTooLow):
            return

    def _push(self, rec: EpochRecord) -> None:
        """Broadcast the epoch's current transaction, or replace it if it cannot land."""
        cur = self._current(rec)
        base_fee_wei, tip_wei = self.client.fee_quote()
        if cur.max_fee_per_gas_wei < base_fee_wei:
            self._replace(rec, cur, base_fee_wei, tip_wei)
            return
        try:
            self._broadcast(cur.raw_tx)
        except (FeeTooLow, ReplacementUnderpriced) as e:
            self._replace(rec, cur, base_fee_wei, tip_wei, why=str(e))

    def _replace(self, rec: EpochRecord, cur: SubmissionTx, base_fee_wei: int, tip_wei: int,
                 why: str = "max fee below the base fee") -> None:
        prev = Fees(cur.max_fee_per_gas_wei, cur.max_priority_fee_per_gas_wei)
        fees = self.fee_policy.replacement(prev, base_fee_wei, tip_wei)  # or FeeCapReached
        rec = self.prepare(rec, nonce=cur.nonce, fees=fees)
        self.metrics.tx_replacements.inc()
        event(log, "stuck transaction replaced", logging.WARNING,
              epoch_start_s=rec.epoch_start_s, nonce=cur.nonce, replaced=cur.tx_hash,
              tx_hash=rec.tx_hash, base_fee_wei=base_fee_wei, reason=why,
              max_fee_per_gas_wei=fees.max_fee_per_gas_wei)
        self._broadcast(rec.raw_tx)

    # -- landing ----------------------------------------------------------------------------
    def _await(self, rec: EpochRecord, check: Callable[[], str | None]) -> str:
        """Poll ``check`` until the epoch is confirmed or ``receipt_timeout_s`` passed."""
        deadline = self.monotonic() + self.receipt_timeout_s
        while True:
            state = check()
            if state in (EpochState.CONFIRMED, EpochState.FAILED):
                return state
            if self.monotonic() >= deadline:
                return EpochState.SUBMITTED
            self.sleep(self.poll_s)

    def _landed(self, rec: EpochRecord) -> str | None:
        """The state after looking up every hash of the epoch; None if none has a receipt."""
        for tx in reversed(self._txs(rec)):
            receipt = self.client.receipt(tx.tx_hash)
            # A landing counts whichever hash it was; a revert only for the current nonce (an
            # older nonce's revert was settled when it happened, and was sent again since).
            if receipt is not None and (receipt.succeeded or tx.nonce == rec.nonce):
                return self._settle(rec, receipt)
        return None

    def _deep_enough(self, block_number: int) -> bool:
        return self.client.block_number() - block_number >= self.confirmations

    def _settle(self, rec: EpochRecord, receipt: Any, note: str = "") -> str:
        if receipt.succeeded:
            if not self._deep_enough(receipt.block_number):
                return EpochState.SUBMITTED  # landed; waiting for confirmations
            return self._confirm(rec, receipt, note)
        if self.client.certificate_of(rec.node_id, rec.epoch_start_s):
            return self._reconcile(rec)  # ours reverted because another one landed first
        # Mined but reverted: back to ``proved``; the next send re-estimates gas, which
        # decodes the revert and classifies it (transient / re-prove / permanent).
        self.store.update_epoch(rec.epoch_start_s, state=EpochState.PROVED, tx_hash="",
                                raw_tx="", nonce=None,
                                last_error=f"tx {receipt.tx_hash} reverted")
        raise ChainError(f"transaction {receipt.tx_hash} for epoch {rec.epoch_start_s} "
                         f"reverted in block {receipt.block_number}")

    def _reconcile(self, rec: EpochRecord) -> str:
        """The chain is past this epoch: find its certificate, whoever sent it."""
        landing = self.client.find_certificate(rec.node_id, rec.epoch_start_s)
        if landing is not None:
            ours = landing.tx_hash in {t.tx_hash for t in self._txs(rec)}
            note = "" if ours else "already on-chain (reconciled)"
            return self._await(rec, lambda: self._settle(rec, landing, note))
        self._fail(rec, "a later epoch is already certified on-chain; this one can no longer "
                        "be submitted")
        return EpochState.FAILED

    def _confirm(self, rec: EpochRecord, receipt: Any, note: str = "") -> str:
        self.store.update_epoch(rec.epoch_start_s, state=EpochState.CONFIRMED,
                                certificate_id=receipt.certificate_id, tx_hash=receipt.tx_hash,
                                last_error=note)
        self.metrics.epochs_submitted.inc()
        self.metrics.last_submission.set(self.clock())
        event(log, "certificate confirmed", epoch_start_s=rec.epoch_start_s,
              certificate_id=receipt.certificate_id, tx_hash=receipt.tx_hash,
              block=receipt.block_number, note=note)
        return EpochState.CONFIRMED
