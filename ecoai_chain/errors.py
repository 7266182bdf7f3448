"""One error tree for the whole product.

The CLI turns any `EcoAIError` into one clear line and a non-zero exit; anything else is a
bug and keeps its traceback. Vendor errors are translated at the adapter boundary with
``raise ... from e``. Errors about bad values also subclass `ValueError`.
"""

from __future__ import annotations


class EcoAIError(Exception):
    """Root of every error the product raises on purpose."""


class ConfigError(EcoAIError, ValueError):
    """A setting, flag or file has a bad value; the message names it and why."""


class ValidationError(EcoAIError, ValueError):
    """An input value is out of range or malformed; the message names the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ToolchainError(EcoAIError):
    """A required external tool (node, anvil, snarkjs, circom) is missing or failed."""


class SourceError(EcoAIError):
    """An energy or work source could not produce a reading."""


class NvmlError(SourceError):
    """An NVML call failed; ``code`` is pynvml's constant name (``NVML_ERROR_NOT_SUPPORTED``)."""

    def __init__(self, call: str, device: str, code: str, detail: str = "") -> None:
        self.call, self.device, self.code = call, device, code
        super().__init__(f"NVML {call} failed for GPU {device}: {code}"
                         + (f" ({detail})" if detail else ""))


class ProofError(EcoAIError):
    """Witness generation, proving or proof parsing failed."""


class ChainError(EcoAIError):
    """The chain could not be reached or a transaction failed."""


class ContractRevert(ChainError):
    """A contract call reverted with a decoded custom error ``name(args)``."""

    def __init__(self, name: str, args: tuple | dict = ()) -> None:
        self.name = name
        self.args_ = args
        super().__init__(f"{name}{tuple(args) if not isinstance(args, dict) else args}")


class UnknownCertificate(ContractRevert):
    """No certificate ``certificate_id``: GreenProof's ``GreenProofUnknownCertificate(id)``,
    raised as well when no CertificateSubmitted log of that id is found from the deployment
    block (the certificate's record lives in that log); ``detail`` says which."""

    def __init__(self, certificate_id: int, detail: str = "") -> None:
        super().__init__("GreenProofUnknownCertificate", (certificate_id,))
        self.certificate_id = certificate_id
        self.detail = detail

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}: {self.detail}" if self.detail else base


class CertificateRecordMismatch(ChainError):
    """A record read for certificate ``certificate_id`` (from a CertificateSubmitted log) is
    not what GreenProof holds for it: the word at the record's node and epoch (``recordOf``)
    is another certificate's, empty, or holds another hash. ``detail`` says which."""

    def __init__(self, certificate_id: int, detail: str) -> None:
        super().__init__(f"certificate {certificate_id}: {detail}")
        self.certificate_id = certificate_id
        self.detail = detail


class KeystoreError(EcoAIError):
    """A keystore is missing, unreadable, has unsafe permissions or a wrong password."""


class StoreError(EcoAIError):
    """The agent database is unreadable, corrupt, or would be made inconsistent."""


class RpcError(ChainError):
    """A JSON-RPC call returned an error object: ``method failed: code message``."""

    def __init__(self, method: str, code: int, message: str) -> None:
        self.method, self.code, self.message = method, code, message
        super().__init__(f"{method} failed: {code} {message}")


class ReorgTooDeep(ChainError):
    """The chain replaced more blocks than the indexer keeps hashes for: reindex."""


class IndexerStopped(EcoAIError):
    """A stop (SIGTERM) arrived during the indexer's backfill: it leaves after the range just
    applied. Raised and caught inside `ecoai indexer run`; never shown as a failure."""


class ChildExited(EcoAIError):
    """A supervised process exited while it should have been running."""


class InvalidPoint(ProofError, ValueError):
    """A proof or key coordinate is not a valid curve point (off-curve, out of range, ...)."""


class UnindexableLog(EcoAIError):
    """A log of a followed contract that cannot be decoded or stored; the indexer quarantines
    it with this reason and goes on."""


class GovernanceError(ContractRevert):
    """A Governor or timelock revert explained for a DAO member: the state the proposal is in
    and what can be done now. ``name`` / ``args_`` keep the decoded custom error."""

    def __init__(self, name: str, args: tuple, explanation: str) -> None:
        super().__init__(name, args)
        self.explanation = explanation

    def __str__(self) -> str:
        return f"{self.explanation} [{self.name}]"


class ConflictError(EcoAIError):
    """A resource that may be written once already holds different content (HTTP 409)."""


class RelayRefused(EcoAIError):
    """The relayer refuses an item; ``field`` names what is wrong and ``status`` is the HTTP
    status it answers with (400s: the poster's mistake, never the relayer's)."""

    def __init__(self, field: str, reason: str, status: int = 422) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.status = field, reason, status


class RelayUnavailable(EcoAIError):
    """No configured relayer answered usefully (unreachable, 5xx, refused, or too slow)."""


class RpcUnavailable(ChainError):
    """The node could not be reached or did not answer in time (connection refused, timeout,
    HTTP 5xx): nothing was decided, the same request may be retried as it is."""


class TxRejected(RpcError):
    """The node refused a transaction (JSON-RPC error ``code``, the node's ``message``).

    Subclasses name the refusals the submitter acts on; `ecoai_chain.chain.node_errors` is the
    one place that maps a node's answer onto them. ``tx_hash`` is the refused transaction's.
    """

    def __init__(self, message: str, code: int = 0, tx_hash: str = "",
                 method: str = "eth_sendRawTransaction") -> None:
        super().__init__(f"{method} {tx_hash}" if tx_hash else method, code, message)
        self.node_message, self.tx_hash = message, tx_hash


class TxAlreadyKnown(TxRejected):
    """The very same transaction (same hash) is already in the node's pool: harmless."""


class NonceTooLow(TxRejected):
    """The sender's nonce was consumed already: by this transaction, a replacement, or another."""


class ReplacementUnderpriced(TxRejected):
    """Another transaction holds this nonce in the pool and this one does not outbid it by the
    node's minimum replacement bump."""


class FeeTooLow(TxRejected):
    """The transaction's max fee per gas is below the block base fee (or the pool's minimum)."""


class InsufficientFunds(TxRejected):
    """The sender cannot pay gas x max fee + value: fund the account."""


class FeeCapReached(ChainError):
    """The fee the transaction needs exceeds the configured maximum fee per gas."""

    def __init__(self, needed_wei: int, cap_wei: int) -> None:
        self.needed_wei, self.cap_wei = needed_wei, cap_wei
        super().__init__(f"the transaction needs a max fee of {needed_wei} wei/gas, above the "
                         f"configured cap of {cap_wei} wei/gas (submit_max_fee_gwei): waiting "
                         "for the base fee to fall")


class ChallengeAnswerError(EcoAIError):
    """The agent cannot build a challenge answer from its store (windows missing or altered):
    an alert, never a silent failure."""
