"""Read queries for challenges (REST API and explorer): contracts/ChallengeManager.sol as indexed.

A challenge's status is derived on read from its events (answered, defaulted, voided; else
open), as the contract derives it; its opened windows come with the node's physical bound
(max power x window length) so that a reader can compare each opened energy with it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ecoai_chain.indexer.models import Certificate, Challenge, ChallengeEvent, Node, OpenedSlot
from ecoai_chain.indexer.store import T

CH, EV, OS, C, N = T[Challenge], T[ChallengeEvent], T[OpenedSlot], T[Certificate], T[Node]
_OUTCOME = {"answered": "answered", "defaulted": "defaulted", "voided": "void"}
MAX_LIMIT = 200


def _status(events: list[dict]) -> str:
    for e in events:
        if e["kind"] in _OUTCOME:
            return _OUTCOME[e["kind"]]
    return "open"


class ChallengeQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _rows(self, q) -> list:
        with self.engine.connect() as c:
            return c.execute(q).all()

    def challenges(self, limit: int = 50, before: int | None = None,
                   certificate_id: int | None = None, node_id: int | None = None,
                   status: str | None = None) -> dict[str, Any]:
        """Newest first; ``before``: only ids below it (the cursor of the next page)."""
        q = select(CH).order_by(CH.c.challenge_id.desc())
        if before is not None:
            q = q.where(CH.c.challenge_id < before)
        if certificate_id is not None:
            q = q.where(CH.c.certificate_id == certificate_id)
        if node_id is not None:
            q = q.where(CH.c.node_id == node_id)
        limit = max(1, min(limit, MAX_LIMIT))
        out: list[dict] = []
        # status is derived: filter after deriving, reading in pages of the limit
        while len(out) < limit:
            page = self._rows(q.limit(limit))
            if not page:
                break
            for r in page:
                item = self._detail(r, slots=False)
                if status is None or item["status"] == status:
                    out.append(item)
            q = q.where(CH.c.challenge_id < page[-1].challenge_id)
        out = out[:limit]
        return {"items": out, "next_before": out[-1]["challenge_id"] if len(out) == limit
                else None}

    def challenge(self, challenge_id: int) -> dict[str, Any] | None:
        rows = self._rows(select(CH).where(CH.c.challenge_id == challenge_id))
        return self._detail(rows[0], slots=True) if rows else None

    def for_certificate(self, certificate_id: int) -> list[dict[str, Any]]:
        q = select(CH).where(CH.c.certificate_id == certificate_id).order_by(CH.c.challenge_id)
        return [self._detail(r, slots=True) for r in self._rows(q)]

    def _detail(self, r: Any, slots: bool) -> dict[str, Any]:
        events = [{"kind": e.kind, **json.loads(e.data_json), "block_number": e.block_number,
                   "block_time_s": e.block_time_s, "tx_hash": e.tx_hash}
                  for e in self._rows(select(EV).where(EV.c.challenge_id == r.challenge_id)
                                      .order_by(EV.c.block_number, EV.c.log_index))]
        drawn = next((e for e in events if e["kind"] == "drawn"), None)
        out = {
            "challenge_id": r.challenge_id, "certificate_id": r.certificate_id,
            "node_id": r.node_id, "challenger": r.challenger, "deposit_wei": r.deposit_wei,
            "randomness_block": r.randomness_block, "deadline_s": r.deadline_s,
            "open_count": r.open_count, "status": _status(events),
            "slots": drawn["slots"] if drawn else None, "seed": drawn["seed"] if drawn else None,
            "opened_block": r.block_number, "opened_time_s": r.block_time_s,
            "tx_hash": r.tx_hash, "events": [e for e in events if e["kind"] != "drawn"],
        }
        if slots:
            out["opened_windows"] = self._opened(r)
        return out

    def _opened(self, r: Any) -> list[dict[str, Any]]:
        meta = self._rows(select(C.c.window_s, C.c.epoch_start_s, C.c.max_power_mw,
                                 N.c.max_power_mw.label("node_max_power_mw"))
                          .select_from(C.outerjoin(N, N.c.node_id == C.c.node_id))
                          .where(C.c.certificate_id == r.certificate_id))
        window_s, start_s, cert_mw, node_mw = meta[0] if meta else (None, None, None, None)
        max_power_mw = cert_mw or node_mw  # the bound the proof used, else the registered one
        bound = (max_power_mw * window_s) if max_power_mw and window_s else None
        q = select(OS).where(OS.c.challenge_id == r.challenge_id).order_by(OS.c.log_index)
        return [{"slot": o.slot, "energy_mj": o.energy_mj, "work": o.work,
                 "window_start_s": None if start_s is None or window_s is None
                 else start_s + o.slot * window_s,
                 "window_s": window_s, "max_energy_mj": bound,
                 "mean_power_mw": None if not window_s else o.energy_mj // window_s,
                 "max_power_mw": max_power_mw, "tx_hash": o.tx_hash}
                for o in self._rows(q)]
