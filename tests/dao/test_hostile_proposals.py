"""A stranger on the DAO: with the default proposal threshold (0) anyone may propose, and anyone
may vote (a zero-weight vote still carries a reason and params). Everything here is a real
transaction on anvil, indexed by the real indexer into SQLite and PostgreSQL and read back
through the real API and explorer; nothing may halt the indexer or answer a 5xx.

- proposal actions whose calldata decodes against a known ABI into values the action table
  cannot show as they are: arrays of bytes (the timelock's scheduleBatch, the Governor's own
  execute), a time past any calendar (setRegionIntensity's effectiveFrom = 2^64-1);
- calldata that decodes against no ABI, targets no known contract, or is cut after the
  selector; a description of random bytes (invalid UTF-8, NUL); a proposal of 400 actions;
- votes with a reason of random bytes and 4 KiB of params;
- a reorg that drops a proposal, its votes and its cancellation;
- proposal ids at and past the uint256 range, non-ASCII digits, on the API and the explorer.
"""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector as selector
from eth_utils import keccak
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.tx import send_tx
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer
from ecoai_chain.indexer.manifest import config_from_deployment
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore
from tests.dao_chain import DAO_SETTINGS, advance

# slow: hostile-input suites (like the schema fuzzing), run by `make test`, not `make test-fast`
pytestmark = [pytest.mark.chain, pytest.mark.slow]
HOSTILE = b"\xff\xfe\x00<script>alert(1)</script>\xc3\x28 \xe2\x82 \x00\x00 #proposer=0x"
SUPPORT_FOR = 1


def call(sig: str, types: list[str], values: list) -> bytes:
    return selector(sig) + encode(types, values)


def propose(w3, stranger, governor: str, actions: list[tuple[str, bytes]],
            description: bytes) -> int:
    """Governor.propose from raw bytes (a string is bytes on the wire); returns the id."""
    targets = [t for t, _ in actions]
    calldatas = [c for _, c in actions]
    values = [0] * len(actions)
    data = call("propose(address[],uint256[],bytes[],string)",
                ["address[]", "uint256[]", "bytes[]", "bytes"],
                [targets, values, calldatas, description])
    send_tx(w3, stranger, {"to": governor, "data": data, "value": 0})
    return int.from_bytes(keccak(encode(["address[]", "uint256[]", "bytes[]", "bytes32"],
                                        [targets, values, calldatas, keccak(description)])),
                          "big")


def vote(w3, voter, governor: str, pid: int, reason: bytes, params: bytes) -> None:
    data = call("castVoteWithReasonAndParams(uint256,uint8,string,bytes)",
                ["uint256", "uint8", "bytes", "bytes"], [pid, SUPPORT_FOR, reason, params])
    send_tx(w3, voter, {"to": governor, "data": data, "value": 0})


def index(dep, w3, url: str) -> Indexer:
    ix = Indexer(JsonRpc(dep.rpc_url or w3.provider.endpoint_uri),
                 IndexStore(make_engine(url)), config_from_deployment(dep, confirmations=0))
    ix.sync()
    return ix


