"""Engines and dialect-aware bulk writes (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Table, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from ecoai_chain.errors import ConfigError
from ecoai_chain.indexer.sqltypes import SqliteUSum

DEFAULT_DB_URL = "sqlite:///.ecoai/indexer.db"


def make_engine(url: str = DEFAULT_DB_URL, create: bool = True) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``); SQLite files
    get WAL journaling so the API reads while the indexer writes, the exact ``ecoai_usum``
    aggregate (`sqltypes.usum`), and SQLAlchemy's documented fix for pysqlite's transaction
    handling, so SAVEPOINTs (the store's per-log fallback) nest inside a real BEGIN.
    Creates missing tables (the index's own metadata only)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # pysqlite emits no BEGIN of its own ...
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            dbapi_conn.create_aggregate("ecoai_usum", 1, SqliteUSum)

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            conn.exec_driver_sql("BEGIN")  # ... SQLAlchemy begins every transaction itself
    elif url.startswith("postgresql+psycopg://"):
        engine = create_engine(url, pool_pre_ping=True)
    else:
        raise ConfigError(f"db url: unsupported scheme in {url.split(':', 1)[0]!r} "
                          "(use sqlite:///PATH or postgresql://...)")
    if create:
        from ecoai_chain.indexer.models import IndexTable

        IndexTable.metadata.create_all(engine)
    return engine


def _insert(conn: Connection, table: Table):
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)


def insert_ignore(conn: Connection, table: Table, rows: list[dict], keys: list[str]) -> None:
    """Bulk INSERT ... ON CONFLICT (keys) DO NOTHING."""
    if rows:
        conn.execute(_insert(conn, table).on_conflict_do_nothing(index_elements=keys), rows)


def upsert(conn: Connection, table: Table, rows: list[dict], keys: list[str],
           update_cols: list[str]) -> None:
    """Bulk INSERT ... ON CONFLICT (keys) DO UPDATE SET update_cols = excluded."""
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(index_elements=keys,
                                      set_={c: stmt.excluded[c] for c in update_cols})
    conn.execute(stmt, rows)
