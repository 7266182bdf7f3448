"""The proposal list reads the supply and quorum history once per page, not once per proposal:
with a threshold of 0 anyone can fill a page with proposals, and each one used to scan every
mint and burn of EcoCredit (4 s for 200 proposals over 20,000 certificates). Real SQLite; the
quorum of each proposal is still the Governor's (supply at the snapshot x numerator / 100)."""

from __future__ import annotations

from sqlalchemy import event, insert

from ecoai_chain.api.proposals import ProposalQueries
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.models import CreditTransfer, Proposal, ProposalEvent, T

ZERO = "0x" + "0" * 40
HOLDER = "0x" + "1" * 40


def _tx(i: int) -> str:
    return f"0x{i:064x}"


def _world(url: str, proposals: int) -> ProposalQueries:
    engine = make_engine(url)
    moves = [(ZERO, HOLDER, 10**18 + i) for i in range(300)]  # mints ...
    moves += [(HOLDER, ZERO, 7 * 10**17) for _ in range(40)]  # ... and burns, interleaved
    moves += [(HOLDER, "0x" + "2" * 40, 5)]                    # a plain transfer: no supply
    with engine.begin() as c:
        c.execute(insert(T[CreditTransfer]), [
            {"from_address": f, "to_address": t, "value_units": str(v), "block_number": i,
             "block_time_s": 1_000 + (i * 7919) % 341, "tx_hash": _tx(i), "log_index": 0}
            for i, (f, t, v) in enumerate(moves)])
        c.execute(insert(T[ProposalEvent]), [
            {"kind": "quorum", "value": str(n), "block_number": 500 + k,
             "block_time_s": s, "tx_hash": _tx(500 + k), "log_index": 0}
            for k, (s, n) in enumerate([(900, 4), (1_100, 10), (1_100, 25), (1_250, 3)])])
        c.execute(insert(T[Proposal]), [
            {"proposal_id": str(2**255 + i), "proposer": ZERO, "description": "spam",
             "description_hash": "0x" + "0" * 64, "vote_start_s": 950 + i * 3,
             "vote_end_s": 2_000 + i, "actions_json": "[]", "timelock_op_id": "0x" + "0" * 64,
             "block_number": 1_000 + i, "block_time_s": 900, "tx_hash": _tx(1_000 + i),
             "log_index": 0} for i in range(proposals)])
    return ProposalQueries(engine)


def _expected_quorum(snapshot_s: int, url: str) -> int:
    """The Governor's quorum from the rows, computed the plain way."""
    engine = make_engine(url)
    with engine.connect() as c:
        moves = c.execute(T[CreditTransfer].select()).all()
        quorums = c.execute(T[ProposalEvent].select().where(
            T[ProposalEvent].c.kind == "quorum")).all()
    supply = sum((int(m.value_units) if m.from_address == ZERO else -int(m.value_units))
                 for m in moves if m.block_time_s <= snapshot_s
                 and ZERO in (m.from_address, m.to_address))
    in_force = [q for q in quorums if q.block_time_s <= snapshot_s]
    numerator = int(max(in_force, key=lambda q: (q.block_number, q.log_index)).value) \
        if in_force else 0
    return supply * numerator // 100


def test_a_page_of_proposals_reads_the_transfers_once(tmp_path):
    url = f"sqlite:///{tmp_path}/index.db"
    q = _world(url, proposals=120)
    reads: list[str] = []
    event.listen(q.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *a: reads.append(sql) if "credit_transfers" in sql
                 else None)
    page = q.proposals(100, None)
    assert len(page["items"]) == 100
    assert len(reads) == 1, reads


def test_each_proposal_keeps_the_governors_quorum(tmp_path):
    url = f"sqlite:///{tmp_path}/index.db"
    q = _world(url, proposals=130)
    items = q.proposals(200, None)["items"]
    assert len(items) == 130
    for p in items:
        assert int(p["quorum_units"]) == _expected_quorum(p["snapshot_s"], url), p["snapshot_s"]
    one = q.proposal(items[7]["proposal_id"])
    assert one["quorum_units"] == items[7]["quorum_units"]
