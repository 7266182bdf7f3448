"""One connection setup for the SQLite files that must survive power loss: the agent's store
and the relayer's queue. WAL journal, ``synchronous=FULL`` (every commit fsynced), and a
busy timeout so a second connection waits instead of failing.
Use: ``sqlalchemy.event.listen(engine, "connect", durable_sqlite)``."""

from __future__ import annotations

from typing import Any


def durable_sqlite(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()
