"""Shared helpers for the attestor's process-level tests: run the real `ecoai` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRACE = ROOT / "traces" / "synthetic_llm_gpu.csv"
PASSWORD = "correct horse battery staple"


def ecoai(*args: str, env: dict | None = None, timeout: float = 120,
          check: bool = True) -> subprocess.CompletedProcess:
    e = {**os.environ, **(env or {})}
    e.pop("ECOAI_KEYSTORE_PASSWORD", None)
    p = subprocess.run([sys.executable, "-m", "ecoai_chain.cli", *map(str, args)], cwd=ROOT,
                       env=e, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"ecoai {' '.join(map(str, args))} -> {p.returncode}\n"
                             f"stdout: {p.stdout[-3000:]}\nstderr: {p.stderr[-3000:]}")
    return p


def spawn_run(config: Path, pwfile: Path, log: Path, *extra: str,
              env_extra: dict | None = None) -> subprocess.Popen:
    e = {k: v for k, v in os.environ.items() if k != "ECOAI_KEYSTORE_PASSWORD"}
    e.update(env_extra or {})
    return subprocess.Popen([sys.executable, "-m", "ecoai_chain.cli", "attestor", "run",
                             "--config", str(config), "--password-file", str(pwfile), *extra],
                            cwd=ROOT, env=e, stdout=subprocess.DEVNULL,
                            stderr=log.open("ab"), start_new_session=True)


def init_node(tmp: Path, name: str = "node", *extra: str, window_s: int = 1,
              slot_count: int = 4, deployment: Path | None = None,
              rpc_url: str = "http://127.0.0.1:8545", key_hex: str | None = None) -> Path:
    pw = tmp / "pw"
    pw.write_text(PASSWORD + "\n")
    pw.chmod(0o600)
    args = ["attestor", "init", "--data-dir", tmp / name, "--energy-source", "replay",
            "--replay-path", TRACE, "--work-source", "replay", "--window-s", window_s,
            "--slot-count", slot_count, "--sample-interval-s", "0.25", "--metrics-port", "0",
            "--scrypt-n", "1024", "--password-file", pw, "--rpc-url", rpc_url,
            "--max-power-mw", "1000000", *extra]
    if deployment is not None:
        args += ["--deployment", deployment]
    if key_hex is not None:
        kf = tmp / f"{name}.key"
        kf.write_text(key_hex)
        kf.chmod(0o600)
        args += ["--import-key-file", kf]
    ecoai(*args)
    return tmp / name / "config.toml"


def wait_for(predicate, timeout_s: float, what: str, poll_s: float = 0.2):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        v = predicate()
        if v:
            return v
        time.sleep(poll_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def count_windows(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=10) as c:
            return c.execute("SELECT count(*) FROM windowrecord").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
