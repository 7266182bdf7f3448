"""The agent's durable state: one SQLite file through sqlmodel.

- ``windowrecord``: the signed, hash-chained window log (append-only).
- ``epochrecord``: the submission outbox, one row per epoch, state machine
  sealed -> proving -> proved -> submitted(tx hash) -> confirmed | failed(reason).
- ``submissiontx``: every transaction signed for an epoch (original and fee-bumped
  replacements at the same nonce), committed before it is broadcast, so whichever of them
  lands is recognised after any crash.
- ``challengerecord``: challenges against the node and their answers (attestor/answerer.py).
- ``meta``: small key/value facts (node id, attestor address, settings the log depends on).

Schema changes are additive: a column added later (the measurement fields of window records,
version 2; ``measurement_json`` of epochs) is added to an existing file by `_add_missing_columns`
when the store opens, with a default that says "not recorded" (``method = 'unknown'``); rows
written before keep their version and verify as they were signed.

Durability: WAL journal, ``synchronous=FULL`` (every commit is fsynced: a window that was
reported closed survives power loss), and each window close -- including the gap windows of
a restart -- is one transaction. Integrity: `verify()` re-derives every hash, link and
signature; the daemon checks the tail at start and refuses to extend a broken chain.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine, select

from attestor.signing import (
    ADDED_IN_VERSION,
    GENESIS_HASH,
    RECORD_VERSION,
    seal_record,
    verify_chain,
)
from attestor.states import EpochState
from attestor.window import ClosedWindow
from ecoai_chain.energy.quality import UNKNOWN
from ecoai_chain.errors import StoreError
from ecoai_chain.redact import redact
from ecoai_chain.sqlite_durable import durable_sqlite

_WHAT_TO_DO = ("Stop the agent, move the file aside and restore it from a backup (or rebuild it "
               "with `sqlite3 <file> .recover`), then check the signed log with `ecoai attestor "
               "export --verify`; the window log is never extended past a broken file")
_registry = registry()


# A window's measured fields (end_s ... gap) are declared once, by `ClosedWindow`; the stored
# record adds its place in the log (seq), the source, the cursor as JSON and the signature.
MEASURED_FIELDS = {f.name: f.type for f in dataclasses.fields(ClosedWindow)
                   if f.name not in ("start_s", "cursor")}


def commit_fields(s: Session, rec: Any, fields: dict[str, Any], now_s: int | None = None,
                  duplicate: str | None = None) -> Any:
    """Set ``fields`` and ``updated_s`` on ``rec``, commit ``s`` and return ``rec`` refreshed;
    with ``duplicate``, a unique-key clash raises `StoreError(duplicate)`."""
    for k, v in fields.items():
        setattr(rec, k, v)
    rec.updated_s = int(time.time()) if now_s is None else now_s
    s.add(rec)
    try:
        s.commit()
    except IntegrityError as e:
        if duplicate is None:
            raise
        raise StoreError(duplicate) from e
    s.refresh(rec)
    return rec


class AgentTable(SQLModel, registry=_registry):
    """Base of the agent's tables: their own metadata, so no other database gets them."""

    metadata = _registry.metadata


class WindowRecord(AgentTable, table=True):
    seq: int = Field(primary_key=True)
    start_s: int = Field(index=True, unique=True)
    __annotations__.update(MEASURED_FIELDS)  # noqa: F821 (the class body's own annotations)
    source: str
    cursor_json: str
    attestor: str
    version: int = RECORD_VERSION
    prev_hash: str
    hash: str = Field(unique=True)
    signature: str

    @property
    def cursor(self) -> dict[str, int]:
        return json.loads(self.cursor_json)

    def as_record(self) -> dict:
        d = self.model_dump()
        d["cursor"] = json.loads(d.pop("cursor_json"))
        for version, added in ADDED_IN_VERSION.items():  # fields a record predates
            if d["version"] < version:
                for f in added:
                    d.pop(f, None)
        return d


