"""The submitter through relayers, on a real anvil with real proofs and a real relayer (its
FastAPI app, reached through an httpx client in-process): a working relayer lands the epochs
and the attestor never sends a transaction; a dead relayer or a slow one is given up and the
epoch lands exactly once, directly."""

from __future__ import annotations

import json

import pytest
from chain_world import proved_world
from eth_account import Account
from fastapi.testclient import TestClient

from attestor.config import AttestorSettings, load_settings
from attestor.metrics import Metrics
from attestor.relaying import RelayLink
from attestor.submitter import Submitter
from ecoai_chain.chain.devnet import dev_private_key
from ecoai_chain.errors import ConfigError
from ecoai_chain.relay.app import create_app
from ecoai_chain.relay.relayer import Relayer
from ecoai_chain.relay.store import RelayStore
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.verifier import load_vkey

URL = "http://relay.test"


@pytest.fixture
def world(tmp_path):  # real proofs: the tests that use it are marked slow
    with proved_world(tmp_path, epochs=2) as w:
        yield w


def _relayer(world, tmp_path) -> Relayer:
    client = world["admin"].with_account(Account.from_key(dev_private_key(5)))
    return Relayer(RelayStore(tmp_path / "relay.db"), client, load_vkey(zk_artifacts().vkey),
                   max_batch_size=8, max_age_s=0)


def _submitter(world, link: RelayLink) -> Submitter:
    return Submitter(world["store"], world["client"], world["attestor"], Metrics(),
                     backoff_s=0.05, backoff_max_s=0.2, receipt_timeout_s=5, relay=link)


def _drive(world, sub: Submitter, relayer: Relayer | None = None, passes: int = 200,
           between=None) -> None:
    """Run passes (the relayer's worker ticking between them, then ``between()``) until every
    epoch is closed."""
    import time

    for _ in range(passes):
        sub.run_once()
        if relayer is not None:
            relayer.tick()
        if between is not None:
            between()
        if all(e.state in ("confirmed", "failed") for e in world["store"].epochs()):
            return
        time.sleep(0.1)  # blocks come every second: confirmations need the chain to move
    raise AssertionError([(e.epoch_start_s, e.state, e.last_error)
                          for e in world["store"].epochs()])


def _nonce(world) -> int:
    return world["w3"].eth.get_transaction_count(world["attestor"].address)


@pytest.mark.slow
@pytest.mark.chain
def test_a_working_relayer_lands_the_epochs_and_the_attestor_sends_nothing(world, tmp_path):
    relayer = _relayer(world, tmp_path)
    http = TestClient(create_app(relayer), base_url=URL)
    nonce = _nonce(world)
    _drive(world, _submitter(world, RelayLink(world["store"], [URL], 600, http=http)), relayer)
    store, client = world["store"], world["client"]
    assert _nonce(world) == nonce  # never submitted directly
    for e in store.epochs():
        assert e.state == "confirmed" and store.submissions(e.epoch_start_s) == []
        row = relayer.status(world["node_id"], e.epoch_start_s)
        assert row.state == "landed"
        assert e.certificate_id == row.certificate_id == client.certificate_of(
            world["node_id"], e.epoch_start_s)
        assert e.tx_hash == row.tx_hash  # recorded from the relayer's batch on chain
        assert json.loads(store.get_meta(f"relay:{e.epoch_start_s}"))["url"] == URL


@pytest.mark.slow
@pytest.mark.chain
def test_a_dead_relayer_is_given_up_and_each_epoch_lands_once_directly(world):
    nonce = _nonce(world)
    link = RelayLink(world["store"], ["http://127.0.0.1:9"], 600, request_timeout_s=2)
    _drive(world, _submitter(world, link))
    store = world["store"]
    epochs = store.epochs()
    assert [e.state for e in epochs] == ["confirmed"] * 2
    assert _nonce(world) == nonce + 2  # one transaction per epoch
    for e in epochs:
        assert len(store.submissions(e.epoch_start_s)) == 1
        meta = json.loads(store.get_meta(f"relay:{e.epoch_start_s}"))
        assert meta == {"tried": ["http://127.0.0.1:9"], "direct": True}


@pytest.mark.slow
@pytest.mark.chain
def test_a_slow_relayer_is_given_up_after_the_timeout_and_then_skips_the_epoch(
        world, tmp_path):
    relayer = _relayer(world, tmp_path)  # its worker does not run: the items only queue
    http = TestClient(create_app(relayer), base_url=URL)
    now = [1_000_000.0]
    link = RelayLink(world["store"], [URL], 300, http=http, clock=lambda: now[0])
    sub = _submitter(world, link)
    first = world["store"].epochs()[0].epoch_start_s
    sub.run_once()
    assert relayer.status(world["node_id"], first).state == "queued"
    nonce = _nonce(world)
    sub.run_once()  # still in time: waiting
    assert world["store"].get_epoch(first).state == "proved" and _nonce(world) == nonce
    _drive(world, sub, between=lambda: now.__setitem__(0, now[0] + 300))  # every pass: late
    assert _nonce(world) == nonce + 2  # both epochs directly, once each
    relayer.tick()  # the relayer wakes up: it finds the epochs certified and sends nothing
    for e in world["store"].epochs():
        row = relayer.status(world["node_id"], e.epoch_start_s)
        assert e.state == "confirmed" and row is not None and row.state == "skipped"
        assert row.certificate_id == e.certificate_id
        assert json.loads(world["store"].get_meta(f"relay:{e.epoch_start_s}")) == {
            "tried": [URL], "direct": True}
    assert relayer.store.batches() == []


@pytest.mark.slow
@pytest.mark.chain
def test_a_refusing_relayer_is_given_up_at_once_with_its_reason(world, tmp_path):
    """A relayer for another GreenProof (another EIP-712 domain) recovers a stranger from
    the signature and refuses with 401: the attestor goes direct in the same pass."""
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import deploy_all

    dao = Account.from_key(dev_private_key(0))
    other = deploy_all(world["w3"], dao, epoch_length_s=world["client"].epoch_length_s())
    client = GreenProofClient(world["w3"], other, Account.from_key(dev_private_key(5)))
    relayer = Relayer(RelayStore(tmp_path / "relay.db"), client,
                      load_vkey(zk_artifacts().vkey), max_age_s=0)
    http = TestClient(create_app(relayer), base_url=URL)
    store, nonce = world["store"], _nonce(world)
    sub = _submitter(world, RelayLink(store, [URL], 600, http=http))
    first = store.epochs()[0].epoch_start_s
    sub.run_once()
    assert len(store.submissions(first)) == 1  # sent directly in the very first pass
    _drive(world, sub)
    assert [e.state for e in store.epochs()] == ["confirmed"] * 2
    assert _nonce(world) == nonce + 2 and relayer.store.counts() == {}
    assert json.loads(store.get_meta(f"relay:{first}")) == {"tried": [URL], "direct": True}


def test_relay_urls_must_be_http():
    with pytest.raises(ConfigError, match="relay_urls.*http"):
        load_settings(None, relay_urls=["relay.example:8070"])
    assert AttestorSettings().relay_urls == []  # default: submit alone, as before
