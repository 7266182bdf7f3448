"""The relayer's queue: one SQLite file through sqlmodel, its own metadata.

One row per (node, epoch): the posted item (certificate fields, proof, signature) and where
it stands -- ``queued`` -> ``submitted(tx hash)`` -> ``landed(certificate id)``, or
``skipped`` (landed by someone else: the contract's ``BatchItemSkipped``, or certified before
we sent), or ``refused(reason)``. The signed batch transaction is committed with its items
before it is broadcast, so a restart rebroadcasts or finds it, and loses nothing queued.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine, select

from ecoai_chain.sqlite_durable import durable_sqlite

_registry = registry()


class RelayTable(SQLModel, registry=_registry):
    """Base of the relayer's tables: their own metadata, so no other database gets them."""

    metadata = _registry.metadata


class RelayItem(RelayTable, table=True):
    node_id: int = Field(primary_key=True)
    epoch_start_s: int = Field(primary_key=True)
    state: str = Field(index=True)   # ecoai_chain.relay.wire.ITEM_STATES
    body_json: str                   # the posted item (wire format), as received
    signer: str = ""
    tx_hash: str = ""
    certificate_id: int | None = None
    reason: str = ""
    attempts: int = 0                # batch transactions this item was sent in
    created_s: int = 0
    updated_s: int = 0


class BatchTx(RelayTable, table=True):
    """A signed batch transaction, committed before it is broadcast."""

    tx_hash: str = Field(primary_key=True)
    nonce: int
    raw_tx: str                      # hex: rebroadcast as-is
    size: int
    max_fee_per_gas_wei: int = 0
    max_priority_fee_per_gas_wei: int = 0
    state: str = "sent"              # sent -> mined | reverted | replaced | dropped
    gas_used: int | None = None
    created_s: int = 0


class RelayStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.path}",
                                    connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", durable_sqlite)
        RelayTable.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def get(self, node_id: int, epoch_start_s: int) -> RelayItem | None:
        with Session(self.engine) as s:
            return s.get(RelayItem, (node_id, epoch_start_s))

    def put(self, item: RelayItem) -> RelayItem:
        """Insert or replace the row of ``item``'s (node, epoch)."""
        now = int(time.time())
        with Session(self.engine) as s:
            old = s.get(RelayItem, (item.node_id, item.epoch_start_s))
            if old is not None:
                s.delete(old)
                s.flush()
            item.created_s = item.created_s or now
            item.updated_s = now
            s.add(item)
            s.commit()
            s.refresh(item)
            return item

    def update(self, node_id: int, epoch_start_s: int, **fields: Any) -> RelayItem:
        with Session(self.engine) as s:
            row = s.get(RelayItem, (node_id, epoch_start_s))
            for k, v in fields.items():
                setattr(row, k, v)
            row.updated_s = int(time.time())
            s.add(row)
            s.commit()
            s.refresh(row)
            return row

    def prune_refused(self, node_id: int, keep: int) -> None:
        """Delete ``node_id``'s refused items beyond its ``keep`` most recently updated."""
        with Session(self.engine) as s:
            q = (select(RelayItem)
                 .where(RelayItem.node_id == node_id, RelayItem.state == "refused")
                 .order_by(RelayItem.updated_s.desc(), text("rowid DESC"))  # insertion order
                 .offset(keep))
            for row in s.exec(q):
                s.delete(row)
            s.commit()

    def items(self, state: str | None = None, tx_hash: str | None = None) -> list[RelayItem]:
        """Items oldest first, optionally of one state or one batch transaction."""
        with Session(self.engine) as s:
            q = select(RelayItem)
            if state is not None:
                q = q.where(RelayItem.state == state)
            if tx_hash is not None:
                q = q.where(RelayItem.tx_hash == tx_hash)
            return list(s.exec(q.order_by(RelayItem.created_s, RelayItem.node_id,
                                          RelayItem.epoch_start_s)))

    def record_batch(self, tx: BatchTx, keys: list[tuple[int, int]],
                     replaces: str | None = None) -> None:
        """Commit the signed batch and mark its items submitted, in one transaction (with
        ``replaces``: that batch, at the same nonce, becomes ``replaced``)."""
        now = int(time.time())
        with Session(self.engine) as s:
            tx.created_s = now
            s.add(tx)
            if replaces is not None:
                old = s.get(BatchTx, replaces)
                old.state = "replaced"
                s.add(old)
            for key in keys:
                row = s.get(RelayItem, key)
                row.state, row.tx_hash, row.reason = "submitted", tx.tx_hash, ""
                row.attempts += replaces is None
                row.updated_s = now
                s.add(row)
            s.commit()

    def batches(self, state: str | None = None) -> list[BatchTx]:
        with Session(self.engine) as s:
            q = select(BatchTx)
            if state is not None:
                q = q.where(BatchTx.state == state)
            return list(s.exec(q.order_by(BatchTx.created_s)))

    def set_batch(self, tx_hash: str, **fields: Any) -> None:
        with Session(self.engine) as s:
            row = s.get(BatchTx, tx_hash)
            for k, v in fields.items():
                setattr(row, k, v)
            s.add(row)
            s.commit()

    def counts(self) -> dict[str, int]:
        from sqlalchemy import func

        with Session(self.engine) as s:
            rows = s.exec(select(RelayItem.state, func.count()).group_by(RelayItem.state))
            return dict(rows.all())
