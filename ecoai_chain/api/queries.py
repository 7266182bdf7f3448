"""Read queries shared by the REST API and the explorer (SQLAlchemy core over the index)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import Engine

from ecoai_chain.api.params import decode_cursor, encode_cursor
from ecoai_chain.core.signals import certificate_table, signal_table, to_public_signals
from ecoai_chain.indexer import quarantine
from ecoai_chain.indexer.models import (
    Balance,
    BaselineChange,
    Certificate,
    CreditTransfer,
    DailyAggregate,
    Meta,
    Node,
    NodeEvent,
    RegionIntensity,
)
from ecoai_chain.indexer.models_credits import PARAM_NAMES, ParameterChange
from ecoai_chain.indexer.sqltypes import usum
from ecoai_chain.indexer.store import T

NODE_STATUS = {0: "pending", 1: "active", 2: "suspended", 3: "retired"}
C, N, X, B, D, M, R = (T[Certificate], T[Node], T[CreditTransfer], T[Balance],
                       T[DailyAggregate], T[Meta], T[RegionIntensity])
E, BL, PS = T[NodeEvent], T[BaselineChange], T[ParameterChange]


def node_json(r: Any) -> dict:
    return {
        "node_id": r.node_id, "operator": r.operator, "attestor": r.attestor, "region": r.region,
        "max_power_mw": r.max_power_mw, "metadata_uri": r.metadata_uri,
        "metadata_uri_hex": "0x" + bytes(r.metadata_uri_raw or b"").hex(),
        "status": NODE_STATUS.get(r.status, str(r.status)), "status_reason": r.status_reason,
        "registered_block": r.registered_block, "registered_tx": r.registered_tx,
        "certificate_count": r.certificate_count, "avg_eco_score": r.avg_score,
        "energy_mj": r.energy_mj, "carbon_mg": r.carbon_mg, "avoided_mg": r.avoided_mg,
    }


def cert_json(r: Any) -> dict:
    """A certificate in the REST shape: its signed fields by their api names (from the one
    table, core/public_signals.json), then what the chain and the index add."""
    return {
        "certificate_id": r.certificate_id, "region": r.region,
        **{f.api: getattr(r, f.api) for f in certificate_table()},
        "workload_class_hex": r.workload_class_hex,
        "eco_score": r.eco_score, "reward_units": r.reward_units, "avoided_mg": r.avoided_mg,
        "revoked": bool(r.revoked), "revoked_reason": r.revoked_reason,
        "block_number": r.block_number, "block_time_s": r.block_time_s, "tx_hash": r.tx_hash,
        "log_index": r.log_index,
    }


def transfer_json(r: Any) -> dict:
    return {"from": r.from_address, "to": r.to_address, "value_units": r.value_units,
            "block_number": r.block_number, "block_time_s": r.block_time_s,
            "tx_hash": r.tx_hash, "log_index": r.log_index}


def _page(rows: list, limit: int, key) -> dict:
    more = len(rows) > limit
    rows = rows[:limit]
    return {"rows": rows, "next_cursor": encode_cursor(key(rows[-1])) if more and rows else None}


class Queries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Point lookups built once (statement construction costs more than the SQLite read).
        self._cert_by_id = select(C).where(C.c.certificate_id == bindparam("id"))
        self._balance_of = select(B.c.balance_units).where(B.c.address == bindparam("a"))
        self._node_by_id = select(N).where(N.c.node_id == bindparam("id"))
        self._meta = select(M.c.value).where(M.c.key == bindparam("k"))

    def _first(self, stmt, **params):
        with self.engine.connect() as c:
            return c.execute(stmt, params).first()

    def checkpoint(self) -> int | None:
        r = self._first(self._meta, k="checkpoint_block")
        return int(r[0]) if r else None

    def quarantined(self) -> int:
        """How many logs the indexer could not decode or store (`ecoai indexer status`)."""
        with self.engine.connect() as c:
            return quarantine.count(c)

    def _all(self, q) -> list:
        with self.engine.connect() as c:
            return c.execute(q).all()

    def _one(self, q):
        with self.engine.connect() as c:
            return c.execute(q).first()

    # --- nodes ------------------------------------------------------------------------------
    def nodes(self, limit: int, cursor: str | None, region: str | None = None) -> dict:
        after = decode_cursor(cursor, (int,))
        q = select(N)
        if region:
            q = q.where(N.c.region == region)
        if after:
            q = q.where(N.c.node_id > after[0])
        rows = self._all(q.order_by(N.c.node_id).limit(limit + 1))
        page = _page(rows, limit, lambda r: [r.node_id])
        return {"items": [node_json(r) for r in page["rows"]], "next_cursor": page["next_cursor"]}

    def node(self, node_id: int) -> dict | None:
        r = self._first(self._node_by_id, id=node_id)
        return node_json(r) if r else None

    # --- certificates -------------------------------------------------------------------------
    def certificates(self, limit: int, cursor: str | None, node: int | None = None,
                     region: str | None = None, from_s: int | None = None,
                     to_s: int | None = None, min_score: int | None = None) -> dict:
        after = decode_cursor(cursor, (int,))
        q = select(C)
        if node is not None:
            q = q.where(C.c.node_id == node)
        if region:
            q = q.where(C.c.region == region)
        if from_s is not None:
            q = q.where(C.c.epoch_start_s >= from_s)
        if to_s is not None:
            q = q.where(C.c.epoch_start_s <= to_s)
        if min_score is not None:
            q = q.where(C.c.eco_score >= min_score)
        if after:
            q = q.where(C.c.certificate_id < after[0])
        rows = self._all(q.order_by(C.c.certificate_id.desc()).limit(limit + 1))
        page = _page(rows, limit, lambda r: [r.certificate_id])
        return {"items": [cert_json(r) for r in page["rows"]], "next_cursor": page["next_cursor"]}

    def certificate_row(self, cert_id: int):
        return self._first(self._cert_by_id, id=cert_id)

    def certificate(self, cert_id: int) -> dict | None:
        r = self.certificate_row(cert_id)
        return cert_json(r) if r else None

    def certificate_by_tx(self, tx: str) -> int | None:
        r = self._one(select(C.c.certificate_id).where(C.c.tx_hash == tx)
                      .order_by(C.c.log_index).limit(1))
        return r[0] if r else None

    def proof(self, cert_id: int) -> dict | None:
        r = self.certificate_row(cert_id)
        if r is None:
            return None
        out: dict[str, Any] = {"certificate_id": cert_id, "tx_hash": r.tx_hash,
                               "available": r.proof_json is not None}
        if r.proof_json is None:
            out["unavailable_reason"] = r.calldata_note or "calldata unavailable"
            return out
        p = json.loads(r.proof_json)
        named = {s.name: getattr(r, s.api) for s in signal_table()}  # index columns by signal
        if named["max_power_mw"] is None:
            named["max_power_mw"] = self._one(select(N.c.max_power_mw)
                                              .where(N.c.node_id == r.node_id))[0]
        named = {k: int(v) for k, v in named.items()}
        b = p["b"]
        out.update({
            "proof_solidity": p,
            # snarkjs order: G2 coordinates un-swapped ([[x0,x1],[y0,y1]]), projective z = 1.
            "proof_snarkjs": {"pi_a": [*p["a"], "1"], "pi_b": [[b[0][1], b[0][0]],
                                                               [b[1][1], b[1][0]], ["1", "0"]],
                              "pi_c": [*p["c"], "1"], "protocol": "groth16", "curve": "bn128"},
            "public_signals": [str(v) for v in to_public_signals(named)],
            "public_signals_named": {k: str(v) for k, v in named.items()},
            "signature": r.signature,
        })
        return out

    # --- credits --------------------------------------------------------------------------
    def total_supply(self) -> str:
        r = self._first(self._meta, k="total_supply_units")
        return r[0] if r else "0"

    def balance(self, address: str) -> str:
        r = self._first(self._balance_of, a=address)
        return r[0] if r else "0"

    def transfers(self, limit: int, cursor: str | None, address: str | None = None) -> dict:
        after = decode_cursor(cursor, (int, int))
        q = select(X)
        if address:
            q = q.where(or_(X.c.from_address == address, X.c.to_address == address))
        if after:
            q = q.where(or_(X.c.block_number < after[0],
                            and_(X.c.block_number == after[0], X.c.log_index < after[1])))
        rows = self._all(q.order_by(X.c.block_number.desc(), X.c.log_index.desc())
                         .limit(limit + 1))
        page = _page(rows, limit, lambda r: [r.block_number, r.log_index])
        return {"items": [transfer_json(r) for r in page["rows"]],
                "next_cursor": page["next_cursor"]}

    # --- leaderboard and stats --------------------------------------------------------------
    def leaderboard(self, by: str, limit: int) -> list[dict]:
        col = N.c.avg_score if by == "score" else N.c.avoided_mg
        rows = self._all(select(N).where(N.c.certificate_count > 0)
                         .order_by(col.desc(), N.c.node_id).limit(limit))
        return [{"rank": i + 1, **node_json(r)} for i, r in enumerate(rows)]

    def regions(self) -> list[dict]:
        rows = self._all(select(D))
        agg: dict[str, dict] = {}
        for r in rows:
            a = agg.setdefault(r.region, {"region": r.region, "energy_mj": 0, "carbon_mg": 0,
                                          "avoided_mg": 0, "work": 0, "credits_units": 0,
                                          "certificate_count": 0})
            a["energy_mj"] += r.energy_mj
            a["carbon_mg"] += r.carbon_mg
            a["avoided_mg"] += r.avoided_mg
            a["work"] += int(r.work)
            a["credits_units"] += int(r.credits_units)
            a["certificate_count"] += r.certificate_count
        for a in agg.values():
            a["work"], a["credits_units"] = str(a["work"]), str(a["credits_units"])
        return sorted(agg.values(), key=lambda a: a["region"])

    def daily(self, region: str | None = None, from_day: str | None = None,
              to_day: str | None = None) -> list[dict]:
        q = select(D)
        if region:
            q = q.where(D.c.region == region)
        if from_day:
            q = q.where(D.c.day >= from_day)
        if to_day:
            q = q.where(D.c.day <= to_day)
        return [{"region": r.region, "day": r.day, "energy_mj": r.energy_mj,
                 "carbon_mg": r.carbon_mg, "avoided_mg": r.avoided_mg, "work": r.work,
                 "credits_units": r.credits_units, "certificate_count": r.certificate_count}
                for r in self._all(q.order_by(D.c.day, D.c.region))]

    def time_series(self, max_points: int = 48) -> tuple[str, list[dict]]:
        """Energy, carbon and avoided carbon of valid certificates by epoch start, in buckets of
        a minute, an hour or a day, whichever fits the indexed span in ``max_points``: a demo
        that has run for minutes and a network that has run for months both get a curve."""
        with self.engine.connect() as c:
            lo, hi = c.execute(select(func.min(C.c.epoch_start_s), func.max(C.c.epoch_start_s))
                               .where(C.c.revoked.is_(False))).first()
            if lo is None:
                return "day", []
            span = hi - lo
            name, bucket = next(((n, b) for n, b in (("minute", 60), ("hour", 3600))
                                 if span <= b * max_points), ("day", 86_400))
            k = C.c.epoch_start_s - C.c.epoch_start_s % bucket  # integer bucket start
            rows = c.execute(select(k.label("t"), usum(C.c.energy_mj), usum(C.c.carbon_mg),
                                    usum(C.c.avoided_mg), func.count())
                             .where(C.c.revoked.is_(False)).group_by(k).order_by(k)).all()
        return name, [{"t_s": int(r[0]), "energy_mj": int(r[1]), "carbon_mg": int(r[2]),
                       "avoided_mg": int(r[3]), "certificates": int(r[4])} for r in rows]

    def totals(self) -> dict:
        with self.engine.connect() as c:
            n = c.execute(select(func.count()).select_from(N)).scalar()
            cc = c.execute(select(func.count(), func.coalesce(usum(C.c.energy_mj), 0),
                                  func.coalesce(usum(C.c.carbon_mg), 0),
                                  func.coalesce(usum(C.c.avoided_mg), 0))
                           .where(C.c.revoked.is_(False))).first()
            cp = c.execute(select(M.c.value).where(M.c.key == "checkpoint_block")).first()
        return {"nodes": n, "certificates": cc[0], "energy_mj": int(cc[1]),
                "carbon_mg": int(cc[2]), "avoided_mg": int(cc[3]),
                "total_supply_units": self.total_supply(),
                "indexed_block": int(cp[0]) if cp else None}

    # --- the chain's state at a log, rebuilt from indexed events (for /verify) ---------------
    # ``before=(block, log_index)``: only events strictly before that log count, as the
    # contract saw its tables when it executed the transaction that emitted it.
    @staticmethod
    def _before(t, before: tuple[int, int] | None):
        if before is None:
            return True
        block, log_index = before
        return or_(t.c.block_number < block,
                   and_(t.c.block_number == block, t.c.log_index < log_index))

    def _in_force(self, t, value, where, ts_s: int, before: tuple[int, int] | None):
        """The newest schedule entry of table ``t`` effective at ``ts_s`` among those indexed
        before ``before``: a later set for the same effective time replaces the earlier, as in
        the contract's schedules (ParamSchedule.lookup). Its ``value`` column, or None."""
        r = self._one(select(value)
                      .where(*where, t.c.effective_from_s <= ts_s, self._before(t, before))
                      .order_by(t.c.effective_from_s.desc(), t.c.block_number.desc(),
                                t.c.log_index.desc()).limit(1))
        return r[0] if r else None

    def intensity_at(self, region: str, ts_s: int,
                     before: tuple[int, int] | None = None) -> int | None:
        """regionIntensityAt(region, ts) (mg CO2e/kWh) as scheduled before ``before``."""
        return self._in_force(R, R.c.intensity_mg_per_kwh, [R.c.region == region], ts_s, before)

    def attestor_at(self, node_id: int, before: tuple[int, int] | None = None) -> str | None:
        """The node's attestor: registered, then each AttestorRotated before ``before``."""
        rot = self._one(select(E.c.attestor)
                        .where(E.c.node_id == node_id, E.c.kind == "attestor",
                               self._before(E, before))
                        .order_by(E.c.block_number.desc(), E.c.log_index.desc()).limit(1))
        if rot is not None:
            return rot[0]
        reg = self._one(select(N.c.registered_attestor).where(N.c.node_id == node_id))
        return reg[0] if reg else None

    def baseline_at(self, workload_class: str, ts_s: int,
                    before: tuple[int, int] | None = None) -> tuple[int, bool]:
        """The class's baseline in force at ``ts_s`` (an epoch start) as scheduled before
        ``before``: (ng CO2e per work unit, is set)."""
        v = self._in_force(BL, BL.c.baseline_ng_per_work,
                           [BL.c.workload_class == workload_class], ts_s, before)
        return (int(v), True) if v is not None else (0, False)

    def parameter_at(self, param: str, key_hex: str, ts_s: int,
                     before: tuple[int, int] | None = None) -> int | None:
        """A ParameterScheduled parameter (models_credits.PARAM_NAMES: "efficiency_ceiling",
        ...) of bytes32 ``key_hex`` (0x-hex; the zero word for a global one) in force at
        ``ts_s`` as scheduled before ``before`` (unit: PARAM_UNITS); None: never set."""
        return self._in_force(PS, PS.c.value, [PS.c.param == PARAM_NAMES.index(param),
                                               PS.c.key_hex == key_hex.lower()], ts_s, before)

    def parameter_keys(self, param: str, key_text: str,
                       before: tuple[int, int] | None = None) -> list[str]:
        """The distinct bytes32 keys (0x-hex) of ``param`` entries scheduled before ``before``
        whose display text is ``key_text``: more than one when keys that are not UTF-8 look
        alike (b"\\xffR" and b"\\xfeR" both show as "\\ufffdR")."""
        with self.engine.connect() as c:
            return sorted(c.execute(
                select(PS.c.key_hex).distinct()
                .where(PS.c.param == PARAM_NAMES.index(param), PS.c.key == key_text,
                       self._before(PS, before))).scalars())
