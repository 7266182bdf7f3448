"""The submitter against a real anvil whose mining and base fee the test drives by hand
(``evm_mine``, ``anvil_setNextBlockBaseFeePerGas``): stuck transactions are replaced at their
nonce with bounded fees, confirmations are waited for, failed attempts are bounded, and a bug
is neither swallowed nor retried forever. Each test starts from the same chain snapshot and a
fresh copy of the proved store."""

from __future__ import annotations

import json
import sqlite3

import pytest
from attestor_helpers import ecoai
from chain_world import proved_world

from attestor.metrics import Metrics
from attestor.states import EpochState
from attestor.store import Store
from attestor.submitter import Submitter
from ecoai_chain.chain.fees import FeePolicy, Fees

pytestmark = [pytest.mark.slow, pytest.mark.chain]

GWEI = 10**9
HIGH_BASE_FEE = 50 * GWEI


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with proved_world(tmp_path_factory.mktemp("world"), epochs=2) as w:
        yield w


@pytest.fixture
def s(world, tmp_path):
    """The module's world, rewound: chain snapshot, a copy of the store, manual mining."""
    rpc = world["rpc"]
    snap = rpc("evm_snapshot")
    rpc("evm_setIntervalMining", 0)
    rpc("evm_setAutomine", False)
    rpc("anvil_setNextBlockBaseFeePerGas", hex(GWEI))  # the fee market is not in a snapshot
    rpc("evm_mine")
    copy = tmp_path / "attestor.db"  # where `ecoai attestor status` looks for it
    with sqlite3.connect(world["store"].path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    store = Store(copy)
    yield {**world, "store": store, "dir": tmp_path}
    store.close()
    rpc("anvil_dropAllTransactions")  # the pool is not part of a snapshot either
    rpc("evm_revert", snap)
    rpc("evm_setBlockGasLimit", hex(30_000_000))
    rpc("evm_setIntervalMining", 1)


def mine(s, base_fee_wei: int | None = None) -> None:
    if base_fee_wei is not None:
        s["rpc"]("anvil_setNextBlockBaseFeePerGas", hex(base_fee_wei))
    s["rpc"]("evm_mine")


def submitter(s, **kw) -> Submitter:  # a fresh one = a restarted agent: only the database
    kw.setdefault("receipt_timeout_s", 0.2)
    return Submitter(s["store"], s["client"], s["attestor"], kw.pop("metrics", Metrics()),
                     backoff_s=0, backoff_max_s=0, **kw)


def run_until_confirmed(s, epoch_start_s: int, rounds: int, base_fee_wei: int | None = None,
                        **kw) -> None:
    """Up to ``rounds`` times, until the epoch is confirmed: run a fresh ``submitter(s, **kw)``
    once, then mine a block (at ``base_fee_wei``)."""
    for _ in range(rounds):
        if s["store"].get_epoch(epoch_start_s).state == EpochState.CONFIRMED:
            break
        submitter(s, **kw).run_once()
        mine(s, base_fee_wei)


def metric(m: Metrics, name: str, **labels: str) -> float:
    return m.registry.get_sample_value(name, labels) or 0.0


def test_stuck_transaction_is_replaced_at_its_nonce_with_a_higher_fee(s):
    w3, store, base = s["w3"], s["store"], s["base"]
    addr = s["attestor"].address
    nonce0 = w3.eth.get_transaction_count(addr)
    first = submitter(s).prepare(store.get_epoch(base))
    submitter(s)._broadcast(first.raw_tx)
    first_max_fee = w3.eth.get_transaction(first.tx_hash)["maxFeePerGas"]
    assert first_max_fee < HIGH_BASE_FEE
    mine(s, HIGH_BASE_FEE)  # the base fee jumps above the transaction's max fee, and stays
    run_until_confirmed(s, base, 6, base_fee_wei=HIGH_BASE_FEE)
    rec = store.get_epoch(base)
    assert rec.state == EpochState.CONFIRMED, rec.last_error
    landed = w3.eth.get_transaction(rec.tx_hash)
    assert rec.tx_hash != first.tx_hash  # a replacement landed, not the stuck original
    assert landed["nonce"] == nonce0 and landed["maxFeePerGas"] >= HIGH_BASE_FEE
    # the replacement reused the stuck nonce; the next epoch took the next one
    second = store.epochs()[1].epoch_start_s
    assert {t.nonce for t in store.submissions(second)} <= {nonce0 + 1}
    txs = store.submissions(base)  # every hash was remembered, in signing order
    assert txs[0].tx_hash == first.tx_hash and rec.tx_hash in [t.tx_hash for t in txs]
    assert {t.nonce for t in txs} == {nonce0}
    policy = FeePolicy(500 * GWEI)  # the defaults: +25 %, capped at 500 gwei
    for a, b in zip(txs, txs[1:], strict=False):
        assert b.max_fee_per_gas_wei >= policy.bump(a.max_fee_per_gas_wei)
        assert b.max_priority_fee_per_gas_wei >= policy.bump(a.max_priority_fee_per_gas_wei)
    assert all(t.max_fee_per_gas_wei <= 500 * GWEI for t in txs)
    certs = s["client"].green_proof.events.CertificateSubmitted().get_logs(
        from_block=0, argument_filters={"nodeId": s["node_id"], "epochStart": base})
    assert len(certs) == 1 and certs[0].transactionHash.hex().removeprefix("0x") == \
        rec.tx_hash.removeprefix("0x")


def test_replacement_fees_never_exceed_the_cap_and_the_epoch_waits(s):
    store, base = s["store"], s["base"]
    cap = 20 * GWEI
    m = Metrics()
    policy = FeePolicy(max_fee_per_gas_wei=cap, bump_percent=25)
    submitter(s, fee_policy=policy, metrics=m, confirmations=0).run_once()  # sent at ~2 gwei
    for _ in range(3):
        mine(s, HIGH_BASE_FEE)  # above the cap: nothing may be offered that could land
        submitter(s, fee_policy=policy, metrics=m, confirmations=0).run_once()
        rec = store.get_epoch(base)
        assert rec.state == EpochState.SUBMITTED, rec.last_error
        assert "cap" in rec.last_error and rec.submit_failures == 0
    assert all(t.max_fee_per_gas_wei <= cap for t in store.submissions(base))
    assert metric(m, "ecoai_submit_errors_total", kind="waiting") >= 3
    mine(s, GWEI)  # the base fee falls back under the cap
    run_until_confirmed(s, base, 4, base_fee_wei=GWEI, fee_policy=policy, metrics=m,
                        confirmations=0)
    assert store.get_epoch(base).state == EpochState.CONFIRMED
    assert all(t.max_fee_per_gas_wei <= cap for t in store.submissions(base))


def test_confirmed_only_after_the_configured_blocks_on_top(s):
    store, base, w3 = s["store"], s["base"], s["w3"]
    submitter(s, confirmations=3).run_once()
    assert store.get_epoch(base).state == EpochState.SUBMITTED
    mine(s)  # included
    block = w3.eth.get_transaction_receipt(store.get_epoch(base).tx_hash)["blockNumber"]
    for on_top in range(3):
        assert w3.eth.block_number - block == on_top
        submitter(s, confirmations=3).run_once()
        assert store.get_epoch(base).state == EpochState.SUBMITTED, on_top
        mine(s)
    assert submitter(s, confirmations=3).run_once() == 1
    rec = store.get_epoch(base)
    assert rec.state == EpochState.CONFIRMED and rec.certificate_id is not None


def test_failed_attempts_are_bounded_and_later_epochs_go_on(s):
    store, base = s["store"], s["base"]
    second = store.epochs()[1].epoch_start_s
    s["rpc"]("evm_setBlockGasLimit", hex(60_000))  # too small for a certificate: refused
    mine(s)
    m = Metrics()
    for _ in range(3):
        submitter(s, max_attempts=3, metrics=m, confirmations=0).run_once()
    rec = store.get_epoch(base)
    assert rec.state == EpochState.FAILED and rec.submit_failures == 3
    assert "gave up after 3 failed attempts" in rec.last_error
    assert "gas" in rec.last_error.lower()  # the node's reason is kept
    assert metric(m, "ecoai_submit_errors_total", kind="attempt") == 4  # 3 + the next epoch's 1
    assert metric(m, "ecoai_epochs_failed_total") == 1
    assert store.submissions(base) == []  # nothing was ever signed for it
    s["rpc"]("evm_setBlockGasLimit", hex(30_000_000))
    mine(s)
    run_until_confirmed(s, second, 3, max_attempts=3, metrics=m, confirmations=0)
    assert store.get_epoch(second).state == EpochState.CONFIRMED
    assert store.get_epoch(base).state == EpochState.FAILED  # never retried
    cfg = s["dir"] / "config.toml"
    cfg.write_text(f"data_dir = {json.dumps(str(s['dir']))}\n")
    status = json.loads(ecoai("attestor", "status", "--config", cfg, "--json").stdout)
    (failed,) = status["failed_epochs"]
    assert failed["epoch_start_s"] == base and failed["submit_failures"] == 3
    assert "gave up after 3 failed attempts" in failed["last_error"]
    assert status["epochs"] == {"failed": 1, "confirmed": 1}


def test_a_bug_is_raised_recorded_against_the_epoch_and_bounded(s):
    store, base = s["store"], s["base"]
    store.update_epoch(base, proof_json="{}")  # a record the code cannot handle: KeyError
    m = Metrics()
    for n in (1, 2):
        with pytest.raises(KeyError):
            submitter(s, max_attempts=2, metrics=m).run_once()
        rec = store.get_epoch(base)
        assert rec.submit_failures == n and "internal error" in rec.last_error
        assert "KeyError" in rec.last_error
    assert rec.state == EpochState.FAILED
    assert metric(m, "ecoai_submit_errors_total", kind="bug") == 2
    submitter(s, max_attempts=2, metrics=m).run_once()  # the failed epoch is not retried
    assert store.get_epoch(base).state == EpochState.FAILED


def test_replacement_committed_but_never_sent_is_the_one_sent_after_a_crash(s):
    store, base, w3 = s["store"], s["base"], s["w3"]
    first = submitter(s).prepare(store.get_epoch(base))
    submitter(s)._broadcast(first.raw_tx)
    mine(s, HIGH_BASE_FEE)  # stuck
    old = store.submissions(base)[0]
    policy = FeePolicy(500 * GWEI)
    fees = policy.replacement(Fees(old.max_fee_per_gas_wei, old.max_priority_fee_per_gas_wei),
                              HIGH_BASE_FEE, GWEI)
    crashed = submitter(s).prepare(store.get_epoch(base), nonce=old.nonce, fees=fees)
    # -- kill -9 here: signed and committed, never broadcast --
    run_until_confirmed(s, base, 4, base_fee_wei=HIGH_BASE_FEE, confirmations=0)
    rec = store.get_epoch(base)
    assert rec.state == EpochState.CONFIRMED and rec.tx_hash == crashed.tx_hash
    assert w3.eth.get_transaction(crashed.tx_hash)["nonce"] == old.nonce


def test_a_store_without_transaction_rows_still_lands_its_transaction(s):
    """Outboxes written before ``submissiontx`` hold only the epoch's raw transaction."""
    store, base = s["store"], s["base"]
    sent = submitter(s).prepare(store.get_epoch(base))
    with sqlite3.connect(store.path) as c:
        c.execute("DELETE FROM submissiontx")
    assert store.submissions(base) == []
    run_until_confirmed(s, base, 3, confirmations=0)
    rec = store.get_epoch(base)
    assert rec.state == EpochState.CONFIRMED and rec.tx_hash == sent.tx_hash


def test_an_rpc_outage_waits_and_uses_up_no_attempts(s):
    """The agent's own transport (redacting HTTP) down: a backlog, not failed epochs."""
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.devnet import free_port
    from ecoai_chain.chain.rpc import http_web3

    store, base = s["store"], s["base"]
    dead = GreenProofClient(http_web3(f"http://user:secret@127.0.0.1:{free_port()}",
                                      timeout_s=2), s["client"].deployment, s["attestor"])
    m = Metrics()
    for _ in range(4):
        Submitter(store, dead, s["attestor"], m, backoff_s=0, backoff_max_s=0,
                  max_attempts=2).run_once()
    rec = store.get_epoch(base)
    assert rec.state == EpochState.PROVED and rec.submit_failures == 0
    assert rec.last_error.startswith("waiting: ") and "secret" not in rec.last_error
    assert metric(m, "ecoai_submit_errors_total", kind="waiting") == 4
    assert metric(m, "ecoai_submit_errors_total", kind="attempt") == 0
    submitter(s, confirmations=0).run_once()  # the chain is back: it drains
    mine(s)
    assert submitter(s, confirmations=0).run_once() == 1


def test_a_mined_revert_is_one_failed_attempt_and_the_resend_lands(s):
    store, base, w3, rpc = s["store"], s["base"], s["w3"], s["rpc"]
    admin, node_id = s["admin"], s["node_id"]
    submitter(s, confirmations=0).run_once()  # ours waits in the pool
    dao = admin.account
    suspend = dao.sign_transaction(admin.green_proof.functions.suspendNode(
        node_id, "maintenance").build_transaction({
            "from": dao.address, "nonce": w3.eth.get_transaction_count(dao.address, "pending"),
            "maxFeePerGas": 200 * GWEI, "maxPriorityFeePerGas": 100 * GWEI}))
    w3.eth.send_raw_transaction(suspend.raw_transaction)  # outbids ours within the block
    mine(s)
    first = store.get_epoch(base)
    assert w3.eth.get_transaction_receipt(first.tx_hash)["status"] == 0  # mined, reverted
    submitter(s, confirmations=0).run_once()
    rec = store.get_epoch(base)
    assert rec.state == EpochState.PROVED and rec.submit_failures == 1
    rpc("evm_setAutomine", True)
    admin.activate_node(node_id)
    rpc("evm_setAutomine", False)
    run_until_confirmed(s, base, 3, confirmations=0)
    rec = store.get_epoch(base)
    assert rec.state == EpochState.CONFIRMED and rec.submit_failures == 1
    txs = store.submissions(base)
    assert len(txs) == 2 and txs[1].nonce == txs[0].nonce + 1 and rec.tx_hash == txs[1].tx_hash
