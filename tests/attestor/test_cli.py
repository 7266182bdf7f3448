"""The real `ecoai attestor` CLI in subprocesses: init, run (offline), export, bad inputs."""

from __future__ import annotations

import json
import signal
import sqlite3
import stat

import pytest
from attestor_helpers import PASSWORD, count_windows, ecoai, init_node, spawn_run, wait_for


def run_for(config, pw, tmp_path, windows):
    """Run the daemon until ``windows`` more windows are stored, then SIGTERM it."""
    db = config.parent / "attestor.db"
    start = count_windows(db)
    p = spawn_run(config, pw, tmp_path / "run.log", "--offline")
    wait_for(lambda: count_windows(db) >= start + windows or p.poll() is not None, 60,
             f"{windows} windows")
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=30) == 0, (tmp_path / "run.log").read_text()[-2000:]


@pytest.mark.slow
def test_init_run_export_and_graceful_sigterm(tmp_path):
    cfg = init_node(tmp_path)
    ks = tmp_path / "node" / "keystore"
    assert stat.S_IMODE(ks.stat().st_mode) == 0o700
    assert stat.S_IMODE((ks / "attestor.json").stat().st_mode) == 0o600
    run_for(cfg, tmp_path / "pw", tmp_path, 6)
    log = (tmp_path / "run.log").read_text()
    assert PASSWORD not in log
    for line in log.splitlines():
        json.loads(line)  # structured: one JSON object per line
    assert '"msg": "stopped"' in log
    exp = ecoai("attestor", "export", "--config", cfg, "--out", tmp_path / "log.jsonl")
    assert "verify: ok" in exp.stderr
    recs = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert len(recs) >= 2
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(recs, recs[1:], strict=False))
    st = ecoai("attestor", "status", "--config", cfg, "--json")
    assert len(json.loads(st.stdout)["windows"]) >= 2


@pytest.mark.slow
def test_wrong_password_corrupt_db_and_bad_trace_are_clear_errors(tmp_path):
    cfg = init_node(tmp_path)
    run_for(cfg, tmp_path / "pw", tmp_path, 4)
    db = tmp_path / "node" / "attestor.db"
    with sqlite3.connect(db) as c:
        n_before = c.execute("SELECT count(*) FROM windowrecord").fetchone()[0]
    assert n_before >= 1

    bad = tmp_path / "badpw"
    bad.write_text("not the password\n")
    p = ecoai("attestor", "run", "--config", cfg, "--password-file", bad, "--offline",
              check=False)
    assert p.returncode == 1 and "wrong keystore password" in p.stderr
    assert "Traceback" not in p.stderr

    (tmp_path / "node" / "keystore" / "attestor.json").chmod(0o644)
    p = ecoai("attestor", "run", "--config", cfg, "--password-file", tmp_path / "pw",
              "--offline", check=False)
    assert p.returncode == 1 and "group/other" in p.stderr
    (tmp_path / "node" / "keystore" / "attestor.json").chmod(0o600)

    with sqlite3.connect(db) as c:
        c.execute("UPDATE windowrecord SET work = work + 1000 WHERE seq = 0")
    p = ecoai("attestor", "run", "--config", cfg, "--password-file", tmp_path / "pw",
              "--offline", check=False)
    assert p.returncode == 1 and "window log is corrupt" in p.stderr and "seq=0" in p.stderr
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM windowrecord").fetchone()[0] == n_before
        c.execute("UPDATE windowrecord SET work = work - 1000 WHERE seq = 0")  # repaired

    trace = tmp_path / "broken.csv"
    trace.write_text("# provenance: synthetic test\nt_s,energy_mj,power_mw,work\n0,0,1,0\n"
                     "1,12,1,oops\n")
    p = ecoai("attestor", "run", "--config", cfg, "--password-file", tmp_path / "pw",
              "--offline", check=False, env={"ECOAI_REPLAY_PATH": str(trace)})
    assert p.returncode == 1 and "broken.csv:4" in p.stderr and "work" in p.stderr
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM windowrecord").fetchone()[0] == n_before
    # and with everything fixed it resumes the same chain
    run_for(cfg, tmp_path / "pw", tmp_path, 3)
    assert "verify: ok" in ecoai("attestor", "export", "--config", cfg, "--out",
                                 tmp_path / "x.jsonl").stderr


def test_bad_config_value_names_the_field(tmp_path):
    p = ecoai("attestor", "init", "--data-dir", tmp_path / "n", "--slot-count", "65",
              "--password-file", tmp_path / "nope", check=False)
    assert p.returncode == 1 and "slot_count" in p.stderr


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("keystore-options")
    cfg = init_node(tmp)
    bad = tmp / "badpw"
    bad.write_text("not the password\n")
    bad.chmod(0o600)
    return cfg, tmp / "pw", bad


@pytest.mark.parametrize("cmd", [("register",), ("run", "--offline"), ("open-slot", "0", "0")])
def test_every_keystore_command_reads_the_password_file(node, cmd):
    cfg, _good, bad = node
    p = ecoai("attestor", *cmd, "--config", cfg, "--password-file", bad, check=False)
    assert p.returncode == 1 and "wrong keystore password" in p.stderr, p.stderr[-800:]


def test_open_slot_with_the_right_password_file(node):
    cfg, good, _bad = node
    p = ecoai("attestor", "open-slot", "0", "0", "--config", cfg, "--password-file", good,
              check=False)
    assert p.returncode == 1 and "has not been proved" in p.stderr


def test_status_takes_the_same_password_options(node):
    """`status` refused --password-file; now it unlocks the keystore with it and says so."""
    cfg, good, bad = node
    out = json.loads(ecoai("attestor", "status", "--config", cfg, "--json", "--password-file",
                           good).stdout)
    assert out["keystore"]["unlocked"] is True and out["keystore"]["address"].startswith("0x")
    out = json.loads(ecoai("attestor", "status", "--config", cfg, "--json", "--password-file",
                           bad).stdout)
    assert "wrong keystore password" in out["keystore"]["error"]
    out = json.loads(ecoai("attestor", "status", "--config", cfg, "--json").stdout)
    assert out["keystore"]["unlocked"] is False  # no password given: address only, no prompt
