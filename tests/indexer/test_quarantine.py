"""A log that cannot be decoded or stored is quarantined with its reason, counted in the API's
/metrics, listed by `ecoai indexer status`, removed by a reorg -- and indexing goes on."""

from __future__ import annotations

import pytest
from adversary import Adversary
from eth_utils import keccak
from fastapi.testclient import TestClient
from sqlalchemy import select

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.record_words import pack
from ecoai_chain.cli import main as ecoai
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.models import Certificate, Node, QuarantinedLog
from ecoai_chain.indexer.store import T

pytestmark = pytest.mark.chain
KR = b"KR".ljust(32, b"\0")
CERT_TOPIC = keccak(text="CertificateSubmitted(uint256,uint64,uint64,uint256,uint256,uint256,"
                         "bytes32)")
NODE_TOPIC = keccak(text="NodeRegistered(uint64,address,address,bytes32,uint256,string)")


def _record(epoch_start_s: int) -> tuple:
    """A record's four data words (root, fieldsA, fieldsB, workloadClass), as
    certificateSubmittedRaw logs them (its node and epoch are the topics)."""
    fields_a, fields_b = pack({
        "intensityMgPerKwh": 400_000, "maxPowerMw": 700_000, "windowS": 60, "slotCount": 60,
        "ecoScore": 80, "energyMj": 2, "carbonMg": 3, "work": 4, "rewardUnits": 7 * 10**12,
        "releaseAt": min(epoch_start_s + 7200, 2**48 - 1)})
    return 1, fields_a, fields_b, KR


def _quarantined(ix) -> list[str]:
    with ix.store.engine.connect() as c:
        return list(c.execute(select(T[QuarantinedLog].c.reason)
                              .order_by(T[QuarantinedLog].c.block_number)).scalars())


