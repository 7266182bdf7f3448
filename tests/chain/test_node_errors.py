"""Node refusals arrive as named errors: checked against a real anvil's answers, and the
translation table against the phrasings of geth's transaction pool."""

from __future__ import annotations

import pytest
from eth_account import Account

from ecoai_chain.chain.fees import Fees
from ecoai_chain.chain.node_errors import refusal
from ecoai_chain.chain.submission import SignedTx
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

pytestmark = pytest.mark.chain
GWEI = 10**9


@pytest.fixture
def chain(anvil, w3, dev_accounts, deployment):
    from ecoai_chain.chain.client import GreenProofClient

    w3.provider.make_request("evm_setAutomine", [False])  # transactions wait in the pool
    return GreenProofClient(w3, deployment, dev_accounts[0])


def transfer(acct, nonce: int, max_fee: int, tip: int, value: int = 1) -> bytes:
    return bytes(acct.sign_transaction({
        "to": Account.create().address, "value": value, "gas": 21_000, "nonce": nonce,
        "maxFeePerGas": max_fee, "maxPriorityFeePerGas": tip, "chainId": 31337,
        "type": 2}).raw_transaction)


def test_anvil_refusals_are_typed(chain, dev_accounts, w3):
    me = dev_accounts[0]
    n = chain.account_nonce(pending=True)
    base, _tip = chain.fee_quote()
    raw = transfer(me, n, 2 * base + GWEI, GWEI)
    chain.send_raw(raw)
    with pytest.raises(TxAlreadyKnown):
        chain.send_raw(raw)
    with pytest.raises(ReplacementUnderpriced):
        chain.send_raw(transfer(me, n, 2 * base, GWEI // 2))
    chain.send_raw(transfer(me, n, 4 * base + 2 * GWEI, 2 * GWEI))  # a real replacement
    w3.provider.make_request("evm_mine", [])
    with pytest.raises(NonceTooLow):
        chain.send_raw(raw)
    with pytest.raises(FeeTooLow):
        chain.send_raw(transfer(me, n + 1, base // 10, 1))
    with pytest.raises(InsufficientFunds):
        chain.send_raw(transfer(Account.create(), 0, 2 * base, 1))
    with pytest.raises(TxRejected) as e:
        chain.send_raw(b"\x02garbage")
    assert type(e.value) is TxRejected and e.value.code == -32602


def test_unreachable_node_is_rpc_unavailable(deployment):
    from web3 import HTTPProvider, Web3

    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.devnet import free_port

    w3 = Web3(HTTPProvider(f"http://127.0.0.1:{free_port()}", request_kwargs={"timeout": 2}))
    down = GreenProofClient(w3, deployment, None)
    with pytest.raises(RpcUnavailable):
        down.block_number()
    with pytest.raises(RpcUnavailable):
        down.next_epoch_start(1)  # contract views too
    with pytest.raises(RpcUnavailable):
        down.receipt("0x" + "00" * 32)


def test_signed_tx_reads_back_from_its_bytes(dev_accounts):
    raw = transfer(dev_accounts[0], 7, 30 * GWEI, 2 * GWEI)
    tx = SignedTx.from_raw(raw)
    assert (tx.nonce, tx.gas, tx.fees) == (7, 21_000, Fees(30 * GWEI, 2 * GWEI))
    assert Account.recover_transaction(raw) == dev_accounts[0].address


@pytest.mark.parametrize(("message", "cls"), [
    ("already known", TxAlreadyKnown),
    ("transaction already imported", TxAlreadyKnown),
    ("nonce too low: next nonce 5, tx nonce 4", NonceTooLow),
    ("replacement transaction underpriced", ReplacementUnderpriced),
    ("transaction underpriced: tip needed 1, tip permitted 0", FeeTooLow),
    ("max fee per gas less than block base fee: address 0x.., maxFeePerGas: 1, baseFee: 7",
     FeeTooLow),
    ("insufficient funds for gas * price + value: balance 0, tx cost 21000", InsufficientFunds),
    ("intrinsic gas too low", TxRejected),
])
def test_geth_phrasings(message, cls):
    err = refusal(-32000, message, "0xabc")
    assert type(err) is cls and isinstance(err, ChainError)
    assert err.code == -32000 and err.tx_hash == "0xabc" and message in str(err)
