"""A corrupt store is refused at open; errors that repeat in a daemon job are surfaced in
`ecoai attestor status`, in metrics and in the dashboard (not only in a log)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from attestor_helpers import ecoai, init_node
from eth_account import Account
from prometheus_client import generate_latest

from attestor.health import JobHealth, job_errors
from attestor.metrics import Metrics
from attestor.scheduler import Daemon
from attestor.sealer import Sealer
from attestor.store import Store
from attestor.window import ClosedWindow
from ecoai_chain.errors import StoreError


def windows(n, start=1000, w=10):
    return [ClosedWindow(start + w * i, start + w * (i + 1), 1000, 5, 10, 100, 100, False, False,
                         {"gpu0": 1000 * i}) for i in range(n)]


def corrupt(path, table="windowrecord"):
    """Overwrite part of one b-tree leaf page of ``table`` in a real SQLite file (after a
    checkpoint): the right-most child of the table's root page. The table's own page, not a
    fixed page number -- which page holds what moves whenever the schema grows."""
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = c.execute("PRAGMA page_size").fetchone()[0]
        root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                         (table,)).fetchone()[0]
    with open(path, "r+b") as f:
        f.seek(size * (root - 1))
        header = f.read(12)
        assert header[0] == 0x05, "expected an interior table page (the table spans pages)"
        leaf = int.from_bytes(header[8:12], "big")  # the right-most child pointer
        f.seek(size * (leaf - 1) + 100)
        f.write(b"\xff" * 1500)


def test_corrupt_store_is_refused_with_the_file_and_what_to_do(tmp_path):
    db = tmp_path / "attestor.db"
    st = Store(db)
    st.append_windows(windows(300), Account.create(), "replay")
    st.close()
    corrupt(db)
    with pytest.raises(StoreError) as e:
        Store(db)  # was: opened, then `windows_between` failed forever inside the daemon
    msg = str(e.value)
    assert str(db) in msg and "quick_check" in msg and "restore" in msg


def test_corruption_found_while_running_is_a_store_error(tmp_path):
    db = tmp_path / "attestor.db"
    st = Store(db)
    st.append_windows(windows(300), Account.create(), "replay")
    st.engine.dispose()
    corrupt(db)
    with pytest.raises(StoreError, match=r"attestor\.db.*malformed"):
        st.windows_between(0, 10**9)
    st.close()


def test_repeating_job_error_shows_in_status_metric_and_dashboard(tmp_path):
    cfg = init_node(tmp_path, window_s=10, slot_count=4)
    store = Store(cfg.parent / "attestor.db")
    store.append_windows(windows(8), Account.create(), "replay")
    metrics = Metrics()
    # a programming bug in the chain job: the prover is missing (AttributeError every run)
    sealer = Sealer(store, b"\x07" * 32, 10, 4, 1_000_000, b"x".ljust(32, b"\0"), prover=None,
                    intensity_at=lambda t: 400_000, sign=lambda c: b"", clock=lambda: 10**9)
    daemon = Daemon(None, sealer, None, lambda: 1, 1.0, 1.0,
                    health=JobHealth(store, metrics))
    for _ in range(3):
        daemon._chain()
    text = generate_latest(metrics.registry).decode()
    assert 'ecoai_job_consecutive_failures{job="chain"} 3.0' in text
    assert 'ecoai_job_errors_total{job="chain"} 3.0' in text
    err = job_errors(store)["chain"]
    assert err["count"] == 3 and "AttributeError" in err["error"]
    store.close()
    st = json.loads(ecoai("attestor", "status", "--config", cfg, "--json").stdout)
    assert st["jobs"]["chain"]["count"] == 3 and "AttributeError" in st["jobs"]["chain"]["error"]
    human = ecoai("attestor", "status", "--config", cfg).stdout
    assert "chain job failing" in human and "3 times" in human


def test_job_health_clears_after_a_success(tmp_path):
    store = Store(tmp_path / "a.db")
    metrics = Metrics()
    h = JobHealth(store, metrics)
    h.failed("sample", RuntimeError("boom"))
    assert job_errors(store)["sample"]["count"] == 1
    h.ok("sample")
    assert job_errors(store) == {}
    assert 'ecoai_job_consecutive_failures{job="sample"} 0.0' in \
        generate_latest(metrics.registry).decode()
