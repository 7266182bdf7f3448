"""The session's shared `ready` chain (tests/conftest.py) is handed to each test as a fresh one
would be: `evm_revert` restores state, blocks and clock, but not the next block's base fee nor
the transaction pool, so the `anvil` fixture restores those itself. The two tests run in file
order: the first leaves the chain as a fee-replacement test does (a raised next base fee, a
transaction stuck in the pool); the second must find neither."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.eip712 import sign_certificate

pytestmark = pytest.mark.chain

RAISED_BASE_FEE_WEI = 10**15


def _pending(client) -> dict:
    return client.w3.provider.make_request("eth_getBlockByNumber", ["pending", False])["result"]


def test_a_test_leaves_a_raised_base_fee_and_a_stuck_transaction(ready):
    client, rpc = ready["client"], ready["client"].w3.provider.make_request
    rpc("evm_setAutomine", [False])
    try:
        # underpriced for the next block: it stays in the pool
        client.w3.eth.send_transaction({"from": ready["operators"][0].address,
                                        "to": ready["operators"][1].address, "value": 1})
        rpc("anvil_setNextBlockBaseFeePerGas", [hex(RAISED_BASE_FEE_WEI)])
        assert int(_pending(client)["baseFeePerGas"], 16) == RAISED_BASE_FEE_WEI
    finally:
        rpc("evm_setAutomine", [True])


def test_the_next_test_gets_the_prepared_chain_back(ready, vector_cert):
    client = ready["client"]
    pending = _pending(client)
    assert int(pending["baseFeePerGas"], 16) < RAISED_BASE_FEE_WEI
    assert pending["transactions"] == []
    cert, proof = vector_cert(0)
    sig = sign_certificate(ready["attestors"][0], client.w3.eth.chain_id,
                           client.deployment.green_proof, cert)
    assert client.submit_certificate(cert, proof, sig) == 1  # the default fee estimate lands
