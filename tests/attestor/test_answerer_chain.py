"""The agent answers challenges by itself, exactly once, against a real anvil, real contracts,
real proofs and its real store (tests/attestor/chain_world.py). Crash points placed
deliberately, as for the submitter: a signed answer committed but never broadcast; an answer
sent by someone else; an RPC outage; an answer that cannot be built (an alert, then a lost
challenge once the deadline passes)."""

from __future__ import annotations

import pytest
from chain_world import proved_world

from attestor.answerer import Answerer, challenge_status
from attestor.keystore import derive_seed
from attestor.metrics import Metrics
from attestor.submitter import Submitter
from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from ecoai_chain.chain.rpc import http_web3
from ecoai_chain.challenge.slots import draw_slots, seed_of
from ecoai_chain.errors import RpcUnavailable

pytestmark = [pytest.mark.slow, pytest.mark.chain]
DEPOSIT = 10**16
PARAMS = ChallengeParams(deposit_wei=DEPOSIT, open_count=2, answer_window_s=600,
                         challenger_share_bps=5_000)


@pytest.fixture
def world(tmp_path):
    with proved_world(tmp_path, epochs=2) as w:
        sub = Submitter(w["store"], w["client"], w["attestor"], Metrics(), backoff_s=0.1,
                        backoff_max_s=0.5)
        for _ in range(20):
            sub.run_once()
            if all(e.state == "confirmed" for e in w["store"].epochs()):
                break
            w["rpc"]("evm_mine")
        assert [e.certificate_id for e in w["store"].epochs()] == [1, 2]
        admin_cm = ChallengeClient(w["admin"])
        admin_cm.set_params(PARAMS)
        w["admin_cm"] = admin_cm
        yield w


def fresh(w, metrics=None):  # a restarted agent: nothing in memory, only the database
    return Answerer(w["store"], ChallengeClient(w["client"]), derive_seed(bytes(w["attestor"].key)),
                    metrics or Metrics())


def until(w, answerer, pred, tries=30):
    for _ in range(tries):
        answerer.run_once(w["node_id"])
        if pred():
            return
        w["rpc"]("evm_mine")
    raise AssertionError("condition never held")


def test_honest_agent_answers_by_itself_with_the_drawn_slots(world):
    w = world
    cid = w["admin_cm"].challenge(1)
    metrics = Metrics()
    a = fresh(w, metrics)
    a.run_once(w["node_id"])
    rec = a.book.get(cid)
    assert rec.state in ("open", "sent") and rec.certificate_id == 1
    assert metrics.challenges_open._value.get() == 1
    until(w, a, lambda: a.book.get(cid).state == "answered")
    onchain = w["admin_cm"].get(cid)
    assert onchain["status"] == "answered"
    # the slots follow the committed block's hash (Python mirror vs the contract's draw)
    seed = seed_of(w["admin_cm"].block_hash(onchain["randomness_block"]), cid)
    assert onchain["seed"] == "0x" + seed.hex()
    slots = draw_slots(seed, 4, 2)
    opened = w["admin_cm"].events("SlotOpened", 0, challengeId=cid)
    assert [int(e["slot"]) for e in opened] == slots
    energy = __import__("json").loads(w["store"].get_epoch(w["base"]).public_json)["slot_energy_mj"]
    assert [int(e["energyMj"]) for e in opened] == [int(energy[s]) for s in slots]
    (ans,) = w["admin_cm"].events("ChallengeAnswered", 0, challengeId=cid)
    assert ans["answerer"] == w["attestor"].address and int(ans["depositWei"]) == DEPOSIT
    assert metrics.challenges_open._value.get() == 0
    assert challenge_status(w["store"])["settled"]["answered"] == 1


def test_exactly_once_across_crash_points(world):
    w = world
    addr = w["attestor"].address
    # A: signed and committed, never broadcast (crash before the broadcast)
    cid = w["admin_cm"].challenge(1)
    a = fresh(w)
    a._scan(w["node_id"])
    for _ in range(3):
        w["rpc"]("evm_mine")
    nonce0 = w["w3"].eth.get_transaction_count(addr)
    signed = a.prepare(a.book.get(cid), ChallengeClient(w["client"]).slots(cid))
    assert a.book.get(cid).state == "sent"
    assert w["w3"].eth.get_transaction_count(addr) == nonce0
    b = fresh(w)
    until(w, b, lambda: b.book.get(cid).state == "answered")
    assert b.book.get(cid).tx_hash == signed.tx_hash  # the very same transaction
    assert w["w3"].eth.get_transaction_count(addr) == nonce0 + 1

    # C: someone else answers first (anyone may): reconciled, nothing sent
    cid2 = w["admin_cm"].challenge(2)
    for _ in range(3):
        w["rpc"]("evm_mine")
    c = fresh(w)
    c._scan(w["node_id"])
    openings = c._build(c.book.get(cid2), w["admin_cm"].slots(cid2))
    w["admin_cm"].answer(cid2, openings)
    n = w["w3"].eth.get_transaction_count(addr)
    assert fresh(w).run_once(w["node_id"]) == 0
    assert c.book.get(cid2).state == "answered" and c.book.get(cid2).tx_hash == ""
    assert w["w3"].eth.get_transaction_count(addr) == n
    assert len(w["admin_cm"].events("ChallengeAnswered", 0)) == 2


def test_rpc_outage_changes_nothing_and_the_next_tick_answers(world):
    w = world
    cid = w["admin_cm"].challenge(1)
    down = w["client"].with_account(w["attestor"])
    down.w3 = http_web3("http://127.0.0.1:9", timeout_s=1)  # nothing listens there
    a = Answerer(w["store"], ChallengeClient(down), derive_seed(bytes(w["attestor"].key)))
    with pytest.raises(RpcUnavailable):
        a.run_once(w["node_id"])
    assert a.book.get(cid) is None
    b = fresh(w)
    until(w, b, lambda: b.book.get(cid).state == "answered")


def test_an_answer_it_cannot_build_is_an_alert_then_lost(world):
    w = world
    store = w["store"]
    from sqlmodel import Session

    from attestor.store import EpochRecord

    with Session(store.engine) as s:  # the epoch's committed values are gone from the store
        s.delete(s.get(EpochRecord, w["base"]))
        s.commit()
    cid = w["admin_cm"].challenge(1)
    metrics = Metrics()
    a = fresh(w, metrics)
    n = w["w3"].eth.get_transaction_count(w["attestor"].address)
    until(w, a, lambda: a.book.get(cid).state == "alert")
    assert "not in this agent's store" in a.book.get(cid).last_error
    assert metrics.challenge_alerts._value.get() == 1
    st = challenge_status(store)
    assert st["alerts"][0]["challenge_id"] == cid and st["open"][0]["state"] == "alert"
    assert w["w3"].eth.get_transaction_count(w["attestor"].address) == n  # nothing sent
    deadline = w["admin_cm"].get(cid)["deadline_s"]
    w["rpc"]("evm_setNextBlockTimestamp", deadline + 1)
    w["rpc"]("evm_mine")
    out = w["admin_cm"].finalize(cid)
    assert out["outcome"] == "ChallengeDefaulted"
    a.run_once(w["node_id"])
    assert a.book.get(cid).state == "lost"
    assert w["admin"].get_certificate(1)["revoked"] is True