class EpochRecord(AgentTable, table=True):
    epoch_start_s: int = Field(primary_key=True)
    state: str = Field(index=True)  # an EpochState value
    node_id: int
    window_s: int
    slot_count: int
    public_json: str = ""        # public signals / certificate fields
    proof_json: str = ""         # ProofBundle.to_json()
    signature: str = ""          # EIP-712 signature, hex
    tx_hash: str = ""
    raw_tx: str = ""             # the signed transaction: rebroadcast as-is, never re-signed
    nonce: int | None = None
    certificate_id: int | None = None
    attempts: int = 0
    submit_failures: int = 0     # failed submission attempts (bounded by submit_max_attempts)
    last_error: str = ""
    flags: str = ""              # e.g. "gap,estimated" -- honest notes about the epoch
    measurement_json: str = ""   # ecoai_chain.energy.summary: energy by method, flagged windows
    created_s: int = 0
    updated_s: int = 0


class SubmissionTx(AgentTable, table=True):
    """One signed transaction of an epoch; several share a nonce when fees were bumped."""

    id: int | None = Field(default=None, primary_key=True)  # signing order
    tx_hash: str = Field(unique=True)
    epoch_start_s: int = Field(index=True)
    nonce: int
    raw_tx: str                  # hex: rebroadcast as-is
    max_fee_per_gas_wei: int
    max_priority_fee_per_gas_wei: int
    created_s: int = 0


class ChallengeRecord(AgentTable, table=True):
    """A challenge against this agent's node (attestor/answerer.py): open -> sent(tx) ->
    answered | lost | void; ``alert`` while the answer cannot be built (the reason in
    ``last_error``). The signed answer is committed before it is broadcast."""

    challenge_id: int = Field(primary_key=True)
    certificate_id: int
    node_id: int
    deadline_s: int
    randomness_block: int
    state: str = Field(index=True)
    epoch_start_s: int | None = None
    slots_json: str = ""         # the drawn slots, once known
    opened_json: str = ""        # [{slot, energy_mj, work}] of the answer
    tx_hash: str = ""
    raw_tx: str = ""             # the signed answer: rebroadcast as-is, never re-signed
    nonce: int | None = None
    last_error: str = ""
    created_s: int = 0
    updated_s: int = 0


class Meta(AgentTable, table=True):
    key: str = Field(primary_key=True)
    value: str


# Columns added after the first release: (table, column, SQL type and default).
_ADDED_COLUMNS = (
    ("windowrecord", "method", f"VARCHAR NOT NULL DEFAULT '{UNKNOWN}'"),
    ("windowrecord", "power_energy_mj", "INTEGER"),
    ("windowrecord", "counter_power_diff_ppm", "INTEGER"),
    ("windowrecord", "counter_update_period_ms", "INTEGER"),
    ("windowrecord", "quality_flags", "VARCHAR NOT NULL DEFAULT ''"),
    ("windowrecord", "attribution_method", "VARCHAR NOT NULL DEFAULT 'none'"),
    ("windowrecord", "attributed_share_ppm", "INTEGER"),
    ("epochrecord", "measurement_json", "VARCHAR NOT NULL DEFAULT ''"),
    ("epochrecord", "submit_failures", "INTEGER NOT NULL DEFAULT 0"),
)


