"""Node and transport errors -> named `ChainError`s: the one place that reads a node's words.

JSON-RPC gives transaction-pool refusals no distinct codes: geth, reth and erigon answer
-32000 and anvil -32003 for all of them, and only the message tells "already known" from
"nonce too low". So the message is matched here, once, against the phrasings of the nodes
we run against (anvil's are checked by tests/chain/test_node_errors.py against a real anvil;
geth's come from its ``core/txpool`` errors), and every caller gets a type instead:

| node says (any of)                                   | error                      |
| ---------------------------------------------------- | -------------------------- |
| already known / already imported / known transaction | `TxAlreadyKnown`           |
| nonce too low / nonce has already been used          | `NonceTooLow`              |
| replacement transaction underpriced                  | `ReplacementUnderpriced`   |
| max fee per gas less than block base fee / fee cap   | `FeeTooLow`                |
|   less than block base fee / transaction underpriced |                            |
| insufficient funds                                   | `InsufficientFunds`        |
| anything else                                        | `TxRejected`               |

Connection failures, timeouts and HTTP errors become `RpcUnavailable`; a contract revert
(`ContractLogicError`) is left to `RevertDecoder` (it names the custom error).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ecoai_chain.errors import (
    ChainError,
    FeeTooLow,
    InsufficientFunds,
    NonceTooLow,
    ReplacementUnderpriced,
    RpcUnavailable,
    TxAlreadyKnown,
    TxRejected,
)

# Order matters: "replacement transaction underpriced" must win over "transaction underpriced".
_REFUSALS: tuple[tuple[type[TxRejected], tuple[str, ...]], ...] = (
    (TxAlreadyKnown, ("already known", "already imported", "known transaction")),
    (NonceTooLow, ("nonce too low", "nonce has already been used")),
    (ReplacementUnderpriced, ("replacement transaction underpriced", "replacement underpriced")),
    (FeeTooLow, ("less than block base fee", "transaction underpriced", "fee too low")),
    (InsufficientFunds, ("insufficient funds",)),
)


def rpc_error_object(exc: BaseException) -> tuple[int, str] | None:
    """(code, message) of the JSON-RPC error object a web3 exception carries, if any."""
    resp = getattr(exc, "rpc_response", None)
    err = resp.get("error") if isinstance(resp, dict) else None
    if isinstance(err, dict):
        return int(err.get("code", 0) or 0), str(err.get("message", ""))
    if exc.args and isinstance(exc.args[0], dict) and "message" in exc.args[0]:
        return int(exc.args[0].get("code", 0) or 0), str(exc.args[0]["message"])
    return None


def refusal(code: int, message: str, tx_hash: str = "",
            method: str = "eth_sendRawTransaction") -> TxRejected:
    """The named refusal for a node's (code, message) answer to ``method``."""
    low = message.lower()
    for cls, phrases in _REFUSALS:
        if any(p in low for p in phrases):
            return cls(message, code, tx_hash, method)
    return TxRejected(message, code, tx_hash, method)


def _is_transport(exc: BaseException) -> bool:
    import requests
    from web3.exceptions import ProviderConnectionError, TimeExhausted

    return isinstance(exc, requests.ConnectionError | requests.Timeout | requests.HTTPError
                      | ProviderConnectionError | TimeExhausted | ConnectionError
                      | TimeoutError)


def translate(exc: BaseException, what: str, tx_hash: str = "") -> ChainError:
    """The `ChainError` for a vendor exception raised while doing ``what``."""
    if isinstance(exc, ChainError):
        return exc
    if _is_transport(exc):
        return RpcUnavailable(f"{what}: node unreachable ({type(exc).__name__}: {exc})")
    obj = rpc_error_object(exc)
    if obj is not None:
        return refusal(obj[0], obj[1], tx_hash, what)
    return ChainError(f"{what} failed: {type(exc).__name__}: {exc}")


@contextmanager
def node_call(what: str, tx_hash: str = "") -> Iterator[None]:
    """``with node_call("eth_getTransactionReceipt"): ...`` -- vendor errors leave as ours.

    Only the vendor's error types are translated (web3's, requests', OS socket errors); a
    `ContractLogicError` is re-raised untouched (the caller decodes the revert) and anything
    else -- a bug -- keeps its type and traceback."""
    import requests
    from web3.exceptions import ContractLogicError, Web3Exception

    try:
        yield
    except ContractLogicError:
        raise
    except (Web3Exception, requests.RequestException, OSError) as e:
        raise translate(e, what, tx_hash) from e
