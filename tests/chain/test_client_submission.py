"""`GreenProofClient`'s outbox methods on a real anvil with real certificates: build and sign
without sending, send raw, find by receipt and by (node, epoch), read the events back."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.chain.fees import FeePolicy
from ecoai_chain.errors import ContractRevert, NonceTooLow

pytestmark = pytest.mark.chain
GWEI = 10**9


def test_build_send_and_find_a_certificate(ready, vector_cert):
    from ecoai_chain.network.summary import NodeView, Summary

    admin = ready["client"]
    attestor = ready["attestors"][0]
    relayer = admin.with_account(ready["operators"][1])  # anyone may send a signed certificate
    cert, proof = vector_cert(0)
    sig = sign_certificate(attestor, 31337, admin.deployment.green_proof, cert)
    assert relayer.find_certificate(cert["nodeId"], cert["epochStart"]) is None
    nonce = relayer.account_nonce(pending=True)
    fees = FeePolicy(500 * GWEI).initial(*relayer.fee_quote())
    tx = relayer.build_certificate_tx(cert, proof, sig, nonce=nonce, fees=fees)
    assert relayer.account_nonce(pending=True) == nonce  # built and signed, nothing sent
    assert relayer.receipt(tx.tx_hash) is None
    relayer.send_raw(tx.raw_tx, tx.tx_hash)
    # anvil's automine answers eth_sendRawTransaction before the block is sealed: wait for it.
    admin.w3.eth.wait_for_transaction_receipt(tx.tx_hash, timeout=30, poll_latency=0.05)
    with pytest.raises(NonceTooLow):  # the same bytes again, once mined: refused, typed
        relayer.send_raw(tx.raw_tx, tx.tx_hash)
    got = relayer.receipt(tx.tx_hash)
    assert got.succeeded and got.tx_hash == tx.tx_hash and got.certificate_id == 1
    assert relayer.find_certificate(cert["nodeId"], cert["epochStart"]) == got
    assert relayer.block_number() >= got.block_number
    (ev,) = relayer.certificates_submitted(nodeId=cert["nodeId"])
    assert ev["certificateId"] == 1 and ev["tx_hash"] == tx.tx_hash
    assert ev["block_number"] == got.block_number
    view = NodeView("node1", cert["nodeId"], "KR", "replay", ready["operators"][0].address)
    summary = Summary(relayer, [view])
    summary.poll()
    assert view.certificates == 1 and view.energy_mj == cert["energyMj"]
    # The reward vests: locked for the challenge window, then the summary releases it.
    assert view.carbon_mg == cert["carbonMg"] and view.balance_units == 0
    assert view.escrowed_units == admin.get_certificate(1)["rewardUnits"] > 0
    set_chain_time(admin.w3, admin.get_certificate(1)["releaseAt"])
    summary.poll()
    assert view.escrowed_units == 0 and view.balance_units > 0


def test_a_revert_while_building_is_a_named_error(ready, vector_cert):
    admin = ready["client"]
    cert, proof = vector_cert(0)
    bad = sign_certificate(ready["attestors"][1], 31337, admin.deployment.green_proof, cert)
    fees = FeePolicy(500 * GWEI).initial(*admin.fee_quote())
    with pytest.raises(ContractRevert) as e:
        admin.build_certificate_tx(cert, proof, bad, nonce=admin.account_nonce(True), fees=fees)
    assert e.value.name == "GreenProofBadSignature"


def test_a_manifest_is_live_only_on_its_chain_with_code(w3, deployment):
    from dataclasses import replace

    from ecoai_chain.chain.devnet import Anvil

    assert deployment.is_live(w3)
    assert not replace(deployment, chain_id=deployment.chain_id + 1).is_live(w3)
    with Anvil() as other:  # same chain id, nothing deployed
        from web3 import HTTPProvider, Web3

        assert not deployment.is_live(Web3(HTTPProvider(other.rpc_url)))


def test_chain_reads_events_blocks_calldata_code(ready, vector_cert, w3):
    from eth_utils import function_signature_to_4byte_selector

    from ecoai_chain.chain.deployment import deployment_from_address
    from ecoai_chain.errors import ChainError

    admin = ready["client"]
    regs = admin.events("NodeRegistered")
    assert [e["nodeId"] for e in regs] == [1, 2]  # oldest first
    assert [e["attestor"] for e in admin.events("NodeRegistered", nodeId=2)] == [
        ready["attestors"][1].address]
    first = regs[0]
    assert admin.events("NodeRegistered", to_block=first["block_number"] - 1) == []
    header = admin.block_header(first["block_number"])
    assert header.number == first["block_number"] and header.timestamp_s > 0
    calldata = admin.transaction_input(first["tx_hash"])
    assert calldata[:4] == function_signature_to_4byte_selector(
        "registerNode(address,bytes32,uint256,string)")
    assert admin.chain_id() == 31337
    assert admin.code_at(admin.verifier_address())  # deployed code
    found = deployment_from_address(w3, admin.deployment.green_proof)
    assert found.green_proof == admin.deployment.green_proof
    assert found.verifier == admin.deployment.verifier
    assert found.epoch_length_s == admin.deployment.epoch_length_s
    with pytest.raises(ChainError, match="no contract"):
        deployment_from_address(w3, ready["operators"][0].address)
