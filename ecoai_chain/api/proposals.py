"""Read side of the DAO for the REST API and the explorer: proposals with their state (derived
as the Governor derives it, `indexer.governance.derive_state`), votes, quorum, ETA and decoded
actions; which proposal revoked a certificate."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from ecoai_chain.api.params import decode_cursor, encode_cursor
from ecoai_chain.errors import ValidationError
from ecoai_chain.indexer.governance import QUORUM_DENOMINATOR, SUPPORT, derive_state
from ecoai_chain.indexer.models import (
    CreditTransfer,
    Meta,
    Proposal,
    ProposalEvent,
    Revocation,
    Vote,
)
from ecoai_chain.indexer.store import ZERO_ADDRESS, T

P, V, PE, X, M, RV = (T[Proposal], T[Vote], T[ProposalEvent], T[CreditTransfer], T[Meta],
                      T[Revocation])
_PID = re.compile(r"[0-9]{1,78}")


def proposal_id(field: str, value: str) -> str:
    """A proposal id: a uint256 in ASCII decimal digits (as the API prints it)."""
    if not _PID.fullmatch(value or "") or int(value) >= 2**256:
        raise ValidationError(field, "must be a uint256 in decimal digits 0-9")
    return str(int(value))


class QuorumHistory:
    """EcoCredit's supply (mints minus burns) and the quorum numerator over time, read once per
    request: ``units_at(snapshot_s)`` is Governor.quorum at that snapshot (supply at it x the
    numerator in force then / 100). Anyone may propose (threshold 0), so a page of proposals
    must not cost a scan of every transfer per proposal."""

    def __init__(self, conn) -> None:
        moves = conn.execute(select(X.c.block_time_s, X.c.from_address, X.c.value_units).where(
            or_(X.c.from_address == ZERO_ADDRESS, X.c.to_address == ZERO_ADDRESS))).all()
        moves.sort(key=lambda m: m[0])
        self._times = [m[0] for m in moves]
        self._supply, total = [], 0  # supply after each move, in time order
        for _t, frm, v in moves:
            total += int(v) if frm == ZERO_ADDRESS else -int(v)
            self._supply.append(total)
        nums = conn.execute(select(PE.c.block_time_s, PE.c.value).where(PE.c.kind == "quorum")
                            .order_by(PE.c.block_number, PE.c.log_index)).all()
        self._num_times = [n[0] for n in nums]  # block order: times never decrease
        self._nums = [int(n[1]) for n in nums]

    def units_at(self, snapshot_s: int) -> int:
        i = bisect_right(self._times, snapshot_s)
        supply = self._supply[i - 1] if i else 0
        j = bisect_right(self._num_times, snapshot_s)
        numerator = self._nums[j - 1] if j else 0
        return supply * numerator // QUORUM_DENOMINATOR


class ProposalQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _now_s(self, conn) -> int:
        v = conn.execute(select(M.c.value).where(M.c.key == "checkpoint_time_s")).scalar()
        return int(v) if v else 0

    def _json(self, conn, p: Any, with_votes: bool, quorums: QuorumHistory) -> dict:
        votes = conn.execute(select(V).where(V.c.proposal_id == p.proposal_id)
                             .order_by(V.c.block_number, V.c.log_index)).all()
        totals = {0: 0, 1: 0, 2: 0}
        for v in votes:
            totals[v.support] = totals.get(v.support, 0) + int(v.weight_units)
        events = conn.execute(select(PE).where(or_(
            PE.c.proposal_id == p.proposal_id,
            (PE.c.kind == "timelock_cancelled") & (PE.c.op_id == p.timelock_op_id)))
            .order_by(PE.c.block_number, PE.c.log_index)).all()
        by_kind = {e.kind: e for e in events}
        canceled = by_kind.get("canceled") or by_kind.get("timelock_cancelled")
        queued, executed = by_kind.get("queued"), by_kind.get("executed")
        quorum = quorums.units_at(p.vote_start_s)
        now = self._now_s(conn)
        state = derive_state(snapshot_s=p.vote_start_s, deadline_s=p.vote_end_s, now_s=now,
                             executed=executed is not None, canceled=canceled is not None,
                             queued=queued is not None, for_units=totals[1],
                             against_units=totals[0], abstain_units=totals[2],
                             quorum_units=quorum)
        out = {
            "proposal_id": p.proposal_id, "proposer": p.proposer, "description": p.description,
            "description_hash": p.description_hash, "state": state,
            "snapshot_s": p.vote_start_s, "deadline_s": p.vote_end_s,
            "eta_s": queued.eta_s if queued is not None else None, "as_of_s": now,
            "votes": {"for": str(totals[1]), "against": str(totals[0]),
                      "abstain": str(totals[2])},
            "vote_count": len(votes), "quorum_units": str(quorum),
            "quorum_reached": totals[1] + totals[2] >= quorum,
            "actions": json.loads(p.actions_json),
            "created": {"block_number": p.block_number, "block_time_s": p.block_time_s,
                        "tx_hash": p.tx_hash},
            "queued_tx": queued.tx_hash if queued is not None else None,
            "executed_tx": executed.tx_hash if executed is not None else None,
            "canceled_tx": canceled.tx_hash if canceled is not None else None,
            "canceled_by": ("timelock" if canceled is not None and canceled.kind ==
                            "timelock_cancelled" else "governor" if canceled is not None
                            else None),
        }
        if with_votes:
            out["vote_list"] = [{"voter": v.voter, "support": SUPPORT.get(v.support,
                                                                            str(v.support)),
                                 "weight_units": v.weight_units, "reason": v.reason,
                                 "block_number": v.block_number, "block_time_s": v.block_time_s,
                                 "tx_hash": v.tx_hash} for v in votes]
            revoked = (conn.execute(select(RV.c.certificate_id).where(
                RV.c.tx_hash == executed.tx_hash).order_by(RV.c.log_index)).scalars().all()
                if executed is not None else [])
            out["revoked_certificates"] = list(revoked)
        return out

    def proposals(self, limit: int, cursor: str | None) -> dict:
        after = decode_cursor(cursor, (int,))
        q = select(P)
        if after:
            q = q.where(P.c.id < after[0])
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(P.c.id.desc()).limit(limit + 1)).all()
            more = len(rows) > limit
            rows = rows[:limit]
            quorums = QuorumHistory(conn) if rows else None
            items = [self._json(conn, r, False, quorums) for r in rows]
        return {"items": items,
                "next_cursor": encode_cursor([rows[-1].id]) if more and rows else None}

    def proposal(self, pid: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(P).where(P.c.proposal_id == pid)
                               .order_by(P.c.id)).first()
            return (self._json(conn, row, True, QuorumHistory(conn)) if row is not None
                    else None)

    def revoked_by(self, certificate_id: int) -> str | None:
        """The proposal whose execution revoked ``certificate_id`` (None: not by a proposal)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(PE.c.proposal_id).select_from(RV.join(PE, PE.c.tx_hash == RV.c.tx_hash))
                .where(RV.c.certificate_id == certificate_id, PE.c.kind == "executed")
                .order_by(RV.c.block_number)).scalar()
