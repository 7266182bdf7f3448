"""The relayer against the real `ready` anvil with the committed proof vectors: good items
land in one batch, bad ones are refused naming the field, duplicates are idempotent, a
front-run item is skipped without sinking the others, and a restart loses nothing."""

from __future__ import annotations

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from relay_helpers import body, make_relayer, vector_item

from ecoai_chain.chain.fees import Fees
from ecoai_chain.relay.app import create_app

pytestmark = pytest.mark.chain


def _post(http: TestClient, item: dict):
    return http.post("/relay/v1/items", json=item)


def _state(http: TestClient, node: int, epoch: int) -> dict:
    r = http.get(f"/relay/v1/items/{node}/{epoch}")
    assert r.status_code == 200, r.text
    return r.json()


def _key(ready, proof_vectors, i):
    cert = vector_item(ready, proof_vectors, i)[0]
    return cert["nodeId"], cert["epochStart"]


def test_good_items_land_in_one_batch_transaction(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=4, max_age_s=3600)
    http = TestClient(create_app(relayer))
    picks = (0, 1, 2, 10)
    for i in picks:
        r = _post(http, body(ready, proof_vectors, i))
        assert r.status_code == 202 and r.json()["state"] == "queued", r.text
    assert relayer.tick() is not None  # four waiting: a full batch is due at once
    sent = [_state(http, *_key(ready, proof_vectors, i)) for i in picks]
    assert {s["state"] for s in sent} == {"submitted"} and len({s["tx_hash"] for s in sent}) == 1
    relayer.client.w3.eth.wait_for_transaction_receipt(sent[0]["tx_hash"])  # mined, then seen
    relayer.tick()
    landed = [_state(http, *_key(ready, proof_vectors, i)) for i in picks]
    client = ready["client"]
    assert [s["state"] for s in landed] == ["landed"] * 4
    for s in landed:  # each id is the chain's certificate of its (node, epoch)
        assert s["certificate_id"] == client.certificate_of(s["node_id"], s["epoch_start_s"])
    assert client.certificate_count() == 4
    receipt = client.w3.eth.get_transaction_receipt(sent[0]["tx_hash"])
    events = client.green_proof.events.CertificateSubmitted().process_receipt(receipt)
    assert len(events) == 4
    status = http.get("/relay/v1/status").json()
    assert status["items"]["landed"] == 4 and status["batches"] == {
        "sent": 1, "mined": 1, "reverted": 0}
    assert status["gas_used"] == receipt["gasUsed"]


def test_an_item_waits_until_the_batch_is_old_enough(ready, proof_vectors, tmp_path):
    now = [1000.0]
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=8, max_age_s=60,
                           clock=lambda: now[0])
    relayer.accept(body(ready, proof_vectors, 0))
    assert relayer.tick() is None  # one of eight, a second old: not due
    now[0] += 60
    tx_hash = relayer.tick()
    assert tx_hash is not None
    relayer.client.w3.eth.wait_for_transaction_receipt(tx_hash)  # mined before the revert
    relayer.tick()
    assert relayer.status(*_key(ready, proof_vectors, 0)).state == "landed"


