"""Signing and sending transactions with a local key (web3 + eth-account), and deployment."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from ecoai_chain.chain.artifacts import Artifact
from ecoai_chain.errors import ChainError


def gas_limit(estimate: int) -> int:
    """The gas limit to send for an ``eth_estimateGas`` result.

    Nodes estimate against the latest block, but the transaction runs in a new one, where
    writes can cost more: ERC20Votes pushes a new checkpoint (a fresh storage slot, +~22k)
    instead of updating the current block's. A mint estimated at 50k used 72k on anvil; the
    fixed term covers that, the proportional one covers larger state-dependent paths.
    """
    return int(estimate * 1.25) + 40_000


def send_tx(w3: Web3, account: LocalAccount, tx: dict[str, Any], *, gas: int | None = None,
            timeout_s: float = 120) -> Any:
    """Fill nonce, gas and fees, sign locally, send, wait for the receipt; raise on a revert.

    Gas is estimated here (any ``gas`` that ``build_transaction`` filled in is its bare
    estimate and is replaced) and padded by `gas_limit`, unless ``gas`` is given explicitly.
    """
    tx = dict(tx)
    tx.pop("gas", None)
    tx.setdefault("from", account.address)
    tx.setdefault("chainId", w3.eth.chain_id)
    tx.setdefault("nonce", w3.eth.get_transaction_count(account.address, "pending"))
    tx["gas"] = gas if gas is not None else gas_limit(w3.eth.estimate_gas(tx))
    if "maxFeePerGas" not in tx and "gasPrice" not in tx:
        base = w3.eth.get_block("latest").get("baseFeePerGas", 0)
        tip = w3.eth.max_priority_fee
        tx["maxPriorityFeePerGas"] = tip
        tx["maxFeePerGas"] = 2 * base + tip
    signed = account.sign_transaction(tx)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout_s)
    if receipt["status"] != 1:
        raise ChainError(f"transaction {tx_hash.hex()} reverted (block {receipt['blockNumber']})")
    return receipt


def deploy(w3: Web3, account: LocalAccount, artifact: Artifact, *args: Any) -> Contract:
    """Deploy ``artifact`` with constructor ``args``; returns the bound contract."""
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    tx = factory.constructor(*args).build_transaction({"from": account.address})
    receipt = send_tx(w3, account, tx)
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)
