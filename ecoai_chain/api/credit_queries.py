"""What backs an Eco Credit, read from the index (issue 13): a certificate's reward state
(escrowed / held / released / cancelled, with the ceiling and per-epoch bound in force at its
epoch start) and an operator's record (debt, bond per node, slashes, reward totals).

Everything is replayed from the event rows (credit_events, revocations), never from a
running total the indexer keeps, so a reorg that removes events changes the answer with them.
Units: EcoCredit units (1e18 = 1 ECO) for rewards and debt, as decimal strings (they exceed
2^53); wei for bonds, likewise as decimal strings."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select

from ecoai_chain.api.queries import Queries, node_json
from ecoai_chain.core import credits
from ecoai_chain.indexer.models import Node, Revocation
from ecoai_chain.indexer.models_credits import CreditEvent
from ecoai_chain.indexer.store import T

CE, RV, N = T[CreditEvent], T[Revocation], T[Node]
BOND_KINDS = {"bond_locked": "locked_wei", "bond_slashed": "slashed_wei",
              "bond_returned": "returned_wei"}


def _text(v: int | None) -> str | None:
    return None if v is None else str(v)


def _order(r: Any) -> tuple[int, int]:
    return (r.block_number, r.log_index)


class CreditQueries:
    """``CreditQueries(queries)``: reads over the engine of `Queries`."""

    def __init__(self, queries: Queries) -> None:
        self.q = queries

    def _rows(self, stmt) -> list:
        with self.q.engine.connect() as c:
            return c.execute(stmt).all()

    # --- one certificate --------------------------------------------------------------------
    def certificate_credits(self, row: Any) -> dict[str, Any]:
        """The reward of the certificate in index ``row``: its state, amounts, release time,
        and the baseline, efficiency ceiling and per-epoch bound in force at its epoch start
        as scheduled before its log (the evidence `ecoai verify`'s ceiling check reads)."""
        from ecoai_chain.api.verify import index_evidence
        from ecoai_chain.verify.checks import reward_bound_at_epoch

        cid = row.certificate_id
        events = self._rows(select(CE).where(CE.c.certificate_id == cid)
                            .order_by(CE.c.block_number, CE.c.log_index))
        first = {}
        for e in events:
            first.setdefault(e.kind, e)
        holds = [e.kind for e in events if e.kind in ("held", "hold_lifted")]
        held = bool(holds) and holds[-1] == "held"
        rev = self._rows(select(RV.c.clawed_back_units, RV.c.debt_units)
                         .where(RV.c.certificate_id == cid)
                         .order_by(RV.c.block_number, RV.c.log_index).limit(1))
        released, cancelled = first.get("released"), first.get("cancelled")
        escrowed = first.get("escrowed")
        ev = index_evidence(self.q, row, None, None)
        baseline_ng, baseline_set = ev.baseline_at_block
        return {
            "state": credits.credit_state(bool(row.revoked), released is not None,
                                          held and released is None and not row.revoked),
            "reward_units": str(row.reward_units),
            "release_at_s": escrowed.release_at_s if escrowed is not None else None,
            "released_at_s": released.block_time_s if released is not None else None,
            "minted_units": _text(released.units) if released is not None else None,
            "withheld_units": _text(released.extra_units) if released is not None else None,
            "cancelled_units": _text(cancelled.units) if cancelled is not None else None,
            "clawed_back_units": _text(rev[0][0]) if rev else None,
            "debt_units": _text(rev[0][1]) if rev else None,
            "held": held,
            "baseline_ng_per_work": baseline_ng if baseline_set else None,
            "ceiling_work_per_kwh": ev.ceiling_at_epoch,
            "epoch_length_s": ev.epoch_length_s,
            "bound_units": _text(reward_bound_at_epoch(ev)),
        }

    def node_bond(self, node_id: int) -> dict[str, str]:
        """The node's bond (wei, decimal text): locked, slashed, returned, held now."""
        events = self._rows(select(CE).where(CE.c.node_id == node_id,
                                             CE.c.kind.in_(list(BOND_KINDS))))
        return _bonds(events)[node_id]

    # --- one operator -----------------------------------------------------------------------
    def operator(self, address: str) -> dict[str, Any] | None:
        """The operator's record (checksummed ``address``); None when the index holds no node
        of it and no Eco Credits event naming it."""
        nodes = self._rows(select(N).where(N.c.operator == address).order_by(N.c.node_id))
        # its node ids as a subquery, never as a literal list: one bind parameter per node
        # would fail past the driver's limit (65,535 in PostgreSQL) for an operator with
        # that many nodes, and its record (its debt) would be a 500
        ids = select(N.c.node_id).where(N.c.operator == address).scalar_subquery()
        events = self._rows(select(CE).where(or_(CE.c.operator == address,
                                                 CE.c.node_id.in_(ids)))
                            .order_by(CE.c.block_number, CE.c.log_index))
        if not nodes and not events:
            return None
        revs = self._rows(select(RV).where(RV.c.node_id.in_(ids))) if nodes else []
        bonds = _bonds(events)
        totals = dict.fromkeys(("escrowed", "minted", "withheld", "cancelled"), 0)
        slashes = []
        for e in events:
            if e.kind == "bond_slashed":
                slashes.append({"node_id": e.node_id, "certificate_id": e.certificate_id,
                                "slashed_wei": str(e.units), "treasury": e.counterparty,
                                "block_number": e.block_number, "block_time_s": e.block_time_s,
                                "tx_hash": e.tx_hash})
            elif e.kind == "released":
                totals["minted"] += e.units
                totals["withheld"] += e.extra_units or 0
            elif e.kind in ("escrowed", "cancelled"):
                totals[e.kind] += e.units
        debt, debt_events = _debt(events, revs)
        released = totals["minted"] + totals["withheld"]
        out_nodes = [{**node_json(n), "bond": bonds[n.node_id]} for n in nodes]
        return {
            "operator": address, "debt_units": str(debt), "in_debt": debt > 0,
            "rewards": {"escrowed_units": str(totals["escrowed"] - released
                                              - totals["cancelled"]),
                        "released_units": str(released), "minted_units": str(totals["minted"]),
                        "withheld_units": str(totals["withheld"]),
                        "cancelled_units": str(totals["cancelled"]),
                        "clawed_back_units": str(sum(r.clawed_back_units for r in revs))},
            "bond_wei": str(sum(int(n["bond"]["current_wei"]) for n in out_nodes)),
            "nodes": out_nodes, "slashes": slashes, "debt_events": debt_events,
        }


def _bonds(events: list) -> dict[int, dict[str, str]]:
    """{node id: its bond locked, slashed, returned and held now (wei, decimal text)} from its
    BondLocked / BondSlashed / BondReturned rows (any node not among them: all zero)."""
    sums: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BOND_KINDS.values(), 0))
    for e in events:
        if e.kind in BOND_KINDS:
            sums[e.node_id][BOND_KINDS[e.kind]] += e.units
    out: dict[int, dict[str, str]] = defaultdict(lambda: _bond_text(dict.fromkeys(
        BOND_KINDS.values(), 0)))
    out.update({nid: _bond_text(b) for nid, b in sums.items()})
    return out


def _bond_text(b: dict[str, int]) -> dict[str, str]:
    current = b["locked_wei"] - b["slashed_wei"] - b["returned_wei"]
    return {**{k: str(v) for k, v in b.items()}, "current_wei": str(current)}


def _debt(events: list, revs: list) -> tuple[int, list[dict]]:
    """Replay the operator's debt in chain order: a revocation after release adds its
    ``debtUnits``; a withholding and a repayment each state the debt that remains."""
    debt, out = 0, []
    steps = [("revoked", r) for r in revs if r.debt_units] + [
        (e.kind, e) for e in events if e.kind in ("withheld", "debt_repaid")]
    for kind, r in sorted(steps, key=lambda s: _order(s[1])):
        if kind == "revoked":
            debt += r.debt_units
            units = r.debt_units
        else:
            debt, units = r.extra_units, r.units
        out.append({"kind": kind, "certificate_id": r.certificate_id, "units": str(units),
                    "debt_after_units": str(debt), "block_number": r.block_number,
                    "tx_hash": r.tx_hash})
    return debt, out