def _add_missing_columns(engine: Any) -> None:
    """Bring a store written by an older agent up to the current schema (additive only)."""
    with engine.begin() as c:
        for table, column, decl in _ADDED_COLUMNS:
            have = {r[1] for r in c.exec_driver_sql(f"PRAGMA table_info({table})").fetchall()}
            if column not in have:
                c.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.path}")
        event.listen(self.engine, "connect", durable_sqlite)
        try:
            with self.engine.connect() as c:
                problems = [r[0] for r in c.exec_driver_sql("PRAGMA quick_check").fetchall()]
            AgentTable.metadata.create_all(self.engine)
            if problems == ["ok"]:
                _add_missing_columns(self.engine)
        except (DatabaseError, sqlite3.DatabaseError) as e:
            why = e.orig if hasattr(e, "orig") else e
            raise StoreError(f"{self.path}: not a usable SQLite database ({why}). {_WHAT_TO_DO}"
                             ) from e
        if problems != ["ok"]:
            first = "; ".join(" ".join(p.split()) for p in problems[:3])[:400]
            raise StoreError(f"{self.path}: SQLite quick_check found corruption ({first}). "
                             f"Refusing to start. {_WHAT_TO_DO}")
        event.listen(self.engine, "handle_error", self._translate_corruption)

    def _translate_corruption(self, ctx: Any) -> None:
        """Corruption found while running is a StoreError naming the file (sampling stops;
        the chain job shows it in status), not an anonymous driver error retried forever."""
        code = getattr(ctx.original_exception, "sqlite_errorcode", None)
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise StoreError(f"{self.path}: {ctx.original_exception}. {_WHAT_TO_DO}")

    def close(self) -> None:
        self.engine.dispose()

    # -- meta ---------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with Session(self.engine) as s:
            row = s.get(Meta, key)
            return row.value if row else default

    def set_meta(self, key: str, value: str) -> None:
        with Session(self.engine) as s:
            row = s.get(Meta, key) or Meta(key=key, value=value)
            row.value = value
            s.add(row)
            s.commit()

    # -- windows ------------------------------------------------------------------------
    def last_window(self) -> WindowRecord | None:
        with Session(self.engine) as s:
            return s.exec(select(WindowRecord).order_by(WindowRecord.seq.desc()).limit(1)).first()

    def append_windows(self, windows: Iterable[ClosedWindow], signer: Any, source: str,
                       ) -> list[WindowRecord]:
        """Sign and store closed windows in one transaction (all or nothing)."""
        out = []
        with Session(self.engine) as s:
            last = s.exec(select(WindowRecord).order_by(WindowRecord.seq.desc()).limit(1)).first()
            prev_hash = last.hash if last else GENESIS_HASH
            seq = last.seq + 1 if last else 0
            prev_end = last.end_s if last else None
            for w in windows:
                if prev_end is not None and w.start_s != prev_end:
                    raise StoreError(f"window start_s={w.start_s} does not follow end_s={prev_end}")
                measured = {f: getattr(w, f) for f in ("start_s", *MEASURED_FIELDS)}
                body = {"version": RECORD_VERSION, "attestor": signer.address, "seq": seq,
                        **measured, "source": source,
                        "cursor": dict(sorted(w.cursor.items())), "prev_hash": prev_hash}
                rec = seal_record(body, signer)
                row = WindowRecord(**{k: v for k, v in rec.items() if k != "cursor"},
                                   cursor_json=json.dumps(rec["cursor"], sort_keys=True))
                s.add(row)
                out.append(row)
                prev_hash, seq, prev_end = rec["hash"], seq + 1, w.end_s
            try:
                s.commit()
            except IntegrityError as e:
                raise StoreError(f"window already stored: {e.orig}") from e
            for r in out:
                s.refresh(r)
        return out

    def windows_between(self, start_s: int, end_s: int) -> list[WindowRecord]:
        """Windows fully inside [start_s, end_s), oldest first."""
        with Session(self.engine) as s:
            return list(s.exec(select(WindowRecord)
                               .where(WindowRecord.start_s >= start_s, WindowRecord.end_s <= end_s)
                               .order_by(WindowRecord.start_s)))

    def windows(self, after_seq: int = -1, limit: int | None = None) -> list[WindowRecord]:
        with Session(self.engine) as s:
            q = select(WindowRecord).where(WindowRecord.seq > after_seq).order_by(WindowRecord.seq)
            if limit:
                q = q.limit(limit)
            return list(s.exec(q))

    def recent_windows(self, n: int = 10) -> list[WindowRecord]:
        with Session(self.engine) as s:
            rows = s.exec(select(WindowRecord).order_by(WindowRecord.seq.desc()).limit(n))
            return list(reversed(list(rows)))

    def verify(self, attestor: str | None = None, tail: int | None = None,
               check_signatures: bool = True) -> tuple[bool, str, int]:
        """(ok, reason, rows checked) over the whole log, or its last ``tail`` rows."""
        with Session(self.engine) as s:
            if tail:
                rows = list(reversed(list(s.exec(
                    select(WindowRecord).order_by(WindowRecord.seq.desc()).limit(tail + 1)))))
            else:
                rows = list(s.exec(select(WindowRecord).order_by(WindowRecord.seq)))
        if not rows:
            return True, "empty", 0
        recs = []
        for r in rows:
            try:
                recs.append(r.as_record())
            except (ValueError, TypeError) as e:
                return False, f"window seq={r.seq}: unreadable row ({e})", len(recs)
        prev = GENESIS_HASH
        if tail and rows[0].seq > 0:
            prev, recs = recs[0]["hash"], recs[1:]
            if len(recs) == 0:
                return True, "ok", 0
        who = attestor or recs[0]["attestor"]
        ok, why = verify_chain(recs, who, prev, check_signatures=check_signatures)
        if ok:
            for a, b in zip(recs, recs[1:], strict=False):
                if b["start_s"] != a["end_s"]:
                    return (False, f"window seq={b['seq']}: starts at {b['start_s']}, "
                                   f"previous ended {a['end_s']}", len(recs))
        return ok, why, len(recs)

    def require_intact(self, attestor: str, tail: int = 1000) -> None:
        ok, why, _n = self.verify(attestor, tail=tail)
        if not ok:
            raise StoreError(f"{self.path}: window log is corrupt: {why}. Refusing to extend it; "
                             "nothing was changed (inspect with `ecoai attestor export --verify`)")

    # -- epochs (outbox) ----------------------------------------------------------------
    def get_epoch(self, epoch_start_s: int) -> EpochRecord | None:
        with Session(self.engine) as s:
            return s.get(EpochRecord, epoch_start_s)

    def add_epoch(self, rec: EpochRecord) -> EpochRecord:
        now = int(time.time())
        rec.created_s = rec.created_s or now
        with Session(self.engine) as s:
            return commit_fields(s, rec, {}, now,
                                 duplicate=f"epoch {rec.epoch_start_s} already in the outbox")

    def update_epoch(self, epoch_start_s: int, **fields: Any) -> EpochRecord:
        if "state" in fields:
            try:
                fields["state"] = EpochState(fields["state"])
            except ValueError as e:
                raise StoreError(f"epoch state {fields['state']!r} is not one of "
                                 f"{[s.value for s in EpochState]}") from e
        with Session(self.engine) as s:
            rec = s.get(EpochRecord, epoch_start_s)
            if rec is None:
                raise StoreError(f"epoch {epoch_start_s} is not in the outbox")
            if "last_error" in fields:  # errors may quote an RPC URL: never store its secret
                fields["last_error"] = redact(fields["last_error"])
            return commit_fields(s, rec, fields)

    def epochs(self, states: Iterable[str] | None = None) -> list[EpochRecord]:
        with Session(self.engine) as s:
            q = select(EpochRecord).order_by(EpochRecord.epoch_start_s)
            if states is not None:
                q = q.where(EpochRecord.state.in_(list(states)))
            return list(s.exec(q))

    def last_epoch_start(self) -> int | None:
        with Session(self.engine) as s:
            q = select(EpochRecord).order_by(EpochRecord.epoch_start_s.desc()).limit(1)
            r = s.exec(q).first()
            return r.epoch_start_s if r else None

    # -- submitted transactions ---------------------------------------------------------
    def record_submission(self, epoch_start_s: int, tx_hash: str, raw_tx_hex: str, nonce: int,
                          max_fee_per_gas_wei: int, max_priority_fee_per_gas_wei: int,
                          **epoch_fields: Any) -> EpochRecord:
        """Remember a signed transaction and make it the epoch's current one, in one commit
        (before it is broadcast: after a crash it is known whether or not it was sent)."""
        now = int(time.time())
        with Session(self.engine) as s:
            rec = s.get(EpochRecord, epoch_start_s)
            if rec is None:
                raise StoreError(f"epoch {epoch_start_s} is not in the outbox")
            s.add(SubmissionTx(tx_hash=tx_hash, epoch_start_s=epoch_start_s, nonce=nonce,
                               raw_tx=raw_tx_hex, max_fee_per_gas_wei=max_fee_per_gas_wei,
                               max_priority_fee_per_gas_wei=max_priority_fee_per_gas_wei,
                               created_s=now))
            return commit_fields(s, rec, {"state": EpochState.SUBMITTED, "tx_hash": tx_hash,
                                          "raw_tx": raw_tx_hex, "nonce": nonce, **epoch_fields},
                                 now, duplicate=f"transaction {tx_hash} already recorded")

    def submissions(self, epoch_start_s: int) -> list[SubmissionTx]:
        """Every transaction signed for the epoch, oldest first."""
        with Session(self.engine) as s:
            q = (select(SubmissionTx).where(SubmissionTx.epoch_start_s == epoch_start_s)
                 .order_by(SubmissionTx.id))
            return list(s.exec(q))
