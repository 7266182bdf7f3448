"""The outbox in a real SQLite file: epoch states as an enum, every signed transaction kept
durably, and stores written before these columns and tables existed still open."""

from __future__ import annotations

import sqlite3

import pytest

from attestor.states import OPEN_STATES, EpochState
from attestor.store import EpochRecord, Store, StoreError

# The epochrecord table as stores created before submit_failures / submissiontx have it.
OLD_EPOCHRECORD = """CREATE TABLE epochrecord (
    epoch_start_s INTEGER NOT NULL, state VARCHAR NOT NULL, node_id INTEGER NOT NULL,
    window_s INTEGER NOT NULL, slot_count INTEGER NOT NULL, public_json VARCHAR NOT NULL,
    proof_json VARCHAR NOT NULL, signature VARCHAR NOT NULL, tx_hash VARCHAR NOT NULL,
    raw_tx VARCHAR NOT NULL, nonce INTEGER, certificate_id INTEGER, attempts INTEGER NOT NULL,
    last_error VARCHAR NOT NULL, flags VARCHAR NOT NULL, created_s INTEGER NOT NULL,
    updated_s INTEGER NOT NULL, PRIMARY KEY (epoch_start_s))"""


def test_a_store_from_before_the_upgrade_opens_and_keeps_its_epochs(tmp_path):
    p = tmp_path / "old.db"
    with sqlite3.connect(p) as c:
        c.execute(OLD_EPOCHRECORD)
        c.execute("INSERT INTO epochrecord VALUES (40, 'submitted', 1, 10, 4, '{}', '{}', '', "
                  "'0xab', 'cd', 3, NULL, 2, '', '', 0, 0)")
    st = Store(p)
    rec = st.get_epoch(40)
    assert rec.state == EpochState.SUBMITTED and rec.submit_failures == 0 and rec.nonce == 3
    st.update_epoch(40, submit_failures=2)
    assert st.submissions(40) == []
    st.close()
    assert Store(p).get_epoch(40).submit_failures == 2  # the added column is real


def test_states_are_the_enum_and_bad_ones_are_refused(tmp_path):
    st = Store(tmp_path / "a.db")
    st.add_epoch(EpochRecord(epoch_start_s=40, state=EpochState.SEALED, node_id=1, window_s=10,
                             slot_count=4))
    assert st.update_epoch(40, state="proved").state == EpochState.PROVED  # the value works
    assert [e.epoch_start_s for e in st.epochs(OPEN_STATES)] == [40]
    with pytest.raises(StoreError, match="not one of"):
        st.update_epoch(40, state="lost")
    with sqlite3.connect(st.path) as c:  # stored as the plain string
        assert c.execute("SELECT state FROM epochrecord").fetchone() == ("proved",)


def test_every_signed_transaction_is_kept_durably_in_signing_order(tmp_path):
    p = tmp_path / "a.db"
    st = Store(p)
    st.add_epoch(EpochRecord(epoch_start_s=40, state=EpochState.PROVED, node_id=1, window_s=10,
                             slot_count=4))
    st.record_submission(40, "0x01", "aa", 5, 2_000, 100)
    rec = st.record_submission(40, "0x02", "bb", 5, 2_500, 125)  # a replacement, same nonce
    assert (rec.state, rec.tx_hash, rec.raw_tx, rec.nonce) == (EpochState.SUBMITTED, "0x02",
                                                              "bb", 5)
    with pytest.raises(StoreError, match="already recorded"):
        st.record_submission(40, "0x02", "bb", 5, 2_500, 125)
    with pytest.raises(StoreError, match="not in the outbox"):
        st.record_submission(80, "0x03", "cc", 6, 1, 1)
    st.close()
    again = Store(p)  # what a restarted agent sees
    assert [(t.tx_hash, t.nonce, t.max_fee_per_gas_wei) for t in again.submissions(40)] == [
        ("0x01", 5, 2_000), ("0x02", 5, 2_500)]
    assert again.get_epoch(40).tx_hash == "0x02"