def test_bad_items_are_refused_with_a_reason_naming_the_field(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db")
    http = TestClient(create_app(relayer))
    stranger = Account.create()

    def refused(item: dict, status: int, field: str) -> str:
        r = _post(http, item)
        assert r.status_code == status, r.text
        assert r.json()["detail"]["field"] == field, r.text
        return r.json()["detail"]["reason"]

    assert "attestor is" in refused(body(ready, proof_vectors, 0, signer=stranger), 401,
                                    "signature")
    good = body(ready, proof_vectors, 0)
    refused({**good, "signature": "0x1234"}, 401, "signature")
    refused({**good, "signature": "0x" + "00" * 65}, 401, "signature")
    missing = {**good, "certificate": {k: v for k, v in good["certificate"].items()
                                       if k != "energyMj"}}
    refused(missing, 422, "total_energy_mj")
    refused({**good, "proof": {"pi_a": ["1"]}}, 422, "proof.pi_a")
    refused([1, 2], 422, "body")
    tampered = vector_item(ready, proof_vectors, 1)[0]["energyMj"] + 1
    assert "Groth16" in refused(body(ready, proof_vectors, 1, energyMj=tampered), 422, "proof")
    # the authenticated refusal is kept for the attestor to read
    assert _state(http, *_key(ready, proof_vectors, 1))["state"] == "refused"
    # node 2 suspended: its attestor's good item is refused
    ready["client"].suspend_node(2, "test")
    assert "not active" in refused(body(ready, proof_vectors, 10), 403, "node_id")
    # unknown node: nobody is its attestor
    refused(body(ready, proof_vectors, 0, nodeId=99, signer=ready["attestors"][0]), 404,
            "node_id")
    # an epoch already certified on chain
    cert, proof, sig = vector_item(ready, proof_vectors, 2)
    ready["client"].submit_certificate(cert, proof_vectors["certificates"][2]["proof"], sig)
    assert "already certified" in refused(body(ready, proof_vectors, 2), 409, "epoch_start_s")
    # bad path parameters are 422, an unknown item 404
    assert http.get("/relay/v1/items/-1/5").status_code == 422
    assert http.get("/relay/v1/items/1/5").status_code == 404
    assert relayer.store.counts() == {"refused": 2}  # strangers' posts leave no rows


def test_the_same_item_twice_is_one_item(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=1)
    http = TestClient(create_app(relayer))
    item = body(ready, proof_vectors, 0)
    first, again = _post(http, item), _post(http, item)
    assert first.status_code == again.status_code == 202 and first.json() == again.json()
    other = body(ready, proof_vectors, 0, work=vector_item(ready, proof_vectors, 0)[0]["work"])
    assert other == item  # same fields, same signature: still the same item
    relayer.client.w3.eth.wait_for_transaction_receipt(relayer.tick())  # mined, then seen
    relayer.tick()
    landed = _post(http, item).json()
    assert landed["state"] == "landed" and ready["client"].certificate_count() == 1
    assert relayer.store.counts() == {"landed": 1}
    changed = body(ready, proof_vectors, 0, work=1)
    r = _post(http, changed)
    assert r.status_code == 409 and r.json()["detail"]["field"] == "epoch_start_s"


def test_a_front_run_item_is_skipped_and_the_others_land(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=4, max_age_s=0)
    for i in (0, 1, 2, "above_ceiling"):
        relayer.accept(body(ready, proof_vectors, i))
    client = ready["client"]
    cert, _, sig = vector_item(ready, proof_vectors, 1)  # the node lands epoch 1 itself
    node_client = client.with_account(ready["attestors"][0])
    node_client.submit_certificate(cert, proof_vectors["certificates"][1]["proof"], sig)
    tx_hash = relayer.tick()
    relayer.client.w3.eth.wait_for_transaction_receipt(tx_hash)  # mined, then reconciled
    relayer.tick()
    states = {i: relayer.status(*_key(ready, proof_vectors, i)) for i in (0, 1, 2)}
    ceiling = relayer.status(*_key(ready, proof_vectors, "above_ceiling"))
    assert states[1].state == "skipped"
    assert states[1].certificate_id == client.certificate_of(*_key(ready, proof_vectors, 1))
    assert states[0].state == states[2].state == "landed"
    assert ceiling.state == "refused" and "Ceiling" in ceiling.reason


def test_an_item_landed_while_the_batch_is_pending_is_skipped_by_the_contract(
        ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=2)
    for i in (0, 1):
        relayer.accept(body(ready, proof_vectors, i))
    client, rpc = ready["client"], ready["client"].w3.provider.make_request
    node_client = client.with_account(ready["attestors"][0])
    rpc("evm_setAutomine", [False])
    try:
        tx_hash = relayer.tick()  # the batch waits in the pool
        cert, _, sig = vector_item(ready, proof_vectors, 0)
        high = 10 * client.w3.eth.get_block("latest")["baseFeePerGas"] + 10**11
        direct = node_client.build_certificate_tx(
            cert, proof_vectors["certificates"][0]["proof"], sig,
            nonce=node_client.account_nonce(pending=True), fees=Fees(high, high))
        node_client.send_raw(direct.raw_tx)  # a higher tip: mined first in the block
        rpc("evm_mine", [])
    finally:
        rpc("evm_setAutomine", [True])
    assert client.receipt(direct.tx_hash).succeeded and client.receipt(tx_hash).succeeded
    relayer.tick()
    first = relayer.status(*_key(ready, proof_vectors, 0))
    second = relayer.status(*_key(ready, proof_vectors, 1))
    assert (first.state, first.certificate_id) == ("skipped", client.receipt(
        direct.tx_hash).certificate_id)
    assert second.state == "landed" and second.tx_hash == tx_hash


def test_a_restart_keeps_the_queue_and_the_batch_in_flight(ready, proof_vectors, tmp_path):
    db = tmp_path / "relay.db"
    first = make_relayer(ready, db, max_batch_size=2)
    first.accept(body(ready, proof_vectors, 0))
    first.store.close()
    second = make_relayer(ready, db, max_batch_size=2)  # restarted: item 0 still queued
    assert second.status(*_key(ready, proof_vectors, 0)).state == "queued"
    second.accept(body(ready, proof_vectors, 1))
    rpc = ready["client"].w3.provider.make_request
    rpc("evm_setAutomine", [False])
    try:
        tx_hash = second.tick()
        second.store.close()
        rpc("anvil_dropAllTransactions", [])  # the node forgot it too (its own restart)
        third = make_relayer(ready, db, max_batch_size=2)
        assert third.tick() is None  # rebroadcast from the store, not re-signed
    finally:
        rpc("evm_setAutomine", [True])
    rpc("evm_mine", [])
    third.tick()
    rows = [third.status(*_key(ready, proof_vectors, i)) for i in (0, 1)]
    assert [(r.state, r.tx_hash) for r in rows] == [("landed", tx_hash)] * 2
    assert ready["client"].certificate_count() == 2


def test_a_stuck_batch_is_replaced_at_its_nonce_and_the_replacement_counts(
        ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=2)
    for i in (0, 1):
        relayer.accept(body(ready, proof_vectors, i))
    rpc = ready["client"].w3.provider.make_request
    rpc("evm_setAutomine", [False])
    try:
        stuck = relayer.tick()
        (sent,) = relayer.store.batches()
        rpc("anvil_setNextBlockBaseFeePerGas", [hex(sent.max_fee_per_gas_wei * 3)])
        assert relayer.tick() is None  # no new batch: the stuck one is replaced
        replaced, new = sorted(relayer.store.batches(), key=lambda b: b.state != "replaced")
        assert (replaced.tx_hash, replaced.state, new.state) == (stuck, "replaced", "sent")
        assert new.nonce == sent.nonce and new.max_fee_per_gas_wei > 3 * sent.max_fee_per_gas_wei
        rpc("evm_mine", [])
    finally:
        rpc("evm_setAutomine", [True])
    relayer.tick()
    rows = [relayer.status(*_key(ready, proof_vectors, i)) for i in (0, 1)]
    assert [(r.state, r.tx_hash) for r in rows] == [("landed", new.tx_hash)] * 2
    assert relayer.counts()["batches"] == {"sent": 2, "mined": 1, "reverted": 0}
