"""Derived state of the index -- node totals and status, daily aggregates, revoked flags,
balances and total supply -- recomputed from the event rows for the keys a batch or a rollback
touched (`Touched`). Sums of uint256 quantities are exact (`sqltypes.usum`, Python ints)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from ecoai_chain.indexer.db import upsert
from ecoai_chain.indexer.models import (
    Balance,
    Certificate,
    DailyAggregate,
    Meta,
    Node,
    NodeEvent,
    Revocation,
    T,
)
from ecoai_chain.indexer.sqltypes import usum


def day_of(ts_s: int) -> str:
    return datetime.fromtimestamp(ts_s, UTC).strftime("%Y-%m-%d")


class Touched:
    def __init__(self) -> None:
        self.nodes: set[int] = set()
        self.days: set[tuple[str, str]] = set()
        self.revoked_certs: set[int] = set()
        self.node_state: set[int] = set()
        self.balance_deltas: dict[str, int] = defaultdict(int)
        self.supply_delta = 0


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(T[Meta].c.value).where(T[Meta].c.key == key)).scalar()


def refresh(conn: Connection, t: Touched) -> None:
    """Recompute what ``t`` says a batch or a rollback touched."""
    if t.revoked_certs:
        _refresh_revoked(conn, t.revoked_certs, t)
    for node_id in t.node_state:
        _refresh_node_state(conn, node_id)
    if t.nodes:
        _refresh_node_totals(conn, t.nodes)
    for region, day in t.days:
        _refresh_day(conn, region, day)
    if t.balance_deltas:
        _apply_balances(conn, t.balance_deltas)
    if t.supply_delta:
        supply = int(get_meta(conn, "total_supply_units") or 0) + t.supply_delta
        set_meta(conn, "total_supply_units", str(supply))

def _refresh_revoked(conn: Connection, cert_ids: set[int], t: Touched) -> None:
    c, r = T[Certificate], T[Revocation]
    for cid in cert_ids:
        reason = conn.execute(select(r.c.reason).where(r.c.certificate_id == cid)
                              .order_by(r.c.block_number, r.c.log_index)).scalars().first()
        conn.execute(update(c).where(c.c.certificate_id == cid)
                     .values(revoked=reason is not None, revoked_reason=reason))
        row = conn.execute(select(c.c.node_id, c.c.region, c.c.epoch_start_s)
                           .where(c.c.certificate_id == cid)).first()
        if row is not None:
            t.nodes.add(row[0])
            t.days.add((row[1], day_of(row[2])))

def _refresh_node_state(conn: Connection, node_id: int) -> None:
    n, e = T[Node], T[NodeEvent]
    events = conn.execute(select(e.c.kind, e.c.status, e.c.reason, e.c.attestor)
                          .where(e.c.node_id == node_id)
                          .order_by(e.c.block_number, e.c.log_index)).all()
    reg = conn.execute(select(n.c.registered_attestor).where(n.c.node_id == node_id)).first()
    if reg is None:
        return
    status, reason, attestor = 0, "", reg[0]
    for kind, st, rs, att in events:
        if kind == "status":
            status, reason = st, rs or ""
        else:
            attestor = att
    conn.execute(update(n).where(n.c.node_id == node_id)
                 .values(status=status, status_reason=reason, attestor=attestor))

def _refresh_node_totals(conn: Connection, node_ids: set[int]) -> None:
    c, n = T[Certificate], T[Node]
    live = c.c.revoked.is_(False)
    q = (select(c.c.node_id, func.count(), func.coalesce(usum(c.c.eco_score), 0),
                func.coalesce(usum(c.c.energy_mj), 0),
                func.coalesce(usum(c.c.carbon_mg), 0),
                func.coalesce(usum(c.c.avoided_mg), 0))
         .where(c.c.node_id.in_(node_ids), live).group_by(c.c.node_id))
    found = {r[0]: r[1:] for r in conn.execute(q).all()}
    for node_id in node_ids:
        cnt, ssum, e, cb, av = found.get(node_id, (0, 0, 0, 0, 0))
        conn.execute(update(n).where(n.c.node_id == node_id).values(
            certificate_count=cnt, score_sum=int(ssum), energy_mj=int(e), carbon_mg=int(cb),
            avoided_mg=int(av), avg_score=int(ssum) // cnt if cnt else 0))

def _refresh_day(conn: Connection, region: str, day: str) -> None:
    c, d = T[Certificate], T[DailyAggregate]
    start = int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
    rows = conn.execute(select(c.c.energy_mj, c.c.carbon_mg, c.c.avoided_mg, c.c.work,
                               c.c.reward_units)
                        .where(c.c.region == region, c.c.epoch_start_s >= start,
                               c.c.epoch_start_s < start + 86_400,
                               c.c.revoked.is_(False))).all()
    conn.execute(delete(d).where(d.c.region == region, d.c.day == day))
    if rows:
        conn.execute(d.insert().values(
            region=region, day=day, energy_mj=sum(r[0] for r in rows),
            carbon_mg=sum(r[1] for r in rows), avoided_mg=sum(r[2] for r in rows),
            work=str(sum(int(r[3]) for r in rows)),
            credits_units=str(sum(int(r[4]) for r in rows)), certificate_count=len(rows)))

def _apply_balances(conn: Connection, deltas: dict[str, int]) -> None:
    b = T[Balance]
    addrs = list(deltas)
    current = dict(conn.execute(select(b.c.address, b.c.balance_units)
                                .where(b.c.address.in_(addrs))).all())
    rows = [{"address": a, "balance_units": str(int(current.get(a, "0")) + d)}
            for a, d in deltas.items()]
    upsert(conn, b, rows, ["address"], ["balance_units"])

def set_meta(conn: Connection, key: str, value: str) -> None:
    upsert(conn, T[Meta], [{"key": key, "value": value}], ["key"], ["value"])
