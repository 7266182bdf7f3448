"""A stranger (no node's key) and a dishonest attestor against the real relayer on the real
`ready` anvil: client mistakes are 4xx naming the field, strangers store nothing, and one
operator's items never hold back the others'."""

from __future__ import annotations

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from relay_helpers import body, make_relayer, vector_item

from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.chain.fees import Fees
from ecoai_chain.relay.app import create_app
from ecoai_chain.relay.wire import item_body

pytestmark = pytest.mark.chain


def _refused(http: TestClient, item, status: int, field: str) -> None:
    r = http.post("/relay/v1/items", json=item)
    assert r.status_code == status, r.text
    assert r.json()["detail"]["field"] == field, r.text


def test_out_of_range_numbers_from_a_stranger_are_4xx_and_leave_no_rows(
        ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db")
    http = TestClient(create_app(relayer), raise_server_exceptions=False)
    stranger = Account.create()
    good = body(ready, proof_vectors, 0)
    # uint256 ids beyond SQLite's signed 64 bits, signed by the stranger's own key
    _refused(http, body(ready, proof_vectors, 0, nodeId=2**64, signer=stranger), 422,
             "node_id")
    _refused(http, body(ready, proof_vectors, 0, epochStart=2**255, signer=stranger), 422,
             "epoch_start_s")
    # wider than the circuit proves (packed, it would spill into the next field)
    _refused(http, body(ready, proof_vectors, 0, windowS=2**16, signer=stranger), 422,
             "window_s")
    _refused(http, body(ready, proof_vectors, 0, carbonMg=2**64, signer=stranger), 422,
             "carbon_mg")
    # more digits than Python parses by default
    cert = {**good["certificate"], "energyMj": "9" * 5000}
    _refused(http, {**good, "certificate": cert}, 422, "total_energy_mj")
    for bad in (-1, 1.5, "1e3", "0x10", True, None, [1]):
        cert = {**good["certificate"], "energyMj": bad}
        r = http.post("/relay/v1/items", json={**good, "certificate": cert})
        assert 400 <= r.status_code < 500, (bad, r.text)
    assert relayer.store.counts() == {}


def test_deep_and_huge_bodies_are_refused_before_parsing(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db")
    http = TestClient(create_app(relayer), raise_server_exceptions=False)
    deep = "[" * 100_000 + "]" * 100_000
    r = http.post("/relay/v1/items", content=deep, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    good = body(ready, proof_vectors, 0)
    huge = {**good, "padding": "x" * (2 * 2**20)}
    r = http.post("/relay/v1/items", json=huge)
    assert r.status_code == 413, r.text
    assert relayer.store.counts() == {}


def test_an_operators_waiting_items_never_hold_back_the_others(ready, proof_vectors, tmp_path):
    """The workload class is signed but not proved: node 1's attestor signs its real proofs
    under a class the DAO never set, so they verify here and simulate as "not yet"
    (GreenProofUnknownWorkloadClass); they are the oldest, yet node 2's item lands."""
    now = [1000.0]
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=2, max_age_s=0,
                           clock=lambda: now[0])
    unknown = "0x" + b"nope".ljust(32, b"\0").hex()
    for i in (0, 1, 2):
        relayer.accept(body(ready, proof_vectors, i, workloadClass=unknown))
        now[0] += 1
    relayer.accept(body(ready, proof_vectors, 10))
    for _ in range(3):
        relayer.tick()
    honest = relayer.status(2, int(proof_vectors["certificates"][10]["cert"]["epochStart"]))
    assert honest.state == "landed", honest
    assert honest.certificate_id == ready["client"].certificate_of(2, honest.epoch_start_s)
    waiting = [r for r in relayer.store.items("queued")]
    assert len(waiting) == 3 and all(r.reason.startswith("waiting") for r in waiting)


def test_an_attestor_cannot_fill_the_table_with_refused_items(ready, proof_vectors, tmp_path):
    """Refusals are kept for the attestor to read, but only the latest few per node: its
    attestor signing bad items for epoch after epoch does not grow the table."""
    relayer = make_relayer(ready, tmp_path / "relay.db", refused_kept_per_node=3)
    http = TestClient(create_app(relayer), raise_server_exceptions=False)
    start = int(proof_vectors["certificates"][0]["cert"]["epochStart"])
    epochs = [start + 3600 * 1000 * k for k in (5, 1, 4, 2, 3)]  # proofs of another epoch
    for epoch in epochs:
        _refused(http, body(ready, proof_vectors, 0, epochStart=epoch), 422, "proof")
    assert relayer.store.counts() == {"refused": 3}
    assert [relayer.status(1, e) is not None for e in epochs] == [False, False] + [True] * 3
    relayer.accept(body(ready, proof_vectors, 10))  # another node's refusals are its own
    assert relayer.store.counts() == {"refused": 3, "queued": 1}


def test_an_item_near_its_deadline_is_refused_not_sent_to_sink_the_batch(
        ready, proof_vectors, tmp_path):
    """An attestor posts an item minutes before its submission deadline: it passes the
    simulation, but mined after the deadline it would revert the whole batch (the relayer
    paying for it, node 1's epoch 9 item requeued). It is refused instead, the rest lands."""
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=2, max_age_s=0)
    client, rpc = ready["client"], ready["client"].w3.provider.make_request
    late, fine = (int(proof_vectors["certificates"][i]["cert"]["epochStart"]) for i in (0, 9))
    closes_s = client.submission_deadline_s(late)
    rpc("evm_setNextBlockTimestamp", [closes_s - 300])
    rpc("evm_mine", [])
    for i in (0, 9):
        relayer.accept(body(ready, proof_vectors, i))
    rpc("evm_setAutomine", [False])
    try:
        relayer.tick()
        rpc("evm_setNextBlockTimestamp", [closes_s + 1])  # mined past item 0's deadline
        rpc("evm_mine", [])
    finally:
        rpc("evm_setAutomine", [True])
    relayer.tick()
    refused, landed = relayer.status(1, late), relayer.status(1, fine)
    assert refused.state == "refused" and "deadline" in refused.reason.lower()
    assert landed.state == "landed" and landed.certificate_id == client.certificate_of(1, fine)
    assert relayer.counts()["batches"] == {"sent": 1, "mined": 1, "reverted": 0}


def test_signatures_of_another_deployment_or_node_are_401(ready, proof_vectors, tmp_path):
    """Replayed across chains or contracts, or a node's item re-posted under another node's
    id: the signature recovers to nobody's attestor, and nothing is stored."""
    relayer = make_relayer(ready, tmp_path / "relay.db")
    http = TestClient(create_app(relayer), raise_server_exceptions=False)
    cert, proof, _ = vector_item(ready, proof_vectors, 0)
    client, attestor = ready["client"], ready["attestors"][0]
    other_contract = "0x" + "11" * 20
    for chain_id, contract in ((client.w3.eth.chain_id + 1, client.deployment.green_proof),
                               (client.w3.eth.chain_id, other_contract)):
        sig = sign_certificate(attestor, chain_id, contract, cert)
        _refused(http, item_body(cert, proof, sig), 401, "signature")
    _refused(http, body(ready, proof_vectors, 0, nodeId=2, signer=attestor), 401, "signature")
    assert relayer.store.counts() == {}


def test_an_item_that_turns_bad_while_its_batch_is_pending_is_skipped_and_the_other_lands(
        ready, proof_vectors, tmp_path):
    """The simulation passed, then node 2 was suspended in the very block ahead of the batch:
    the contract skips node 2's item naming its error (before issue 16 the whole batch
    reverted, at the relayer's cost, and both items went back to the queue); node 1's item
    lands in that same transaction."""
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=2)
    node2 = next(i for i, c in enumerate(proof_vectors["certificates"])
                 if int(c["cert"]["nodeId"]) == 2)
    for i in (0, node2):
        relayer.accept(body(ready, proof_vectors, i))
    client, rpc = ready["client"], ready["client"].w3.provider.make_request
    rpc("evm_setAutomine", [False])
    try:
        tx_hash = relayer.tick()  # the batch waits in the pool
        high = 10 * client.w3.eth.get_block("latest")["baseFeePerGas"] + 10**11
        suspend = client.sign_call(client.green_proof.functions.suspendNode(2, "audit"),
                                   nonce=client.account_nonce(pending=True),
                                   fees=Fees(high, high))
        client.send_raw(suspend.raw_tx)  # a higher tip: mined first in the block
        rpc("evm_mine", [])
    finally:
        rpc("evm_setAutomine", [True])
    assert client.receipt(suspend.tx_hash).succeeded and client.receipt(tx_hash).succeeded
    relayer.tick()
    first = relayer.status(*_key(ready, proof_vectors, 0))
    second = relayer.status(*_key(ready, proof_vectors, node2))
    assert (first.state, first.tx_hash) == ("landed", tx_hash)
    assert first.certificate_id == client.certificate_of(first.node_id, first.epoch_start_s)
    assert second.state == "refused" and second.tx_hash == tx_hash
    assert "GreenProofNodeNotActive" in second.reason and tx_hash in second.reason
    assert client.certificate_of(second.node_id, second.epoch_start_s) == 0
    assert relayer.counts()["batches"] == {"sent": 1, "mined": 1, "reverted": 0}


def _key(ready, proof_vectors, i):
    cert = vector_item(ready, proof_vectors, i)[0]
    return cert["nodeId"], cert["epochStart"]
