"""The follower against a real anvil: transfers and certificate-shaped events, batched ranges,
resume from the checkpoint, confirmations, reorgs (anvil snapshot/revert), idempotency."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ecoai_chain.indexer.models import Balance, Certificate, CreditTransfer, DailyAggregate, Node
from ecoai_chain.indexer.store import T

pytestmark = pytest.mark.chain
ECO = 10**18


def _count(store, model) -> int:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(T[model])).scalar()


def _balances(store) -> dict[str, int]:
    with store.engine.connect() as c:
        return {a: int(b) for a, b in c.execute(select(T[Balance].c.address,
                                                       T[Balance].c.balance_units))}


def test_transfers_balances_and_supply(load, make_indexer):
    a, b = load.accounts[1], load.accounts[2]
    load.mint(a.address, 10 * ECO)
    load.transfer(a, b.address, 3 * ECO)
    load.transfer(b, a.address, 1 * ECO)
    ix = make_indexer(load.config(initial_range=1))  # one block per query: many ranges
    assert ix.sync() == 3
    assert _balances(ix.store) == {a.address: 8 * ECO, b.address: 2 * ECO}
    assert ix.store.get_meta("total_supply_units") == str(10 * ECO)
    assert load.eco.functions.balanceOf(a.address).call() == 8 * ECO
    assert ix.step() is None  # caught up


def test_certificates_nodes_and_daily_aggregates(load, make_indexer):
    region = b"KR".ljust(32, b"\0")
    load.tx(load.emitter.functions.registerNodes(1, 2, region))
    load.tx(load.emitter.functions.emitCertificates(1, 1_700_006_400, 30))  # 30 hourly epochs
    ix = make_indexer(load.config())
    assert ix.sync() == 32
    assert _count(ix.store, Certificate) == 30
    with ix.store.engine.connect() as c:
        node = c.execute(select(T[Node]).where(T[Node].c.node_id == 1)).mappings().one()
        days = c.execute(select(T[DailyAggregate])
                         .order_by(T[DailyAggregate].c.day)).mappings().all()
        cert = c.execute(select(T[Certificate]).where(
            T[Certificate].c.certificate_id == 7)).mappings().one()
    assert node["region"] == "KR" and node["certificate_count"] == 30 and node["avg_score"] == 80
    assert sum(d["certificate_count"] for d in days) == 30 and {d["region"] for d in days} == {"KR"}
    energy = sum(2_000_000_000 + i for i in range(30))
    assert sum(d["energy_mj"] for d in days) == energy == node["energy_mj"]
    assert cert["epoch_start_s"] == 1_700_006_400 + 6 * 3600 and cert["workload_class"] == \
        "llm-inference" and cert["energy_mj"] == 2_000_000_006 and cert["region"] == "KR"


def test_resume_after_restart_does_not_duplicate(load, make_indexer, db_url):
    a = load.accounts[1]
    for _ in range(3):
        load.mint(a.address, ECO)
    first = make_indexer(load.config())
    assert first.sync() == 3
    cp = first.checkpoint
    load.mint(a.address, ECO)
    second = make_indexer(load.config(), db_url)  # a new process reading the same database
    assert second.checkpoint == cp
    assert second.sync() == 1
    assert _count(second.store, CreditTransfer) == 4
    assert _balances(second.store)[a.address] == 4 * ECO


def test_reapplying_a_range_is_idempotent(load, make_indexer):
    a = load.accounts[1]
    load.mint(a.address, 5 * ECO)
    ix = make_indexer(load.config())
    ix.sync()
    # Rewind the checkpoint only (as a crash between reading and recording could): rows stay.
    with ix.store.engine.begin() as conn:
        ix.store._set_meta(conn, "checkpoint_block", str(load.start_block - 1))
    ix.sync()
    assert _count(ix.store, CreditTransfer) == 1


def test_confirmations_hold_back_the_tail(load, make_indexer, raw_w3):
    a = load.accounts[1]
    load.mint(a.address, ECO)
    ix = make_indexer(load.config(confirmations=3))
    assert ix.sync() == 0
    raw_w3.provider.make_request("anvil_mine", [3])
    assert ix.sync() == 1


def test_reorg_removes_orphaned_rows_and_restores_balances(load, make_indexer, raw_w3):
    a, b = load.accounts[1], load.accounts[2]
    load.mint(a.address, 10 * ECO)
    snap = raw_w3.provider.make_request("evm_snapshot", [])["result"]
    load.transfer(a, b.address, 4 * ECO)
    load.tx(load.emitter.functions.registerNodes(1, 1, b"DE".ljust(32, b"\0")))
    load.tx(load.emitter.functions.emitCertificates(1, 1_700_006_400, 5))
    ix = make_indexer(load.config())
    assert ix.sync() == 8
    assert _balances(ix.store)[b.address] == 4 * ECO
    # Replace the last three blocks with a different history of the same length and more.
    raw_w3.provider.make_request("evm_revert", [snap])
    load.transfer(a, b.address, 1 * ECO)
    raw_w3.provider.make_request("anvil_mine", [5])
    ix.sync()
    assert _balances(ix.store) == {a.address: 9 * ECO, b.address: 1 * ECO}
    assert _count(ix.store, Certificate) == 0 and _count(ix.store, Node) == 0
    assert _count(ix.store, DailyAggregate) == 0
    assert ix.store.get_meta("total_supply_units") == str(10 * ECO)
    assert ix.checkpoint == raw_w3.eth.block_number


def test_reorg_deeper_than_kept_hashes_is_refused(load, make_indexer, raw_w3):
    from ecoai_chain.errors import ReorgTooDeep

    a = load.accounts[1]
    raw_w3.provider.make_request("anvil_mine", [3])
    snap = raw_w3.provider.make_request("evm_snapshot", [])["result"]
    for _ in range(4):
        load.mint(a.address, ECO)
    ix = make_indexer(load.config(keep_hashes=2))
    ix.sync()
    raw_w3.provider.make_request("evm_revert", [snap])
    raw_w3.provider.make_request("anvil_mine", [6])
    with pytest.raises(ReorgTooDeep):
        ix.sync()


class _LimitedRpc:
    """A real anvil behind a provider-style limit: eth_getLogs over more than ``max_blocks``
    blocks fails as public RPC providers do (-32005)."""

    def __init__(self, rpc, max_blocks: int) -> None:
        self._rpc, self.max_blocks, self.refused = rpc, max_blocks, 0

    def __getattr__(self, name):
        return getattr(self._rpc, name)

    def get_logs(self, addresses, topics0, from_block, to_block):
        from ecoai_chain.errors import RpcError

        if to_block - from_block + 1 > self.max_blocks:
            self.refused += 1
            raise RpcError("eth_getLogs", -32005, "query exceeds max block range")
        return self._rpc.get_logs(addresses, topics0, from_block, to_block)


def test_adaptive_range_shrinks_on_provider_limits(load, make_indexer):
    a = load.accounts[1]
    for _ in range(6):
        load.mint(a.address, ECO)
    ix = make_indexer(load.config(initial_range=1_000))
    ix.rpc = _LimitedRpc(ix.rpc, max_blocks=2)
    assert ix.sync() == 6
    # halved 1000 -> 2 once (9 refusals), then never grows past the refused size again
    assert 1 <= ix.rpc.refused <= 10 and ix.range <= 2
    assert _balances(ix.store)[a.address] == 6 * ECO
