"""What an outbox needs from the chain, as `GreenProofClient` methods (mixed in from here).

The attestor's submitter signs a certificate transaction, commits it, broadcasts it, and later
asks which of its transactions landed -- possibly after a crash, possibly replaced at the
same nonce with a higher fee. These methods give it exactly that, in our types: `SignedTx`,
`TxReceipt`, named errors (`ecoai_chain.chain.node_errors`), never a raw web3 object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecoai_chain.chain.fees import Fees
from ecoai_chain.chain.node_errors import node_call
from ecoai_chain.chain.tx import gas_limit
from ecoai_chain.errors import ChainError, ContractRevert

EPOCH_CERTIFIED = "GreenProofEpochAlreadyCertified"  # (nodeId, epochStart, certificateId)


@dataclass(frozen=True)
class SignedTx:
    """A signed, not necessarily sent, transaction: broadcast ``raw_tx`` as it is."""

    tx_hash: str  # 0x-prefixed hex
    raw_tx: bytes
    nonce: int
    gas: int
    fees: Fees

    @classmethod
    def from_raw(cls, raw_tx: bytes) -> SignedTx:
        """Read hash, nonce, gas and fees back from signed bytes (type-2 or legacy)."""
        from eth_account.typed_transactions import TypedTransaction
        from eth_utils import keccak
        from hexbytes import HexBytes

        raw = bytes(raw_tx)
        if raw and raw[0] == 2:
            d = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
            fees = Fees(int(d["maxFeePerGas"]), int(d["maxPriorityFeePerGas"]))
        else:  # legacy: gasPrice is both the cap and the tip
            import rlp

            nonce_b, price_b, gas_b = rlp.decode(raw)[:3]
            d = {"nonce": int.from_bytes(nonce_b, "big"), "gas": int.from_bytes(gas_b, "big")}
            price = int.from_bytes(price_b, "big")
            fees = Fees(price, price)
        return cls(_hex(keccak(raw)), raw, int(d["nonce"]), int(d["gas"]), fees)


@dataclass(frozen=True)
class TxReceipt:
    tx_hash: str
    block_number: int
    succeeded: bool
    certificate_id: int | None  # from its CertificateSubmitted event, if it emitted one


@dataclass(frozen=True)
class BatchItemOutcome:
    """What ``submitCertificates`` did with one item: landed as ``certificate_id``, or skipped
    (``BatchItemSkipped``) with the contract's decoded reason; for an epoch certified already
    (a front-run copy, or an earlier item of the batch), ``certificate_id`` is that one."""

    certificate_id: int | None
    skipped: ContractRevert | None = None

    @property
    def landed(self) -> bool:
        return self.skipped is None

    @property
    def epoch_taken(self) -> bool:
        return self.skipped is not None and self.skipped.name == EPOCH_CERTIFIED


def _hex(b: Any) -> str:
    return "0x" + bytes(b).hex().removeprefix("0x")


class CertificateSubmission:
    """Mixed into `GreenProofClient` (needs ``w3``, ``account``, ``green_proof``,
    ``deployment``, ``_revert`` and `ChainReads.events`)."""

    w3: Any
    account: Any
    green_proof: Any
    deployment: Any
    decoder: Any

    def _revert(self, exc: BaseException) -> ChainError:  # pragma: no cover - see client
        raise NotImplementedError

    def _sender(self) -> str:
        if self.account is None:
            raise ChainError("this client has no account: pass one to GreenProofClient(...)")
        return self.account.address

    # ------------------------------------------------------------------ chain state
    def block_number(self) -> int:
        with node_call("eth_blockNumber"):
            return int(self.w3.eth.block_number)

    def account_nonce(self, pending: bool = False) -> int:
        """The account's next nonce counting mined transactions (or also pooled ones)."""
        sender = self._sender()
        with node_call("eth_getTransactionCount"):
            return int(self.w3.eth.get_transaction_count(sender,
                                                         "pending" if pending else "latest"))

    def fee_quote(self) -> tuple[int, int]:
        """(base fee of the next block, suggested priority fee), wei per gas."""
        with node_call("eth_getBlockByNumber"):
            block = self.w3.eth.get_block("pending")
            base = block.get("baseFeePerGas")
            if base is None:  # nodes without a pending block: the latest one's
                base = self.w3.eth.get_block("latest").get("baseFeePerGas", 0)
        with node_call("eth_maxPriorityFeePerGas"):
            tip = int(self.w3.eth.max_priority_fee)
        return int(base), tip

    # ------------------------------------------------------------------ build, send
    def build_certificate_tx(self, cert: dict[str, Any], proof: Any, signature: bytes, *,
                             nonce: int, fees: Fees) -> SignedTx:
        """Estimate gas (a revert surfaces here as `ContractRevert`) and sign; sends nothing."""
        from ecoai_chain.chain.client import certificate_tuple, proof_struct

        fn = self.green_proof.functions.submitCertificate(
            certificate_tuple(cert), proof_struct(proof), bytes(signature))
        return self.sign_call(fn, nonce=nonce, fees=fees)

    def _batch_fn(self, certs: list[Any], proofs: list[Any], signatures: list[bytes]) -> Any:
        from ecoai_chain.chain.client import certificate_tuple, proof_struct

        return self.green_proof.functions.submitCertificates(
            [certificate_tuple(c) for c in certs], [proof_struct(p) for p in proofs],
            [bytes(s) for s in signatures])

    def simulate_batch(self, certs: list[Any], proofs: list[Any],
                       signatures: list[bytes]) -> list[int]:
        """eth_call ``submitCertificates`` from our account against the latest state: the id
        each item would get, 0 for an item the contract would skip (`check_item` says why);
        a revert of the whole call (paused, malformed) raises `ContractRevert`. Sends nothing."""
        from web3.exceptions import ContractLogicError

        fn = self._batch_fn(certs, proofs, signatures)
        try:
            with node_call("eth_call submitCertificates"):
                return [int(i) for i in fn.call({"from": self._sender()})]
        except ContractLogicError as e:
            raise self._revert(e) from e

    def check_item(self, cert: Any, signature: bytes) -> ContractRevert | None:
        """eth_call ``checkCertificate``: the error ``submitCertificate`` would revert with
        before its proof check (node, epoch, physics, signature...), or None if it passes."""
        from web3.exceptions import ContractLogicError

        from ecoai_chain.chain.client import certificate_tuple

        fn = self.green_proof.functions.checkCertificate(certificate_tuple(cert), bytes(signature))
        try:
            with node_call("eth_call checkCertificate"):
                fn.call({"from": self._sender()})
        except ContractLogicError as e:
            err = self._revert(e)
            if isinstance(err, ContractRevert):
                return err
            raise err from e
        return None

    def build_batch_tx(self, certs: list[Any], proofs: list[Any], signatures: list[bytes], *,
                       nonce: int, fees: Fees) -> SignedTx:
        """`build_certificate_tx` for ``submitCertificates``: estimated and signed, not sent."""
        return self.sign_call(self._batch_fn(certs, proofs, signatures), nonce=nonce, fees=fees)

    def batch_outcome(self, tx_hash: str) -> tuple[TxReceipt, dict[int, BatchItemOutcome]] | None:
        """For a mined ``submitCertificates`` transaction: its receipt and, per batch index,
        its `BatchItemOutcome` (empty if the transaction reverted); None while it is pending
        or unknown."""
        r = self._mined(tx_hash)
        if r is None:
            return None
        receipt = self._receipt(r)
        return receipt, (self.batch_items(r) if receipt.succeeded else {})

    def batch_items(self, r: Any) -> dict[int, BatchItemOutcome]:
        """Per batch index, the outcome read from a mined batch's events (web3 receipt)."""
        from web3.logs import DISCARD

        events = self.green_proof.events
        skipped = {int(e.args["index"]): self._skip_reason(bytes(e.args["reason"]))
                   for e in events.BatchItemSkipped().process_receipt(r, errors=DISCARD)}
        landed = [int(e.args["certificateId"])
                  for e in events.CertificateSubmitted().process_receipt(r, errors=DISCARD)]
        new = iter(landed)  # in batch order, the items that were not skipped
        out = {}
        for i in range(len(skipped) + len(landed)):
            why = skipped.get(i)
            if why is None:
                out[i] = BatchItemOutcome(next(new))
            else:
                taken = why.name == EPOCH_CERTIFIED and len(why.args_) == 3
                out[i] = BatchItemOutcome(int(why.args_[2]) if taken else None, why)
        return out

    def _skip_reason(self, data: bytes) -> ContractRevert:
        decoded = self.decoder.decode(data)  # every GreenProof error is known to the decoder
        if decoded is not None:
            return decoded
        return ContractRevert("unknown error", ("0x" + data.hex(),))

    def sign_call(self, fn: Any, *, nonce: int, fees: Fees) -> SignedTx:
        """Estimate gas for the bound contract call ``fn`` from our account (a revert surfaces
        here as `ContractRevert`, decoded with every error this client knows) and sign it as a
        type-2 transaction at ``nonce`` and ``fees``; sends nothing."""
        from web3.exceptions import ContractLogicError

        with node_call("eth_chainId"):
            chain_id = self.w3.eth.chain_id
        params = {"from": self._sender(), "nonce": nonce, "chainId": chain_id, "type": 2,
                  "maxFeePerGas": fees.max_fee_per_gas_wei,
                  "maxPriorityFeePerGas": fees.max_priority_fee_per_gas_wei}
        try:
            with node_call("eth_estimateGas"):
                tx = fn.build_transaction(params)
        except ContractLogicError as e:
            raise self._revert(e) from e
        tx["gas"] = gas_limit(tx["gas"])
        signed = self.account.sign_transaction(tx)
        return SignedTx(_hex(signed.hash), bytes(signed.raw_transaction), nonce, tx["gas"], fees)

    def send_raw(self, raw_tx: bytes, tx_hash: str = "") -> None:
        """Broadcast; a refusal raises its named `TxRejected` subclass (e.g. `TxAlreadyKnown`)."""
        from web3.exceptions import ContractLogicError

        try:
            with node_call("eth_sendRawTransaction", tx_hash):
                self.w3.eth.send_raw_transaction(bytes(raw_tx))
        except ContractLogicError as e:  # some nodes simulate on submission
            raise self._revert(e) from e

    # ------------------------------------------------------------------ find
    def receipt(self, tx_hash: str) -> TxReceipt | None:
        """The mined receipt of ``tx_hash``, or None while it is pending or unknown."""
        r = self._mined(tx_hash)
        return None if r is None else self._receipt(r)

    def _mined(self, tx_hash: str) -> Any:
        """web3's receipt of ``tx_hash`` once mined, else None."""
        from web3.exceptions import TransactionNotFound

        with node_call("eth_getTransactionReceipt", tx_hash):
            try:
                r = self.w3.eth.get_transaction_receipt(tx_hash)
            except TransactionNotFound:
                return None
        return None if r is None or r.get("blockNumber") is None else r

    def _receipt(self, r: Any) -> TxReceipt:
        from web3.logs import DISCARD

        events = self.green_proof.events.CertificateSubmitted().process_receipt(
            r, errors=DISCARD)
        cert_id = int(events[0].args["certificateId"]) if events else None
        return TxReceipt(_hex(r["transactionHash"]), int(r["blockNumber"]),
                         int(r["status"]) == 1, cert_id)

    def certificates_submitted(self, from_block: int | None = None,
                               to_block: int | str = "latest",
                               **filters: int) -> list[dict[str, Any]]:
        """``CertificateSubmitted`` events (see `ChainReads.events`); ``filters`` on the
        indexed keys (``nodeId``, ``epochStart``, ``certificateId``)."""
        return self.events("CertificateSubmitted", from_block, to_block, **filters)

    def find_certificate(self, node_id: int, epoch_start_s: int) -> TxReceipt | None:
        """The receipt of the transaction that certified ``(node_id, epoch_start_s)``, whoever
        sent it (``CertificateSubmitted`` indexes both keys), or None."""
        found = self.certificates_submitted(nodeId=node_id, epochStart=epoch_start_s)
        if not found:
            return None
        with node_call("eth_getTransactionReceipt"):
            return self._receipt(self.w3.eth.get_transaction_receipt(found[0]["tx_hash"]))
