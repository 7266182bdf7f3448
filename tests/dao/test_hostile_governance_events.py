"""Governance events with layouts and values the real Governor never emits -- arrays of unequal
lengths, uint256 extremes for every id, time, weight and numerator -- from a followed contract
(HostileEventEmitter, the stand-in used by tests/indexer for a contract at a followed address
after a redeploy). The indexer must quarantine what it cannot store and go on; the API and the
explorer answer without a 5xx. Real anvil, real indexer, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_utils import keccak
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer
from ecoai_chain.indexer.manifest import config_from_deployment
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore

pytestmark = pytest.mark.chain
MAX = 2**256 - 1
CREATED = ("ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,"
           "string)")
CREATED_TYPES = ["uint256", "address", "address[]", "uint256[]", "string[]", "bytes[]", "uint256",
                 "uint256", "bytes"]


def topic(sig: str) -> bytes:
    return keccak(text=sig)


def test_impossible_governance_events_are_quarantined_or_stored_never_halting(dao, db_url):
    w3, dep, stranger = dao["w3"], dao["deployment"], dao["stranger"]
    emitter = deploy(w3, stranger, load_artifact("HostileEventEmitter",
                                                 "test/IndexerAdversary.sol"))

    def emit(sig: str, data: bytes, *indexed: bytes) -> None:
        fn = emitter.functions.rawLog([topic(sig), *indexed], data)
        send_tx(w3, stranger, fn.build_transaction({"from": stranger.address}), gas=3_000_000)

    who = stranger.address
    uneven = encode(CREATED_TYPES, [7, who, [who, who], [0], [""], [b"\x01"], 1, 2, b"uneven"])
    emit(CREATED, uneven)  # two targets, one value, one calldata
    # far past every calendar: snapshot, deadline, ETA; the largest id, weight and numerator
    far = encode(CREATED_TYPES, [MAX, who, [who], [MAX], [""], [b"\xff" * 3], MAX - 1, MAX,
                                 b"\xff far \x00"])
    emit(CREATED, far)
    emit("VoteCast(address,uint256,uint8,uint256,string)",
         encode(["uint256", "uint8", "uint256", "bytes"], [MAX, 2, MAX, b"\xc3\x28"]),
         b"\0" * 12 + bytes.fromhex(who[2:]))
    emit("ProposalQueued(uint256,uint256)", encode(["uint256", "uint256"], [MAX, MAX]))
    emit("QuorumNumeratorUpdated(uint256,uint256)", encode(["uint256", "uint256"], [MAX, MAX]))
    emit("ProposalExecuted(uint256)", b"\x01")  # data too short for its ABI
    emit("Cancelled(bytes32)", b"", b"\xee" * 32)

    cfg = config_from_deployment(dep, confirmations=0)
    cfg.governance.append(emitter.address)
    ix = Indexer(JsonRpc(dep.rpc_url or w3.provider.endpoint_uri),
                 IndexStore(make_engine(db_url)), cfg)
    ix.sync()
    assert ix.checkpoint == w3.eth.block_number

    with ix.store.engine.connect() as c:
        reasons = [r[0] for r in c.exec_driver_sql(
            "SELECT reason FROM quarantined_logs ORDER BY block_number").all()]
    assert any(r.startswith("ProposalCreated") and "length" in r for r in reasons), reasons
    assert any("ProposalExecuted" in r for r in reasons), reasons

    api = TestClient(create_app(ApiSettings(db_url=db_url)))
    assert api.get("/api/v1/proposals/7").status_code == 404  # quarantined, not half-stored
    body = api.get(f"/api/v1/proposals/{MAX}").json()
    assert body["snapshot_s"] == MAX - 1 and body["eta_s"] == MAX
    assert body["votes"]["abstain"] == str(MAX)
    assert int(body["quorum_units"]) >= 0
    assert api.get("/api/v1/proposals").status_code == 200
    for page in ("/proposals", f"/proposals/{MAX}"):
        r = api.get(page)
        assert r.status_code == 200, (page, r.text[:300])
    assert str(MAX) in api.get(f"/proposals/{MAX}").text  # a time past the calendar, as seconds