def test_hostile_proposals_and_votes_are_indexed_and_served(dao, db_url):
    w3, dep, stranger = dao["w3"], dao["deployment"], dao["stranger"]
    gov, tl, gp = (dep.address("EcoGovernor"), dep.address("EcoTimelock"),
                   dep.address("GreenProof"))
    nobody = "0x" + "ab" * 20
    batch = call("scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,uint256)",
                 ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32", "uint256"],
                 [[gp], [0], [b"\x01\x02\xff"], b"\0" * 32, b"\x11" * 32, 2**256 - 1])
    execute = call("execute(address[],uint256[],bytes[],bytes32)",
                   ["address[]", "uint256[]", "bytes[]", "bytes32"],
                   [[gp, tl], [1, 2], [b"", b"\0" * 40], b"\xee" * 32])
    late = call("setRegionIntensity(bytes32,uint256,uint64)", ["bytes32", "uint256", "uint64"],
                [b"\xff\x00\xfe" + b"\0" * 29, 2**256 - 1, 2**64 - 1])
    pids = {
        "bytes arrays": propose(w3, stranger, gov, [(tl, batch), (gov, execute)], b"batch"),
        "late time": propose(w3, stranger, gov, [(gp, late)], b"far future"),
        "no abi": propose(w3, stranger, gov, [
            (gp, b"\xde\xad\xbe\xef" + b"\xff" * 33), (nobody, HOSTILE),
            (gp, selector("setBaseline(bytes32,uint256,uint64)")), (tl, b"")], HOSTILE),
        "wide": propose(w3, stranger, gov, [(nobody, i.to_bytes(4, "big")) for i in range(400)],
                        b"four hundred actions"),
    }
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    for pid in pids.values():
        vote(w3, stranger, gov, pid, HOSTILE * 3, bytes(range(256)) * 16)

    ix = index(dep, w3, db_url)
    assert ix.checkpoint == w3.eth.block_number  # kept up: nothing halted it
    api = TestClient(create_app(ApiSettings(db_url=db_url)))
    listed = {p["proposal_id"] for p in api.get("/api/v1/proposals?limit=200").json()["items"]}
    assert {str(p) for p in pids.values()} <= listed
    for what, pid in pids.items():
        r = api.get(f"/api/v1/proposals/{pid}")
        assert r.status_code == 200, (what, r.text[:300])
        body = r.json()
        assert body["state"] == "Active", what
        (v,) = body["vote_list"]
        assert v["voter"] == stranger.address and v["weight_units"] == "0"
        assert "\0" not in v["reason"] and "\ufffd" in v["reason"]
        assert api.get(f"/proposals/{pid}").status_code == 200, what  # the explorer page

    actions = api.get(f"/api/v1/proposals/{pids['bytes arrays']}").json()["actions"]
    assert [a["function"] for a in actions] == ["scheduleBatch", "execute"]
    assert actions[0]["args"][2]["value"] == ["0x0102ff"]  # bytes inside an array, as hex
    assert actions[0]["args"][5]["value"] == str(2**256 - 1)
    assert actions[1]["args"][2]["value"] == ["0x", "0x" + "00" * 40]
    (late_action,) = api.get(f"/api/v1/proposals/{pids['late time']}").json()["actions"]
    assert late_action["function"] == "setRegionIntensity"
    assert late_action["args"][2]["value"] == str(2**64 - 1)
    assert str(2**64 - 1) in late_action["args"][2]["shown"]
    raw = api.get(f"/api/v1/proposals/{pids['no abi']}").json()
    assert "\0" not in raw["description"] and "\ufffd" in raw["description"]
    assert raw["description_hash"] == "0x" + keccak(HOSTILE).hex()  # of the bytes proposed
    assert [a["function"] for a in raw["actions"]] == ["?", "?", "setBaseline", "?"]
    assert raw["actions"][1]["calldata"] == "0x" + HOSTILE.hex()
    assert len(api.get(f"/api/v1/proposals/{pids['wide']}").json()["actions"]) == 400
    assert "&lt;script&gt;" in api.get(f"/proposals/{pids['no abi']}").text


def _counts(engine) -> dict[str, int]:
    with engine.connect() as c:
        return {t: c.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                for t in ("proposals", "votes", "proposal_events", "quarantined_logs")}


def test_a_reorg_removes_proposals_votes_and_cancellations(dao, tmp_path):
    w3, dep, stranger = dao["w3"], dao["deployment"], dao["stranger"]
    gov = dep.address("EcoGovernor")
    url = f"sqlite:///{tmp_path}/index.db"
    ix = index(dep, w3, url)
    api = TestClient(create_app(ApiSettings(db_url=url)))
    before = [p["proposal_id"] for p in api.get("/api/v1/proposals").json()["items"]]
    counts = _counts(ix.store.engine)
    snap = w3.provider.make_request("evm_snapshot", [])["result"]

    gone = propose(w3, stranger, gov, [(gov, b"")], b"about to be reorged out")
    cancelled = propose(w3, stranger, gov, [(gov, b"\x01")], b"cancelled, then reorged out")
    data = call("cancel(address[],uint256[],bytes[],bytes32)",
                ["address[]", "uint256[]", "bytes[]", "bytes32"],
                [[gov], [0], [b"\x01"], keccak(b"cancelled, then reorged out")])
    send_tx(w3, stranger, {"to": gov, "data": data, "value": 0})
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    vote(w3, stranger, gov, gone, b"reorged", b"")
    ix.sync()
    assert api.get(f"/api/v1/proposals/{gone}").json()["vote_count"] == 1
    assert api.get(f"/api/v1/proposals/{cancelled}").json()["state"] == "Canceled"
    assert _counts(ix.store.engine) != counts
    height = w3.eth.block_number

    w3.provider.make_request("evm_revert", [snap])
    for _ in range(height - w3.eth.block_number + 2):  # a longer chain without them
        w3.provider.make_request("evm_mine", [])
    ix.sync()
    assert ix.checkpoint == w3.eth.block_number
    assert api.get(f"/api/v1/proposals/{gone}").status_code == 404
    assert api.get(f"/api/v1/proposals/{cancelled}").status_code == 404
    assert [p["proposal_id"] for p in api.get("/api/v1/proposals").json()["items"]] == before
    assert _counts(ix.store.engine) == counts


