"""Store (real SQLite file), signing chain, keystore permissions/passwords, config precedence."""

from __future__ import annotations

import os
import sqlite3

import pytest
from eth_account import Account

from attestor.config import load_settings, update_config, write_config
from attestor.keystore import create_keystore, derive_seed, load_key, resolve_password
from attestor.signing import recover_signer
from attestor.store import EpochRecord, Store
from attestor.window import ClosedWindow
from ecoai_chain.errors import ConfigError, KeystoreError, StoreError

FAST_SCRYPT = 2**10  # tests only; `init` uses eth-account's default (2**18)


def win(start, energy=1000, work=5, gap=False):
    return ClosedWindow(start, start + 10, energy, work, 10, energy // 10, energy // 10 + 1,
                        gap, gap, {"gpu0": start * 100})


@pytest.fixture
def acct():
    return Account.create()


def test_windows_chain_sign_and_query(tmp_path, acct):
    st = Store(tmp_path / "a.db")
    rows = st.append_windows([win(100), win(110)], acct, "replay")
    rows += st.append_windows([win(120, gap=True)], acct, "replay")
    assert [r.seq for r in rows] == [0, 1, 2]
    assert rows[1].prev_hash == rows[0].hash
    assert recover_signer(rows[2].hash, rows[2].signature) == acct.address
    got = st.windows_between(110, 130)
    assert [w.start_s for w in got] == [110, 120]
    assert got[1].gap and got[1].estimated
    assert st.verify(acct.address) == (True, "ok", 3)
    # journal mode and durability settings are what the docs say
    with st.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with pytest.raises(StoreError, match="does not follow"):
        st.append_windows([win(200)], acct, "replay")


def test_corrupt_row_is_detected_and_nothing_is_changed(tmp_path, acct):
    path = tmp_path / "a.db"
    st = Store(path)
    st.append_windows([win(100), win(110), win(120)], acct, "replay")
    st.close()
    with sqlite3.connect(path) as c:  # an attacker (or a bad disk) edits energy
        c.execute("UPDATE windowrecord SET energy_mj = 1 WHERE seq = 1")
    st = Store(path)
    ok, why, _ = st.verify(acct.address)
    assert not ok and "seq=1" in why and "hash mismatch" in why
    with pytest.raises(StoreError, match="window log is corrupt.*seq=1"):
        st.require_intact(acct.address)
    assert len(st.windows()) == 3  # nothing deleted


def test_foreign_signature_detected(tmp_path, acct):
    st = Store(tmp_path / "a.db")
    st.append_windows([win(100)], acct, "replay")
    ok, why, _ = st.verify(Account.create().address)
    assert not ok and "signed by" in why


def test_garbage_file_is_a_clear_store_error(tmp_path):
    p = tmp_path / "bad.db"
    p.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        Store(p)


def test_outbox_states(tmp_path):
    st = Store(tmp_path / "a.db")
    st.add_epoch(EpochRecord(epoch_start_s=40, state="sealed", node_id=1, window_s=10,
                             slot_count=4))
    with pytest.raises(StoreError, match="already in the outbox"):
        st.add_epoch(EpochRecord(epoch_start_s=40, state="sealed", node_id=1, window_s=10,
                                 slot_count=4))
    st.update_epoch(40, state="submitted", tx_hash="0xab")
    assert [e.state for e in st.epochs(("submitted",))] == ["submitted"]
    with pytest.raises(StoreError, match="not one of"):
        st.update_epoch(40, state="lost")


def test_keystore_roundtrip_permissions_and_password(tmp_path, acct):
    d = tmp_path / "ks"
    addr = create_keystore(d, "pw-123456", acct.key, scrypt_n=FAST_SCRYPT)
    assert addr == acct.address
    assert oct(os.stat(d).st_mode & 0o777) == "0o700"
    assert oct(os.stat(d / "attestor.json").st_mode & 0o777) == "0o600"
    assert acct.key.hex() not in (d / "attestor.json").read_text()
    k = load_key(d, "pw-123456")
    assert k.address == acct.address and k.seed == derive_seed(bytes(acct.key))
    assert "seed" not in repr(k) or "seed=" not in repr(k)
    assert acct.key.hex()[2:] not in repr(k)
    with pytest.raises(KeystoreError, match="wrong keystore password"):
        load_key(d, "nope")
    with pytest.raises(KeystoreError, match="already exists"):
        create_keystore(d, "x", scrypt_n=FAST_SCRYPT)
    os.chmod(d / "attestor.json", 0o644)
    with pytest.raises(KeystoreError, match="mode 0644.*chmod 0600"):
        load_key(d, "pw-123456")
    os.chmod(d / "attestor.json", 0o600)
    os.chmod(d, 0o750)
    with pytest.raises(KeystoreError, match="mode 0750"):
        load_key(d, "pw-123456")


def test_password_sources(tmp_path, monkeypatch):
    f = tmp_path / "pw"
    f.write_text("from-file\n")
    monkeypatch.setenv("ECOAI_KEYSTORE_PASSWORD", "from-env")
    assert resolve_password(f) == "from-file"
    assert resolve_password(None) == "from-env"
    monkeypatch.delenv("ECOAI_KEYSTORE_PASSWORD")
    with pytest.raises(KeystoreError, match="no keystore password"):
        resolve_password(None, prompt=False)


def test_config_precedence_flag_env_toml_default(tmp_path, monkeypatch):
    s = load_settings(None, region="FR", window_s=5, slot_count=12)
    path = write_config(s, tmp_path / "c.toml")
    assert load_settings(path).region == "FR"
    monkeypatch.setenv("ECOAI_REGION", "DE")
    assert load_settings(path).region == "DE"
    assert load_settings(path, region="KR").region == "KR"
    assert load_settings(path).sample_interval_s == 1.0  # default
    update_config(path, node_id=7)
    assert load_settings(path).node_id == 7
    with pytest.raises(ConfigError, match="slot_count"):
        load_settings(path, slot_count=65)
    with pytest.raises(ConfigError, match="replay_path"):
        load_settings(None, energy_source="replay")
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_window_record_shape_comes_from_closed_window(tmp_path, acct):
    """One window shape: the stored, signed record holds exactly ClosedWindow's fields (the
    cursor as JSON) plus its place in the log, source and signature."""
    import dataclasses

    from attestor.store import WindowRecord

    measured = [f.name for f in dataclasses.fields(ClosedWindow) if f.name != "cursor"]
    cols = list(WindowRecord.__table__.columns.keys())
    assert cols[1:1 + len(measured)] == measured and "cursor_json" in cols
    rec = Store(tmp_path / "a.db").append_windows([win(100)], acct, "replay")[0].as_record()
    assert set(rec) == {*measured, "cursor", "seq", "source", "attestor", "version",
                        "prev_hash", "hash", "signature"}
    assert {k: rec[k] for k in measured} == {k: getattr(win(100), k) for k in measured}
