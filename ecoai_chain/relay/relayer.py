"""The relayer's work: admit posted items, batch them, land them, say where each one stands.

`Relayer.accept` checks an item at the edge, cheapest first, each refusal a `RelayRefused`
naming the field: malformed fields (422); a signature that does not recover to the node's
registered attestor, on chain (401); an unknown (404) or inactive (403) node; an epoch
already certified on chain (409); a proof that fails Groth16 verification (422: on chain by
eth_call, or locally; see `ecoai_chain.relay.proofcheck`). The
same item posted again returns its row unchanged (idempotent); a different item for an epoch
already queued is a conflict (409). A refused row is kept only once the poster proved it is
the node's attestor (so strangers cannot fill the table), and only the latest
``refused_kept_per_node`` of a node (so its attestor cannot either); its (node, epoch) may be
posted again, corrected.

`Relayer.tick` is the worker's step: reconcile sent batches from their receipts, then send
one batch when ``max_batch_size`` items wait or the oldest has waited ``max_age_s``. Before
sending, each item is re-checked against ``certificateOf`` (front-run -> ``skipped``) and
its submission deadline (under ``deadline_margin_s`` away -> refused), and the batch is
simulated (eth_call): an item the contract would skip (id 0) is dropped -- refused with the
reason ``checkCertificate`` gives (or the invalid proof), or kept queued if the reason is a
"not yet" -- and the next item taken in its place; items waiting on a "not yet" go behind the
fresh ones, so they never hold them back. Whatever changes between the simulation and the
block (an item landed by someone else, a node suspended) the contract itself skips, naming
the item and its error (``BatchItemSkipped(index, reason)``): the other items land, and each
skipped one is reported from the receipt -- ``skipped`` if its epoch was certified, queued
again on a "not yet", else refused with the reason. Transactions are signed
with the relayer's own key and committed before broadcast; one whose max fee falls below the
base fee is replaced at its nonce with both fees bumped (`FeePolicy`), and whichever of them
is mined counts.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ecoai_chain.chain.eip712 import recover_certificate_signer
from ecoai_chain.chain.fees import FeePolicy, Fees
from ecoai_chain.core.certificate import Certificate
from ecoai_chain.errors import (
    ContractRevert,
    FeeCapReached,
    NonceTooLow,
    RelayRefused,
    TxAlreadyKnown,
    ValidationError,
)
from ecoai_chain.relay.proofcheck import ProofCheck, make_proof_check
from ecoai_chain.relay.store import BatchTx, RelayItem, RelayStore
from ecoai_chain.relay.wire import parse_item
from ecoai_chain.zk.verifier import VerifyingKey

log = logging.getLogger("ecoai.relay")

NODE_ACTIVE = 1  # IGreenProof.NodeStatus.Active
# Reverts that mean "not yet": the item stays queued for a later batch.
WAITING_REVERTS = {"GreenProofEpochNotFinished", "GreenProofIntensityUnset",
                   "GreenProofUnknownWorkloadClass", "EnforcedPause"}
WAITING = "waiting: "  # the reason of a queued item a simulation found not landable yet


def _same(row: RelayItem, body: dict, cert: Certificate) -> bool:
    """Whether ``body`` is the item ``row`` already holds. A queued (or later) row was admitted
    with a valid proof, so the same certificate is the same item whatever proof or signature
    encoding comes with it: anyone can re-randomise a Groth16 proof (or re-sign nothing: the
    signature is over the certificate), and a stranger posting such a copy first must not
    make the attestor's own post a conflict. A refused row is the same only byte for byte (a
    corrected proof is posted again to be checked)."""
    kept = json.loads(row.body_json)
    if row.state == "refused":
        return kept == body
    return parse_item(kept)[0].struct() == cert.struct()


class Relayer:
    def __init__(self, store: RelayStore, client: Any, vkey: VerifyingKey, *,
                 max_batch_size: int = 32, max_age_s: float = 30.0,
                 fee_policy: FeePolicy | None = None, engine: str = "fast",
                 refused_kept_per_node: int = 64, deadline_margin_s: int = 600,
                 proof_check: str | ProofCheck = "chain",
                 clock: Callable[[], float] = time.time) -> None:
        if max_batch_size < 1:
            raise ValidationError("max_batch_size", "must be >= 1")
        self.store, self.client, self.vkey, self.engine = store, client, vkey, engine
        self.max_batch_size, self.max_age_s, self.clock = max_batch_size, max_age_s, clock
        self.refused_kept_per_node = refused_kept_per_node
        self.deadline_margin_s = deadline_margin_s
        self.fee_policy = fee_policy or FeePolicy(max_fee_per_gas_wei=500 * 10**9)
        self.proof_check = (make_proof_check(proof_check, client, vkey, engine)
                            if isinstance(proof_check, str) else proof_check)
        self._lock = threading.Lock()
        dep = client.deployment
        self._domain = (dep.chain_id, dep.green_proof)

    # ------------------------------------------------------------------ admission
    def accept(self, body: Any) -> RelayItem:
        """Queue a posted item (or return its existing row); `RelayRefused` otherwise."""
        try:
            cert, proof, signature = parse_item(body)
            signer = recover_certificate_signer(*self._domain, cert, signature)
        except ValidationError as e:
            raise RelayRefused(e.field, e.reason, 401 if e.field == "signature" else 422) from e
        key = (cert.node_id, cert.epoch_start_s)
        with self._lock:
            row = self.store.get(*key)
            if row is not None and _same(row, body, cert):
                return row  # idempotent: the same item again
            if row is not None and row.state != "refused":
                raise RelayRefused("epoch_start_s", f"node {key[0]} epoch {key[1]} is already "
                                   f"{row.state} here with a different certificate", 409)
        self._check_node(cert, signer)
        new = RelayItem(node_id=key[0], epoch_start_s=key[1], state="queued",
                        body_json=json.dumps(body), signer=signer,
                        created_s=int(self.clock()))
        try:
            landed = self.client.certificate_of(*key)
            if landed:
                raise RelayRefused("epoch_start_s", f"already certified on chain (certificate "
                                   f"{landed})", 409)
            if not self.proof_check(proof, cert.public_signals()):
                raise RelayRefused("proof", "fails Groth16 verification for these public "
                                   "signals", 422)
        except RelayRefused as e:  # authenticated: keep the reason for GET
            new.state, new.reason = "refused", str(e)
            with self._lock:
                if self._replaceable(key):
                    self.store.put(new)
                    # the latest few only: an attestor cannot grow the table epoch by epoch
                    self.store.prune_refused(key[0], self.refused_kept_per_node)
            raise
        with self._lock:
            if not self._replaceable(key):  # a concurrent post of the same epoch won
                row = self.store.get(*key)
                if _same(row, body, cert):
                    return row
                raise RelayRefused("epoch_start_s", "already queued with a different "
                                   "certificate", 409)
            return self.store.put(new)

    def _replaceable(self, key: tuple[int, int]) -> bool:
        row = self.store.get(*key)
        return row is None or row.state == "refused"

    def _check_node(self, cert: Certificate, signer: str) -> None:
        try:
            node = self.client.get_node(cert.node_id)
        except ContractRevert as e:
            raise RelayRefused("node_id", f"unknown node {cert.node_id} ({e.name})", 404) from e
        if int(node["operator"], 16) == 0:
            raise RelayRefused("node_id", f"unknown node {cert.node_id}", 404)
        if node["attestor"].lower() != signer.lower():
            raise RelayRefused("signature", f"signed by {signer}, but node {cert.node_id}'s "
                               f"attestor is {node['attestor']}", 401)
        if int(node["status"]) != NODE_ACTIVE:
            raise RelayRefused("node_id", f"node {cert.node_id} is not active (status "
                               f"{int(node['status'])})", 403)

    # ------------------------------------------------------------------ status
    def status(self, node_id: int, epoch_start_s: int) -> RelayItem | None:
        return self.store.get(node_id, epoch_start_s)

    def counts(self) -> dict[str, Any]:
        counts = self.store.counts()
        batches = self.store.batches()
        return {"items": {s: counts.get(s, 0) for s in
                          ("queued", "submitted", "landed", "skipped", "refused")},
                "batches": {"sent": len(batches),
                            "mined": sum(b.state == "mined" for b in batches),
                            "reverted": sum(b.state == "reverted" for b in batches)},
                "gas_used": sum(b.gas_used or 0 for b in batches),
                "relayer": self.client.account.address, "proofs": self.proof_check.stats(),
                "max_batch_size": self.max_batch_size, "max_age_s": self.max_age_s}

    # ------------------------------------------------------------------ the worker
    def tick(self) -> str | None:
        """Reconcile sent batches, then send one batch if one is due; its tx hash, if sent."""
        with self._lock:
            self._reconcile()
            queued = self.store.items("queued")
            if not queued or not self._due(queued):
                return None
            return self._send(self._candidates(queued))

    @staticmethod
    def _candidates(queued: list[RelayItem]) -> list[RelayItem]:
        """Fresh items oldest first, then the waiting ones least recently tried first: items
        that cannot land yet (an operator can sign any number of them) never stand in front
        of the others."""
        fresh = [r for r in queued if not r.reason.startswith(WAITING)]
        waiting = sorted((r for r in queued if r.reason.startswith(WAITING)),
                         key=lambda r: (r.updated_s, r.created_s))
        return fresh + waiting

    def _due(self, queued: list[RelayItem]) -> bool:
        if self.store.batches("sent"):
            return False  # one batch in flight at a time: its nonce is settled first
        return (len(queued) >= self.max_batch_size
                or self.clock() - queued[0].created_s >= self.max_age_s)

    def _parts(self, rows: list[RelayItem]) -> tuple[list, list, list]:
        items = [parse_item(json.loads(r.body_json)) for r in rows]
        return ([c for c, _, _ in items], [p for _, p, _ in items], [s for _, _, s in items])

    def _send(self, candidates: list[RelayItem]) -> str | None:
        """Fill a batch from ``candidates`` in order, each item that would revert dropped and
        the next one taken in its place -- at most ``max_batch_size`` replacements a tick, so
        the RPC work one tick spends on bad items is bounded -- then sign and send it."""
        pending, rows, refills = iter(candidates), [], self.max_batch_size
        now_s = int(self.client.w3.eth.get_block("latest")["timestamp"])
        while True:
            while len(rows) < self.max_batch_size and refills >= 0:
                row = next(pending, None)
                if row is None:
                    break
                if not self._front_run(row) and not self._closing(row, now_s):
                    rows.append(row)
            if not rows:
                return None
            certs, proofs, sigs = self._parts(rows)
            try:
                ids = self.client.simulate_batch(certs, proofs, sigs)
            except ContractRevert as e:
                log.warning("batch simulation failed: %s; keeping %d items queued", e,
                            len(rows))
                return None  # paused, or the relayer's own problem: nothing is the items'
            bad = [k for k, cert_id in enumerate(ids) if cert_id == 0]
            if not bad:
                break
            for k in reversed(bad):  # indices stay valid while dropping from the end
                rows = self._drop(rows, k, self._why_skipped(certs[k], sigs[k]))
            refills -= len(bad)
        nonce = self.client.account_nonce(pending=True)
        fees = self.fee_policy.initial(*self.client.fee_quote())
        tx = self._sign(rows, nonce, fees)
        log.info("batch sent: %s (%d certificates, nonce %d)", tx.tx_hash, len(rows), nonce)
        return tx.tx_hash

    def _sign(self, rows: list[RelayItem], nonce: int, fees: Fees,
              replaces: str | None = None) -> Any:
        """Sign the batch of ``rows``, commit it, then broadcast it."""
        tx = self.client.build_batch_tx(*self._parts(rows), nonce=nonce, fees=fees)
        self.store.record_batch(
            BatchTx(tx_hash=tx.tx_hash, nonce=nonce, raw_tx=tx.raw_tx.hex(), size=len(rows),
                    max_fee_per_gas_wei=fees.max_fee_per_gas_wei,
                    max_priority_fee_per_gas_wei=fees.max_priority_fee_per_gas_wei),
            [(r.node_id, r.epoch_start_s) for r in rows], replaces=replaces)
        self._broadcast(tx.raw_tx)
        return tx

    def _push(self, batch: BatchTx, rows: list[RelayItem]) -> None:
        """Rebroadcast a pending batch as it is, or replace it at its nonce with bumped fees
        once its max fee is below the base fee (it could never be mined)."""
        base_fee_wei, tip_wei = self.client.fee_quote()
        if batch.max_fee_per_gas_wei >= base_fee_wei:
            self._broadcast(bytes.fromhex(batch.raw_tx))  # pending, or lost by a restart
            return
        prev = Fees(batch.max_fee_per_gas_wei, batch.max_priority_fee_per_gas_wei)
        try:
            fees = self.fee_policy.replacement(prev, base_fee_wei, tip_wei)
            tx = self._sign(rows, batch.nonce, fees, replaces=batch.tx_hash)
        except (FeeCapReached, ContractRevert) as e:  # wait: the old one may still land
            log.warning("batch %s not replaced: %s", batch.tx_hash, e)
            return
        log.warning("stuck batch %s replaced by %s (max fee %d wei/gas)", batch.tx_hash,
                    tx.tx_hash, fees.max_fee_per_gas_wei)

    def _landed_at_nonce(self, batch: BatchTx) -> tuple[str, Any] | None:
        """The mined outcome of ``batch`` or of a batch it replaced (same nonce)."""
        for b in (batch, *(old for old in self.store.batches("replaced")
                           if old.nonce == batch.nonce)):
            found = self.client.batch_outcome(b.tx_hash)
            if found is not None:
                return b.tx_hash, found
        return None

    def _front_run(self, row: RelayItem) -> bool:
        landed = self.client.certificate_of(row.node_id, row.epoch_start_s)
        if landed:
            self.store.update(row.node_id, row.epoch_start_s, state="skipped",
                              certificate_id=landed,
                              reason="landed by someone else before this relayer sent it")
        return bool(landed)

    def _closing(self, row: RelayItem, now_s: int) -> bool:
        """Refuse an item whose submission deadline is under ``deadline_margin_s`` away: it
        would pass the simulation and revert the whole batch if mined after it (an attestor
        can time that for free); its attestor can still send it alone."""
        closes_s = self.client.submission_deadline_s(row.epoch_start_s)
        if closes_s - now_s >= self.deadline_margin_s:
            return False
        self.store.update(row.node_id, row.epoch_start_s, state="refused",
                          reason=f"its submission deadline ({closes_s}) is under "
                                 f"{self.deadline_margin_s} s away: too near to batch")
        return True

    def _why_skipped(self, cert: Certificate, signature: bytes) -> ContractRevert:
        """Why the simulation skipped an item: its check's error, else its proof."""
        found = self.client.check_item(cert, signature)
        return found if found is not None else ContractRevert("GreenProofInvalidProof", ())

    def _drop(self, rows: list[RelayItem], index: int, inner: ContractRevert
              ) -> list[RelayItem]:
        row = rows[index]
        rest = rows[:index] + rows[index + 1:]
        if not self._front_run(row):
            self._settle_skipped(row, inner, "the contract would skip it")
        return rest

    def _settle_skipped(self, row: RelayItem, why: ContractRevert, what: str,
                        **fields: Any) -> None:
        """A "not yet" stays queued (behind the fresh items); anything else is refused."""
        if why.name in WAITING_REVERTS:
            self.store.update(row.node_id, row.epoch_start_s, state="queued", tx_hash="",
                              reason=f"{WAITING}{why}")
        else:
            self.store.update(row.node_id, row.epoch_start_s, state="refused",
                              reason=f"{what}: {why}", **fields)

    def _broadcast(self, raw_tx: bytes) -> None:
        try:
            self.client.send_raw(raw_tx)
        except (TxAlreadyKnown, NonceTooLow):
            return  # already pooled, or mined: the receipt settles it

    def _reconcile(self) -> None:
        for batch in self.store.batches("sent"):
            rows = self.store.items(tx_hash=batch.tx_hash)
            # The nonce first, then the receipt: a batch mined in between is found, never
            # taken for one whose nonce went to another transaction.
            if self.client.account_nonce() <= batch.nonce:
                self._push(batch, rows)
                continue
            landing = self._landed_at_nonce(batch)
            if landing is None:
                self._requeue(batch, rows, "its nonce was used by another transaction")
                continue
            tx_hash, (receipt, outcome) = landing
            if not receipt.succeeded:
                self._requeue(batch, rows, f"batch {tx_hash} reverted", "reverted")
                continue
            if tx_hash != batch.tx_hash:  # the one it replaced was mined instead
                self.store.set_batch(batch.tx_hash, state="dropped")
            self.store.set_batch(tx_hash, state="mined", gas_used=self._gas_used(tx_hash))
            for i, row in enumerate(self._batch_order(tx_hash, rows)):
                item = outcome[i]
                if item.landed or item.epoch_taken:
                    self.store.update(row.node_id, row.epoch_start_s,
                                      state="landed" if item.landed else "skipped",
                                      certificate_id=item.certificate_id, tx_hash=tx_hash,
                                      reason="" if item.landed else
                                      "landed by someone else meanwhile")
                else:  # skipped by the contract: the others landed all the same
                    self._settle_skipped(row, item.skipped, f"batch {tx_hash} skipped it",
                                         tx_hash=tx_hash)

    def _requeue(self, batch: BatchTx, rows: list[RelayItem], why: str,
                 state: str = "dropped") -> None:
        self.store.set_batch(batch.tx_hash, state=state)
        for row in rows:  # the next simulation sorts them (front-run, refused or good)
            self.store.update(row.node_id, row.epoch_start_s, state="queued", tx_hash="",
                              reason=why)

    def _gas_used(self, tx_hash: str) -> int:
        return int(self.client.w3.eth.get_transaction_receipt(tx_hash)["gasUsed"])

    def _batch_order(self, tx_hash: str, rows: list[RelayItem]) -> list[RelayItem]:
        """The items in the order the transaction carries them (its calldata)."""
        tx = self.client.w3.eth.get_transaction(tx_hash)
        _fn, args = self.client.green_proof.decode_function_input(tx["input"])
        by_key = {(r.node_id, r.epoch_start_s): r for r in rows}
        certs = [Certificate.from_mapping(c) if isinstance(c, dict) else c for c in args["certs"]]
        return [by_key[(int(c.node_id), int(c.epoch_start_s))] if isinstance(c, Certificate)
                else by_key[(int(c[0]), int(c[1]))] for c in certs]
