"""Revocations (and their reorg) through the store, and the generic decoders checked against
web3's own decoding of the same real logs / an encoded submit call."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from sqlalchemy import select

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.record_words import submitted_args
from ecoai_chain.indexer.abi import CallDecoder, EventDecoder
from ecoai_chain.indexer.models import Certificate, DailyAggregate, Node, Revocation
from ecoai_chain.indexer.store import T

pytestmark = pytest.mark.chain
KR = b"KR".ljust(32, b"\0")


def _node(store):
    with store.engine.connect() as c:
        return c.execute(select(T[Node])).mappings().one()


def _day_counts(store):
    with store.engine.connect() as c:
        return sum(r for r in c.execute(select(T[DailyAggregate].c.certificate_count)).scalars())


def test_revocation_excludes_from_totals_and_a_reorg_restores(load, make_indexer, raw_w3):
    load.tx(load.emitter.functions.registerNodes(1, 1, KR))
    load.tx(load.emitter.functions.emitCertificates(1, 1_700_006_400, 4))
    ix = make_indexer(load.config())
    ix.sync()
    assert _node(ix.store)["certificate_count"] == 4 and _day_counts(ix.store) == 4
    snap = raw_w3.provider.make_request("evm_snapshot", [])["result"]
    load.tx(load.emitter.functions.revoke(2, 1, "double counted"))
    ix.sync()
    with ix.store.engine.connect() as c:
        cert = c.execute(select(T[Certificate]).where(
            T[Certificate].c.certificate_id == 2)).mappings().one()
        rev = c.execute(select(T[Revocation])).mappings().one()
    assert cert["revoked"] and cert["revoked_reason"] == "double counted"
    assert rev["clawed_back_units"] == 5 * 10**16  # exact, as a UInt
    assert _node(ix.store)["certificate_count"] == 3 and _day_counts(ix.store) == 3
    raw_w3.provider.make_request("evm_revert", [snap])
    raw_w3.provider.make_request("anvil_mine", [2])
    ix.sync()
    with ix.store.engine.connect() as c:
        assert not c.execute(select(T[Certificate].c.revoked).where(
            T[Certificate].c.certificate_id == 2)).scalar()
        assert c.execute(select(T[Revocation])).first() is None
    assert _node(ix.store)["certificate_count"] == 4 and _day_counts(ix.store) == 4


def _hexed(v):
    """web3's decoded values as ours: bytes as 0x-hex, structs (the record) member by member."""
    if isinstance(v, bytes):
        return "0x" + v.hex()
    if isinstance(v, Mapping):  # web3's AttributeDict too
        return {k: _hexed(x) for k, x in v.items()}
    return v


def test_event_decoder_matches_web3(load, raw_w3):
    r1 = load.tx(load.emitter.functions.registerNodes(7, 2, KR))
    r2 = load.tx(load.emitter.functions.emitCertificates(7, 1_700_006_400, 3))
    r3 = load.tx(load.emitter.functions.revoke(9, 7, "why not"))
    dec = EventDecoder(load.emitter.abi)
    ev = load.emitter.events
    for receipt, web3_event in ((r1, ev.NodeRegistered), (r2, ev.CertificateSubmitted),
                                (r3, ev.CertificateRevoked)):
        theirs = web3_event().process_receipt(receipt)
        raw = raw_w3.provider.make_request("eth_getTransactionReceipt",
                                           [receipt["transactionHash"].to_0x_hex()])
        ours = [dec.decode(log) for log in raw["result"]["logs"]]
        assert len(ours) == len(theirs) > 0
        for mine, t in zip(ours, theirs, strict=True):
            # CertificateSubmitted's four data words as its record, as the client's reads
            # unpack them (record_words.submitted_args) from web3's decoding
            expect = _hexed(submitted_args(t.args) if t.event == "CertificateSubmitted"
                            else dict(t.args))
            assert mine.args == expect and mine.event == t.event
            assert mine.log_index == t.logIndex and mine.block_number == t.blockNumber


def test_call_decoder_roundtrips_submit_calldata(w3):
    abi = load_artifact("GreenProof").abi
    gp = w3.eth.contract(address="0x" + "11" * 20, abi=abi)
    cert = (3, 1_767_225_600, 60, 60, 12345, 1_819_794_935, 62_107, 220_397, 436_000, 700_000,
            b"llm-inference".ljust(32, b"\0"))
    proof = ([1, 2], [[3, 4], [5, 6]], [7, 8])
    data = gp.encode_abi("submitCertificates", args=[[cert, cert], [proof, proof],
                                                     [b"\x01" * 65, b"\x02" * 65]])
    out = CallDecoder(abi).decode(data)
    assert len(out) == 2 and out[1]["signature"] == "0x" + "02" * 65
    assert out[0]["cert"]["nodeId"] == 3 and out[0]["cert"]["maxPowerMw"] == 700_000
    assert out[0]["cert"]["workloadClass"] == "0x" + b"llm-inference".ljust(32, b"\0").hex()
    assert out[0]["proof"] == {"a": ["1", "2"], "b": [["3", "4"], ["5", "6"]], "c": ["7", "8"]}
    assert CallDecoder(abi).decode(gp.encode_abi("activateNode", args=[1])) == []