def test_after_a_reorg_to_a_shorter_chain_states_are_read_at_the_new_head(dao, tmp_path):
    """The Governor's state is derived at the indexed head's time: a rollback must move that
    time back with the checkpoint, also when nothing above the fork point is indexed yet."""
    w3, dep, stranger = dao["w3"], dao["deployment"], dao["stranger"]
    gov = dep.address("EcoGovernor")
    url = f"sqlite:///{tmp_path}/index.db"
    ix = index(dep, w3, url)
    api = TestClient(create_app(ApiSettings(db_url=url)))
    pid = propose(w3, stranger, gov, [(gov, b"")], b"stays; its vote opens later")
    ix.sync()
    snap = w3.provider.make_request("evm_snapshot", [])["result"]
    fork_time_s = w3.eth.get_block("latest")["timestamp"]
    assert api.get(f"/api/v1/proposals/{pid}").json()["state"] == "Pending"

    advance(w3, DAO_SETTINGS["voting_delay_s"] + 5)  # the vote opens ... on a dropped fork
    ix.sync()
    assert api.get(f"/api/v1/proposals/{pid}").json()["state"] == "Active"
    w3.provider.make_request("evm_revert", [snap])  # the chain is back at the fork point
    ix.sync()
    assert ix.checkpoint == w3.eth.block_number
    body = api.get(f"/api/v1/proposals/{pid}").json()
    assert body["as_of_s"] == fork_time_s
    assert body["state"] == "Pending"


@pytest.mark.parametrize("pid,status", [
    (str(2**256 - 1), 404), ("0" * 78, 404), (str(2**256), 422), ("1" * 79, 422),
    ("²", 422), ("١٢", 422), ("-1", 422), ("1e5", 422), ("0x10", 422), (" 1", 422),
])
def test_proposal_ids_at_and_past_uint256(dao, tmp_path, pid, status):
    url = f"sqlite:///{tmp_path}/index.db"
    index(dao["deployment"], dao["w3"], url)
    api = TestClient(create_app(ApiSettings(db_url=url)))
    r = api.get(f"/api/v1/proposals/{pid}")
    assert r.status_code == status, r.text
    if status == 422:
        assert r.json()["field"] == "pid"
    assert api.get(f"/proposals/{pid}").status_code == 404  # the explorer: a page, not a 5xx


@pytest.mark.parametrize("query", ["limit=1000000000000000000000000000000", "limit=-1",
                                   "limit=0", "limit=%C2%B2", "cursor=" + "A" * 600,
                                   "cursor=WzFlOTk5XQ", "cursor=Wy0xXQ", "cursor=W251bGxd",
                                   "cursor=WzEsMl0", "cursor=W3RydWVd"])
def test_proposal_list_queries_with_extreme_values(dao, tmp_path, query):
    url = f"sqlite:///{tmp_path}/index.db"
    index(dao["deployment"], dao["w3"], url)
    api = TestClient(create_app(ApiSettings(db_url=url)))
    r = api.get(f"/api/v1/proposals?{query}")
    assert r.status_code in (200, 422), r.text  # a negative cursor is just past every row
    if r.status_code == 422:
        assert r.json()["field"] in ("limit", "cursor")
    assert api.get(f"/proposals?{query}").status_code < 500


def test_proposals_and_votes_relayed_through_nested_contracts(dao, tmp_path):
    """The indexer reads governance from events alone, never from calldata: a proposal made by
    a contract whose own calldata starts with propose's selector over a decoy, and a vote
    through two nested relays, are indexed as the Governor recorded them."""
    from ecoai_chain.chain.artifacts import load_artifact
    from ecoai_chain.chain.tx import deploy

    w3, dep, stranger = dao["w3"], dao["deployment"], dao["stranger"]
    gov = dep.address("EcoGovernor")
    relay_art = load_artifact("CertificateRelay", "test/IndexerAdversary.sol")
    relay = deploy(w3, stranger, relay_art, gov)
    outer = deploy(w3, stranger, relay_art, relay.address)
    inner = call("propose(address[],uint256[],bytes[],string)",
                 ["address[]", "uint256[]", "bytes[]", "bytes"],
                 [[gov], [0], [b"\x01\x02"], b"relayed"])
    tag = selector("propose(address[],uint256[],bytes[],string)")  # a decoy: not what runs
    send_tx(w3, stranger, {"to": relay.address, "data": tag + inner, "value": 0})
    pid = int.from_bytes(keccak(encode(["address[]", "uint256[]", "bytes[]", "bytes32"],
                                       [[gov], [0], [b"\x01\x02"], keccak(b"relayed")])), "big")
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    cast = call("castVoteWithReasonAndParams(uint256,uint8,string,bytes)",
                ["uint256", "uint8", "bytes", "bytes"], [pid, 0, b"via two relays", b"\x00"])
    via = relay.encode_abi("relayTo", args=[gov, cast])
    send_tx(w3, stranger, outer.functions.relayTo(relay.address, bytes.fromhex(via[2:]))
            .build_transaction({"from": stranger.address}), gas=1_000_000)

    url = f"sqlite:///{tmp_path}/index.db"
    ix = index(dep, w3, url)
    assert ix.checkpoint == w3.eth.block_number
    body = TestClient(create_app(ApiSettings(db_url=url))).get(
        f"/api/v1/proposals/{pid}").json()
    assert body["proposer"] == relay.address and body["description"] == "relayed"
    assert [a["calldata"] for a in body["actions"]] == ["0x0102"]
    (v,) = body["vote_list"]
    assert (v["voter"], v["support"], v["reason"]) == (relay.address, "against", "via two relays")
