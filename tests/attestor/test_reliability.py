"""Reliability against a real anvil, real contracts, real proofs and real agent processes.

* kill -9 of the whole agent process group at random moments across >= 20 epochs: the window
  hash chain stays continuous, no epoch is sent twice (the attestor's nonce count equals its
  register + certificate transactions), every epoch from the first certified one on is
  certified, and each certificate's energy equals its windows in the signed log.
* anvil stopped for a while: windows keep being recorded, and the backlog is certified once
  the chain is back.
Short windows (1 s) and epochs (4 slots) keep the wall time to a few minutes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import time

import pytest
from attestor_helpers import ecoai, init_node, spawn_run, wait_for
from eth_account import Account

from ecoai_chain.chain.devnet import Anvil, dev_private_key
from ecoai_chain.chain.record_words import submitted_args

pytestmark = [pytest.mark.soak, pytest.mark.slow, pytest.mark.chain]

WINDOW_S, SLOTS = 1, 4
EPOCH_S = WINDOW_S * SLOTS
INTENSITY = 415_000  # mg/kWh
FAST_RETRY = {"ECOAI_SUBMIT_BACKOFF_S": "0.5", "ECOAI_SUBMIT_BACKOFF_MAX_S": "2"}


@pytest.fixture
def network(tmp_path):
    from ecoai_chain.zk.artifacts import zk_artifacts

    zk_artifacts()  # committed: missing or damaged is a failure, never a skip
    from web3 import HTTPProvider, Web3

    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import deploy_all

    # interval mining, like a real chain: with automine only, block.timestamp would stand
    # still between transactions and an epoch would never look finished on-chain
    node = Anvil(block_time_s=1, state_path=tmp_path / "anvil-state.json").start()
    w3 = Web3(HTTPProvider(node.rpc_url))
    dao = Account.from_key(dev_private_key(0))
    dep = deploy_all(w3, dao, epoch_length_s=EPOCH_S, rpc_url=node.rpc_url)
    dep.save(tmp_path / "deployment.json")
    client = GreenProofClient(w3, dep, dao)
    # Parameters apply from now on only; blocks come every second, so a few seconds ahead is
    # safe, and the attestor's first epoch starts after it registers.
    t = client.effective_soon_s(margin_s=3)
    client.set_region_intensity("KR", INTENSITY, t)
    client.set_baseline("llm-inference", 400, t)
    client.set_efficiency_ceiling("llm-inference", 10**12, t)
    attestor = Account.create()
    w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction(
        {"from": dao.address, "to": attestor.address, "value": 10**20}))
    cfg = init_node(tmp_path, deployment=tmp_path / "deployment.json", rpc_url=node.rpc_url,
                    key_hex=attestor.key.hex(), window_s=WINDOW_S, slot_count=SLOTS)
    out = ecoai("attestor", "register", "--config", cfg, "--password-file", tmp_path / "pw")
    node_id = json.loads(out.stdout)["node_id"]
    client.activate_node(node_id)
    yield {"anvil": node, "w3": w3, "client": client, "cfg": cfg, "node_id": node_id,
           "attestor": attestor.address, "db": cfg.parent / "attestor.db", "tmp": tmp_path}
    node.stop()


def outbox(db):
    with sqlite3.connect(db, timeout=10) as c:
        return c.execute("SELECT epoch_start_s, state, last_error FROM epochrecord "
                         "ORDER BY epoch_start_s").fetchall()


def confirmed(db) -> int:
    try:
        return sum(1 for _s, st, _e in outbox(db) if st == "confirmed")
    except sqlite3.OperationalError:
        return 0


def certified_epochs(net) -> list[dict]:
    gp = net["client"].green_proof
    logs = gp.events.CertificateSubmitted().get_logs(
        from_block=0, argument_filters={"nodeId": net["node_id"]})
    # the certificate's fields, whole (the event carries them in four words)
    return [submitted_args(e.args)["record"] for e in logs]


def check_invariants(net, min_epochs: int) -> list[dict]:
    exp = ecoai("attestor", "export", "--config", net["cfg"], "--out", net["tmp"] / "log.jsonl")
    assert "verify: ok" in exp.stderr  # hashes, links, signatures, contiguous windows
    windows = [json.loads(x) for x in (net["tmp"] / "log.jsonl").read_text().splitlines()]
    certs = certified_epochs(net)
    starts = [int(c["epochStart"]) for c in certs]
    assert len(starts) >= min_epochs
    assert len(set(starts)) == len(starts), "an epoch was certified twice"
    assert starts == list(range(starts[0], starts[0] + EPOCH_S * len(starts), EPOCH_S)), \
        "an epoch was skipped"
    # one register + one transaction per certificate: nothing was ever sent twice
    assert net["w3"].eth.get_transaction_count(net["attestor"]) == 1 + len(starts)
    by_start = {w["start_s"]: w for w in windows}
    for c in certs:
        slots = [by_start[int(c["epochStart"]) + i * WINDOW_S] for i in range(SLOTS)]
        assert int(c["energyMj"]) == sum(w["energy_mj"] for w in slots)
        assert int(c["work"]) == sum(w["work"] for w in slots)
        assert int(c["intensityMgPerKwh"]) == INTENSITY
    assert not [r for r in outbox(net["db"]) if r[1] == "failed"]
    return certs


@pytest.mark.timeout(900)
def test_kill9_at_random_points_loses_nothing_and_sends_nothing_twice(network):
    net, rng = network, random.Random(20261122)
    log = net["tmp"] / "run.log"
    proc = spawn_run(net["cfg"], net["tmp"] / "pw", log, env_extra=FAST_RETRY)
    kills = 0
    deadline = time.monotonic() + 780
    try:
        while kills < 12 and time.monotonic() < deadline:
            time.sleep(rng.uniform(3.0, 12.0))  # start-up, sampling, proving or sending
            os.killpg(proc.pid, signal.SIGKILL)  # the agent and its prover worker
            proc.wait()
            kills += 1
            proc = spawn_run(net["cfg"], net["tmp"] / "pw", log, env_extra=FAST_RETRY)
        wait_for(lambda: confirmed(net["db"]) >= 20, max(5, deadline - time.monotonic()),
                 "20 confirmed epochs")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    assert kills == 12
    certs = check_invariants(net, min_epochs=20)
    # every sealed epoch was confirmed or was still in flight when the agent stopped
    states = [st for _s, st, _e in outbox(net["db"])]
    assert states[: len(certs)] == ["confirmed"] * len(certs)


def test_chain_outage_backlog_is_submitted_when_it_returns(network):
    net = network
    log = net["tmp"] / "run.log"
    proc = spawn_run(net["cfg"], net["tmp"] / "pw", log, env_extra=FAST_RETRY)
    try:
        wait_for(lambda: confirmed(net["db"]) >= 1, 120, "a confirmed epoch")
        net["anvil"].stop()  # dumps its state; the RPC is gone
        down_at = time.time()
        time.sleep(4 * EPOCH_S)
        sealed_during_outage = int(time.time())
        net["anvil"].start()  # same port, state reloaded
        wait_for(lambda: [s for s, st, _ in outbox(net["db"])
                          if s + EPOCH_S <= sealed_during_outage and st != "confirmed"] == []
                 and confirmed(net["db"]) >= 5, 240, "the backlog to be certified")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    certs = check_invariants(net, min_epochs=5)
    assert any(int(c["epochStart"]) >= down_at for c in certs)
    # a DAO challenge on a certified epoch: the revealed slot opens against the on-chain root
    from ecoai_chain.zk.witness import SlotOpening

    c = certs[-1]
    out = ecoai("attestor", "open-slot", str(c["epochStart"]), "1", "--config", net["cfg"],
                "--password-file", net["tmp"] / "pw")
    opened = json.loads(out.stdout)
    assert int(opened["root"]) == int(c["root"])
    assert SlotOpening.from_json(opened["opening"]).verify(int(c["root"]))
    assert "submission deferred" in log.read_text() or "proving deferred" in log.read_text()
