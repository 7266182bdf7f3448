"""Exactly-once submission against a real anvil, real contracts and real proofs, with the
crash points placed deliberately (the kill -9 test hits them only by chance):
  A. crash after the signed tx was committed to the outbox but before it was broadcast;
  B. crash after broadcast, before the receipt was read;
  C. the epoch landed through another sender while the outbox still says ``proved``.
A fresh Submitter (a restarted agent) must confirm each without a second transaction."""

from __future__ import annotations

import pytest
from chain_world import WC, E, proved_world

from attestor.metrics import Metrics
from attestor.sealer import certificate_fields
from attestor.submitter import Submitter

pytestmark = [pytest.mark.slow, pytest.mark.chain]


@pytest.fixture
def setup(tmp_path):
    with proved_world(tmp_path, epochs=3) as world:
        yield world


def fresh(s):  # a restarted agent: nothing in memory, only the database
    return Submitter(s["store"], s["client"], s["attestor"], Metrics(), backoff_s=0.1,
                     backoff_max_s=0.5)


def test_exactly_once_across_crash_points(setup):
    import json

    s = setup
    w3, store, base = s["w3"], s["store"], s["base"]
    nonce0 = w3.eth.get_transaction_count(s["attestor"].address)  # 1: registerNode
    assert [e.state for e in store.epochs()] == ["proved"] * 3

    # A: signed and committed, never broadcast
    a = fresh(s).prepare(store.get_epoch(base))
    assert a.state == "submitted" and a.raw_tx and a.nonce == nonce0
    assert w3.eth.get_transaction_count(s["attestor"].address) == nonce0

    assert fresh(s)._advance(store.get_epoch(base)) == "confirmed"
    assert store.get_epoch(base).state == "confirmed"
    assert store.get_epoch(base).tx_hash == a.tx_hash  # the very same transaction
    assert w3.eth.get_transaction_count(s["attestor"].address) == nonce0 + 1

    # B: broadcast, crashed before reading the receipt
    b_sub = fresh(s)
    b = b_sub.prepare(store.get_epoch(base + E))
    b_sub._broadcast(b.raw_tx)
    w3.eth.wait_for_transaction_receipt(b.tx_hash)
    assert store.get_epoch(base + E).state == "submitted"

    # C: the third epoch lands through someone else (anyone may submit a valid certificate)
    from ecoai_chain.chain.client import certificate_tuple, proof_struct

    c = store.get_epoch(base + 2 * E)
    data = json.loads(c.public_json)
    cert = certificate_fields({k: int(v) for k, v in data["public"].items()}, WC)
    other = s["admin"]
    fn = other.green_proof.functions.submitCertificate(
        certificate_tuple(cert), proof_struct(json.loads(c.proof_json)["proof"]),
        bytes.fromhex(c.signature))
    w3.eth.wait_for_transaction_receipt(fn.transact({"from": other.account.address}))
    # (web3 sends from the unlocked dev account; anvil signs it)

    assert fresh(s)._advance(store.get_epoch(base + E)) == "confirmed"
    assert fresh(s)._advance(store.get_epoch(base + 2 * E)) == "confirmed"
    assert fresh(s).run_once() == 0  # nothing left to do, nothing sent
    states = {e.epoch_start_s: e for e in store.epochs()}
    assert [states[base + i * E].state for i in range(3)] == ["confirmed"] * 3
    assert states[base + E].tx_hash == b.tx_hash
    assert "reconciled" in states[base + 2 * E].last_error
    assert states[base + 2 * E].certificate_id == 3
    # exactly one transaction per epoch the attestor sent itself (A and B), none for C
    assert w3.eth.get_transaction_count(s["attestor"].address) == nonce0 + 2
    certs = s["client"].green_proof.events.CertificateSubmitted().get_logs(
        from_block=0, argument_filters={"nodeId": s["node_id"]})
    assert sorted(int(x.args["epochStart"]) for x in certs) == [base, base + E, base + 2 * E]