def test_unindexable_logs_are_quarantined_and_indexing_goes_on(anvil, make_indexer, db_url,
                                                              raw_w3, capsys):
    adv = Adversary(anvil.rpc_url)
    e, me = adv.emitter.functions, adv.stranger.address
    snap = raw_w3.provider.make_request("evm_snapshot", [])["result"]
    adv.tx(e.nodeRegistered(2**64 - 1, me, me, KR, 1, b"too big an id"))
    adv.tx(e.rawLog([CERT_TOPIC, b"\0" * 32, b"\0" * 32, b"\0" * 32], b"\x01\x02"))
    adv.tx(e.rawLog([NODE_TOPIC, (5).to_bytes(32, "big")], b""))
    epoch = 1_700_006_400
    adv.tx(e.certificateSubmittedRaw(7, 1, epoch, *_record(epoch)))
    adv.tx(e.certificateSubmittedRaw(7, 1, epoch + 3600, *_record(epoch + 3600)))  # id 7 again
    adv.tx(e.certificateSubmittedRaw(8, 1, 2**53 + 1, *_record(2**53 + 1)))  # no calendar day
    adv.tx(e.certificateSubmittedRaw(10, 2**64 - 1, epoch + 7200, *_record(epoch + 7200)))
    # (The record's node and epoch are the topics themselves: no record can name others.)
    adv.tx(e.nodeRegistered(9, me, me, KR, 2**256 - 1, b"\xff after the bad ones"))
    adv.tx(e.nodeRegistered(9, me, me, KR, 1, b"node 9 again"))  # never silently dropped
    ix = make_indexer(adv.config(hostile=True))
    ix.sync()
    assert ix.step() is None  # caught up: nothing stops it at a bad block
    reasons = _quarantined(ix)
    assert len(reasons) == 7, reasons
    assert "NodeRegistered: nodeId 18446744073709551615 does not fit" in reasons[0]
    assert "CertificateSubmitted data is 2 bytes, its ABI needs 128" in reasons[1]
    assert "NodeRegistered has 1 indexed topics, its ABI 3" in reasons[2]
    assert reasons[3].startswith("CertificateSubmitted: the database refused it")
    assert "epochStart 9007199254740993 is after the year 9999" in reasons[4]
    assert "CertificateSubmitted: nodeId 18446744073709551615 does not fit" in reasons[5]
    assert "NodeRegistered: node 9 is already registered (tx 0x" in reasons[6]
    with ix.store.engine.connect() as c:
        node9 = c.execute(select(T[Node]).where(T[Node].c.node_id == 9)).mappings().one()
        certs = c.execute(select(T[Certificate].c.certificate_id,
                                 T[Certificate].c.epoch_start_s)).all()
    assert node9["max_power_mw"] == 2**256 - 1 and node9["metadata_uri"].startswith("\ufffd")
    assert certs == [(7, epoch)]  # the first of the two with id 7; the second is quarantined

    assert ecoai(["indexer", "status", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "quarantined logs: 7" in out and "does not fit the index's 63-bit ids" in out
    assert f"indexed block: {adv.w3.eth.block_number}" in out
    api = TestClient(create_app(ApiSettings(db_url=db_url)))
    metrics = api.get("/metrics").text
    assert "ecoai_indexer_quarantined_logs 7.0" in metrics
    assert api.get("/api/v1/nodes/9").json()["max_power_mw"] == 2**256 - 1

    raw_w3.provider.make_request("evm_revert", [snap])  # a reorg takes the bad logs away
    raw_w3.provider.make_request("anvil_mine", [10])
    ix.sync()
    assert _quarantined(ix) == []
    assert "ecoai_indexer_quarantined_logs 0.0" in api.get("/metrics").text


def test_status_of_a_missing_database_is_one_clear_line(tmp_path, capsys):
    assert ecoai(["indexer", "status", "--db", f"sqlite:///{tmp_path}/none.db"]) == 1
    err = capsys.readouterr().err
    assert "no index database" in err and "Traceback" not in err
    assert not (tmp_path / "none.db").exists()


def test_indexer_run_reports_what_it_quarantined(anvil, raw_w3, tmp_path, capsys):
    """End to end through `ecoai indexer run` from the manifest: the followed EcoCredit address
    given other code (anvil_setCode, what anyone with a dev node's RPC can do) emits a
    GreenProof-shaped log that does not fit; the run finishes and says so."""
    adv = Adversary(anvil.rpc_url)
    manifest = adv.dep.save(tmp_path / "deployment.json")
    code = adv.w3.eth.get_code(adv.emitter.address)
    raw_w3.provider.make_request("anvil_setCode", [adv.dep.eco_credit, "0x" + bytes(code).hex()])
    hostile = adv.w3.eth.contract(address=adv.dep.eco_credit, abi=adv.emitter.abi)
    me = adv.stranger.address
    adv.tx(hostile.functions.nodeRegistered(2**64 - 1, me, me, KR, 1, b"x"))
    adv.register_raw(b"KR", b"\xffafter")
    db = f"sqlite:///{tmp_path}/index.db"
    assert ecoai(["indexer", "run", "--manifest", str(manifest), "--db", db,
                  "--confirmations", "0", "--once"]) == 0
    assert "1 quarantined" in capsys.readouterr().out
    assert ecoai(["indexer", "status", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "quarantined logs: 1" in out and adv.dep.eco_credit in out
    with make_engine(db).connect() as c:
        assert c.execute(select(T[Node].c.metadata_uri).where(T[Node].c.node_id == 3)
                         ).scalar() == "\ufffdafter"


def test_the_database_is_the_last_line(anvil, make_indexer, db_url, monkeypatch):
    """Without the id check (as for an id column a later change forgets), the database's own
    refusal still quarantines the log: PostgreSQL's DataError, SQLite's OverflowError."""
    from ecoai_chain.indexer import quarantine

    monkeypatch.setitem(quarantine.ID_ARGS, "NodeRegistered", ())
    adv = Adversary(anvil.rpc_url)
    me = adv.stranger.address
    adv.tx(adv.emitter.functions.nodeRegistered(2**64 - 1, me, me, KR, 1, b"x"))
    adv.tx(adv.emitter.functions.nodeRegistered(11, me, me, KR, 1, b"y"))
    ix = make_indexer(adv.config(hostile=True))
    ix.sync()
    assert ix.step() is None
    (reason,) = _quarantined(ix)
    assert reason.startswith("NodeRegistered: the database refused it"), reason
    with ix.store.engine.connect() as c:
        assert c.execute(select(T[Node].c.node_id).where(T[Node].c.node_id == 11)).scalar()
