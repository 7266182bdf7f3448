"""The outbox -> chain: ``proved`` -> ``submitted(tx hash)`` -> ``confirmed`` | ``failed``.

Exactly-once, in epoch order:
1. Reconcile first: ``nextEpochStart(nodeId)`` (the end of the node's last certified epoch)
   is read before every send; an epoch that starts before it already landed (e.g. sent just
   before a crash) is marked ``confirmed`` and never sent again.
2. The transaction is built (gas estimated: most reverts surface here, decoded), signed
   locally, and its hash, nonce and raw bytes are committed to the outbox *before* it is
   broadcast. After a crash the same raw transaction is re-broadcast (same nonce, same hash:
   the network treats it as one transaction) until its receipt appears, or until the nonce
   was consumed by something else, in which case step 1 decides.
3. Failures: connection errors and transient reverts (node not yet active, epoch not yet
   final on-chain, intensity or baseline not yet set, paused) are retried with capped
   exponential backoff and full jitter, indefinitely -- an RPC outage drains as a backlog.
   ``GreenProofIntensityMismatch`` re-proves with a freshly read intensity. Any other revert
   (bad proof, bad signature, misaligned epoch ...) is permanent: ``failed(reason)``.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from attestor.logs import event
from attestor.metrics import Metrics
from attestor.store import EpochRecord, Store
from ecoai_chain.chain.tx import gas_limit
from ecoai_chain.core.backoff import Backoff
from ecoai_chain.errors import ChainError, ContractRevert

log = logging.getLogger("ecoai.attestor")

TRANSIENT_REVERTS = {"GreenProofNodeNotActive", "GreenProofEpochNotFinished",
                     "GreenProofIntensityUnset", "GreenProofUnknownWorkloadClass",
                     "EnforcedPause"}
REPROVE_REVERTS = {"GreenProofIntensityMismatch"}


class Submitter:
    def __init__(self, store: Store, client: Any, account: Any, metrics: Metrics | None = None,
                 backoff_s: float = 2.0, backoff_max_s: float = 300.0,
                 receipt_timeout_s: float = 30.0, clock: Callable[[], float] = time.time,
                 rng: random.Random | None = None) -> None:
        self.store, self.client, self.account = store, client, account
        self.w3 = client.w3
        self.metrics = metrics or Metrics()
        self.receipt_timeout_s = receipt_timeout_s
        self.clock = clock
        self._retry = Backoff(backoff_s, backoff_max_s, rng or random.Random())  # full jitter
        self._next_try_s = 0.0

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
        for rec in self.store.epochs(states=("sealed", "proving", "proved", "submitted")):
            if rec.state in ("sealed", "proving"):
                break  # strictly in order: never let a later epoch overtake an unproved one
            try:
                state = self._advance(rec)
            except ContractRevert as e:
                if e.name in TRANSIENT_REVERTS:
                    self._backoff(str(e), rec.epoch_start_s)
                elif e.name in REPROVE_REVERTS:
                    data = json.loads(rec.public_json)
                    data.pop("intensity_mg_per_kwh", None)
                    data.pop("public", None)
                    self.store.update_epoch(rec.epoch_start_s, state="sealed", tx_hash="",
                                            raw_tx="", nonce=None, proof_json="", signature="",
                                            public_json=json.dumps(data), last_error=str(e))
                    event(log, "re-proving with fresh intensity", logging.WARNING,
                          epoch_start_s=rec.epoch_start_s, error=str(e))
                else:
                    self.store.update_epoch(rec.epoch_start_s, state="failed",
                                            last_error=str(e), attempts=rec.attempts + 1)
                    self.metrics.epochs_failed.inc()
                    event(log, "epoch failed", logging.ERROR, epoch_start_s=rec.epoch_start_s,
                          error=str(e))
                    continue  # later epochs may still land (contract needs start >= last end)
                break
            except Exception as e:  # RPC down, timeouts: transient, retried forever
                self.store.update_epoch(rec.epoch_start_s, attempts=rec.attempts + 1,
                                        last_error=f"{type(e).__name__}: {e}"[:500])
                self._backoff(f"{type(e).__name__}: {e}"[:200], rec.epoch_start_s)
                break
            if state == "failed":
                continue
            if state != "confirmed":
                break  # waiting for a receipt: keep order, try again next pass
            done += 1
            self._ok()
        self.metrics.epochs_pending.set(len(self.store.epochs(
            states=("sealed", "proving", "proved", "submitted"))))
        return done

    def _advance(self, rec: EpochRecord) -> str:
        landed_until = int(self.client.next_epoch_start(rec.node_id))
        if rec.epoch_start_s < landed_until:
            return self._reconcile(rec)
        if rec.state == "submitted" and rec.raw_tx:
            receipt = self._receipt(rec.tx_hash)
            if receipt is not None:
                return self._settle(rec, receipt)
            used = self.w3.eth.get_transaction_count(self.account.address, "latest")
            if rec.nonce is not None and used <= rec.nonce:
                self._broadcast(rec.raw_tx)  # same bytes, same hash: idempotent
                return self._wait(rec)
            event(log, "nonce consumed elsewhere; sending again", logging.WARNING,
                  epoch_start_s=rec.epoch_start_s, nonce=rec.nonce)
        return self._send(rec)

    def _send(self, rec: EpochRecord) -> str:
        rec = self.prepare(rec)
        self._broadcast(rec.raw_tx)
        return self._wait(rec)

    def prepare(self, rec: EpochRecord) -> EpochRecord:
        """Build (estimating gas), sign and commit the transaction; nothing is sent yet."""
        from ecoai_chain.chain.client import certificate_tuple, proof_struct

        data = json.loads(rec.public_json)
        public = {k: int(v) for k, v in data["public"].items()}
        from attestor.sealer import certificate_fields

        cert = certificate_fields(public, bytes.fromhex(data["workload_class_hex"]))
        proof = json.loads(rec.proof_json)["proof"]
        fn = self.client.green_proof.functions.submitCertificate(
            certificate_tuple(cert), proof_struct(proof), bytes.fromhex(rec.signature))
        nonce = self.w3.eth.get_transaction_count(self.account.address, "pending")
        params: dict[str, Any] = {"from": self.account.address, "nonce": nonce,
                                  "chainId": self.w3.eth.chain_id}
        try:
            tx = fn.build_transaction(params)  # eth_estimateGas: reverts are decoded here
        except Exception as e:
            raise self._decode(e) from e
        tx["gas"] = gas_limit(tx["gas"])
        signed = self.account.sign_transaction(tx)
        tx_hash = "0x" + bytes(signed.hash).hex().removeprefix("0x")
        self.store.update_epoch(rec.epoch_start_s, state="submitted", tx_hash=tx_hash,
                                raw_tx=bytes(signed.raw_transaction).hex(), nonce=nonce,
                                attempts=rec.attempts + 1)
        event(log, "certificate sent", epoch_start_s=rec.epoch_start_s, tx_hash=tx_hash,
              nonce=nonce, gas=tx["gas"])
        return self.store.get_epoch(rec.epoch_start_s)

    def _decode(self, e: Exception) -> Exception:
        from web3.exceptions import ContractLogicError

        if isinstance(e, ContractLogicError):
            return self.client.decode_error(e)
        return e

    def _broadcast(self, raw_hex: str) -> None:
        try:
            self.w3.eth.send_raw_transaction(bytes.fromhex(raw_hex))
        except Exception as e:
            msg = str(e).lower()
            if "already known" in msg or "already imported" in msg:
                return
            if "nonce too low" in msg:
                return  # mined or replaced: the next pass reconciles
            raise self._decode(e) from e

    def _receipt(self, tx_hash: str) -> Any:
        from web3.exceptions import TransactionNotFound

        try:
            return self.w3.eth.get_transaction_receipt(tx_hash)
        except TransactionNotFound:
            return None

    def _wait(self, rec: EpochRecord) -> str:
        from web3.exceptions import TimeExhausted

        try:
            receipt = self.w3.eth.wait_for_transaction_receipt(
                rec.tx_hash, timeout=self.receipt_timeout_s, poll_latency=0.1)
        except TimeExhausted:
            return "submitted"
        return self._settle(rec, receipt)

    def _settle(self, rec: EpochRecord, receipt: Any) -> str:
        if receipt["status"] == 1:
            return self._confirm(rec, receipt)
        if self.client.next_epoch_start(rec.node_id) > rec.epoch_start_s:
            return self._confirm(rec, None, note="landed by another transaction")
        # Mined but reverted: back to ``proved``; the next send re-estimates gas, which
        # decodes the revert and classifies it (transient / re-prove / permanent).
        self.store.update_epoch(rec.epoch_start_s, state="proved", tx_hash="", raw_tx="",
                                nonce=None, last_error=f"tx {rec.tx_hash} reverted")
        raise ChainError(f"transaction {rec.tx_hash} for epoch {rec.epoch_start_s} reverted")

    def _reconcile(self, rec: EpochRecord) -> str:
        """The chain is past this epoch: find its certificate (both keys are indexed)."""
        gp = self.client.green_proof
        first_block = min((c.block for c in self.client.deployment.contracts.values()),
                          default=0)
        logs = gp.events.CertificateSubmitted().get_logs(
            from_block=first_block,
            argument_filters={"nodeId": rec.node_id, "epochStart": rec.epoch_start_s})
        if logs:
            receipt = self.w3.eth.get_transaction_receipt(logs[0].transactionHash)
            return self._confirm(rec, receipt, note="already on-chain (reconciled)")
        self.store.update_epoch(rec.epoch_start_s, state="failed",
                                last_error="a later epoch is already certified on-chain; "
                                           "this one can no longer be submitted")
        self.metrics.epochs_failed.inc()
        event(log, "epoch overtaken", logging.ERROR, epoch_start_s=rec.epoch_start_s)
        return "failed"

    def _confirm(self, rec: EpochRecord, receipt: Any, note: str = "") -> str:
        cert_id = None
        if receipt is not None:
            from web3.logs import DISCARD

            evs = self.client.green_proof.events.CertificateSubmitted().process_receipt(
                receipt, errors=DISCARD)
            cert_id = int(evs[0].args["certificateId"]) if evs else None
        self.store.update_epoch(rec.epoch_start_s, state="confirmed", certificate_id=cert_id,
                                last_error=note)
        self.metrics.epochs_submitted.inc()
        self.metrics.last_submission.set(self.clock())
        event(log, "certificate confirmed", epoch_start_s=rec.epoch_start_s,
              certificate_id=cert_id, tx_hash=rec.tx_hash, note=note)
        return "confirmed"
