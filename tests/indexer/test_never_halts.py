"""Property: whatever a stranger puts on a real chain, the indexer keeps up and the API answers
without a 5xx -- on SQLite and PostgreSQL alike, with the same answers from both.

Each example sends a few hostile transactions to one shared anvil: nodes registered on the
real GreenProof with random bytes for region and metadataURI (directly and through a relay),
real certificates submitted directly (with junk after the calldata), through a tagged relay,
two nested relays or a decoy relay, and GreenProof's and EcoCredit's events emitted by a
followed HostileEventEmitter with random bytes for every string, extreme integers for every
number, directly or from inside a relay, plus raw logs with GreenProof's topics over data
that fits no ABI. Both indexers then sync; each must reach the head."""

from __future__ import annotations

import pytest
from adversary import SUBMIT, Adversary
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ecoai_chain.api.app import create_app
from ecoai_chain.api.params import MAX_ID
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.devnet import Anvil
from ecoai_chain.chain.record_words import unpack
from ecoai_chain.errors import ChainError
from ecoai_chain.indexer.abi import EventDecoder
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import EVENTS, Indexer
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore
from tests.vector_chain import ANVIL_ARGS

pytestmark = [pytest.mark.chain, pytest.mark.slow]
EDGES = [0, 1, 2**31, 2**32 - 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**128, 2**255,
         2**256 - 1]


def uint(bits: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from([v for v in EDGES if v < 2**bits]),
                     st.integers(0, 2**bits - 1))


node_id = st.one_of(st.integers(1, 6), uint(64))
cert_id = st.one_of(st.integers(1, 20), uint(256))
b32 = st.binary(min_size=32, max_size=32)
text = st.binary(max_size=120)  # random bytes for every string
region = st.binary(min_size=1, max_size=32).filter(lambda b: b.strip(b"\0"))
via_relay = st.booleans()

ACTIONS = st.one_of(
    st.tuples(st.just("register"), region, text, via_relay),
    st.tuples(st.just("nodeRegistered"), node_id, b32, uint(256), text, via_relay),
    st.tuples(st.just("nodeStatusChanged"), node_id, uint(8), text, via_relay),
    # the event's four data words (root, fieldsA, fieldsB, workloadClass) raw, or the record
    # they unpack to emitted typed (packed by RecordWords, as GreenProof does)
    st.tuples(st.just("certificateSubmitted"), cert_id, node_id, uint(64),
              st.lists(uint(256), min_size=4, max_size=4), st.booleans(), via_relay),
    st.tuples(st.just("certificateRevoked"), cert_id, node_id, text, uint(256), uint(256),
              via_relay),
    st.tuples(st.just("regionIntensitySet"), b32, uint(256), uint(64), via_relay),
    st.tuples(st.just("transfer"), st.integers(0, 3), st.integers(0, 3), uint(256), via_relay),
    st.tuples(st.just("rawLog"), st.integers(0, 10**6),  # one of the followed topics, mod n
              st.lists(b32, max_size=3), st.binary(max_size=300)),
)


class Harness:
    def __init__(self, anvil: Anvil, pg_url: str, tmp) -> None:
        self.adv = Adversary(anvil.rpc_url)
        cfg = self.adv.config(hostile=True)
        self.rpc = JsonRpc(anvil.rpc_url)
        self.indexers = [Indexer(self.rpc, IndexStore(make_engine(url)), cfg)
                         for url in (f"sqlite:///{tmp}/index.db", pg_url)]
        self.apis = [TestClient(create_app(ApiSettings(db_url=ix.store.engine.url
                                                       .render_as_string(hide_password=False),
                                                       verify_rate_per_min=60_000,
                                                       verify_burst=1000)),
                                raise_server_exceptions=False) for ix in self.indexers]
        self.topics = EventDecoder(*cfg.abis).topics(*EVENTS)
        self.people = [a.address for a in self.adv.accounts[:3]] + ["0x" + "00" * 20]

    def emit(self, fn, relayed: bool) -> None:
        adv = self.adv
        if relayed:  # from inside a call: relay -> emitter
            call = bytes.fromhex(fn._encode_transaction_data()[2:])
            adv.tx(adv.relay.functions.relayTo(adv.emitter.address, call))
        else:
            adv.tx(fn)

    def act(self, action: tuple) -> None:
        adv, kind, e = self.adv, action[0], self.adv.emitter.functions
        me = adv.stranger.address
        if kind == "register":
            _, reg, meta, relayed = action
            if relayed:
                call = bytes.fromhex(adv.gp.encode_abi("registerNode", args=[
                    me, reg.ljust(32, b"\0"), 700_000, ""])[2:])
                adv.tx(adv.relay.functions.relayTo(adv.dep.green_proof, call))
            adv.register_raw(reg, meta)
        elif kind == "certificate":
            _, how, junk = action
            i = adv.next_unused()
            if i is None:
                return  # every vector certificate is on chain already
            if how == "direct":
                adv.send(adv.dep.green_proof, adv.submit_call(i) + junk)
            elif how == "tagged":
                adv.relay_tagged(i, tag=(junk + SUBMIT)[:4])
            elif how == "nested":
                adv.relay_nested(i)
            else:
                adv.relay_decoy(i)
        elif kind == "nodeRegistered":
            _, nid, reg, power, meta, relayed = action
            self.emit(e.nodeRegistered(nid, me, me, reg, power, meta), relayed)
        elif kind == "nodeStatusChanged":
            _, nid, status, reason, relayed = action
            self.emit(e.nodeStatusChanged(nid, status, reason), relayed)
        elif kind == "certificateSubmitted":
            _, cid, nid, epoch, words, fit, relayed = action
            root, fields_a, fields_b, cls = words
            if fit:  # a typed emit: GreenProof's own encoding of such a record
                rec = unpack(nid, epoch, root, fields_a, fields_b, cls.to_bytes(32, "big"))
                self.emit(e.certificateSubmitted(cid, nid, epoch, tuple(rec.values())), relayed)
            else:
                self.emit(e.certificateSubmittedRaw(cid, nid, epoch, root, fields_a, fields_b,
                                                    cls.to_bytes(32, "big")), relayed)
        elif kind == "certificateRevoked":
            _, cid, nid, reason, clawed, debt, relayed = action
            self.emit(e.certificateRevoked(cid, nid, reason, clawed, debt), relayed)
        elif kind == "regionIntensitySet":
            _, reg, intensity, effective, relayed = action
            self.emit(e.regionIntensitySet(reg, intensity, effective), relayed)
        elif kind == "transfer":
            _, frm, to, value, relayed = action
            self.emit(e.transfer(self.people[frm], self.people[to], value), relayed)
        else:
            _, topic, extra, data = action
            topic0 = self.topics[topic % len(self.topics)]
            adv.tx(e.rawLog([bytes.fromhex(topic0[2:]), *extra], data))

    def check(self) -> None:
        head = self.adv.w3.eth.block_number
        for ix in self.indexers:
            ix.sync()
            assert ix.checkpoint == head  # kept up: nothing stopped it below the head
        answers = [self._browse(api) for api in self.apis]
        assert answers[0] == answers[1]  # SQLite and PostgreSQL hold the same index

    def _browse(self, api: TestClient) -> dict:
        seen: dict = {}

        def get(url: str, method: str = "GET"):
            r = api.request(method, url)
            assert r.status_code < 500, (url, r.status_code, r.text[:300])
            return r

        for url in ("/api/v1/nodes?limit=100", "/api/v1/certificates?limit=100",
                    "/api/v1/leaderboard?by=avoided", "/api/v1/leaderboard?by=score",
                    "/api/v1/stats/regions", "/api/v1/stats/daily", "/api/v1/stats/totals",
                    "/api/v1/credits/transfers?limit=100", "/api/v1/credits/supply"):
            seen[url] = get(url).json()
        get("/")
        seen["quarantined"] = [m for m in get("/metrics").text.splitlines()
                               if m.startswith("ecoai_indexer_")]
        nodes = [n["node_id"] for n in seen["/api/v1/nodes?limit=100"]["items"]][-5:]
        certs = [c["certificate_id"] for c in seen["/api/v1/certificates?limit=100"]["items"]]
        for nid in nodes:
            seen[nid] = get(f"/api/v1/nodes/{nid}").json()
            get(f"/nodes/{nid}")
            get(f"/api/v1/nodes/{nid}/certificates")
        for cid in certs[:5]:
            assert cid <= MAX_ID
            seen[f"proof {cid}"] = get(f"/api/v1/certificates/{cid}/proof").json()
            get(f"/certificates/{cid}")
        if certs:
            get(f"/api/v1/certificates/{certs[0]}/verify", "POST")
        for addr in self.people:
            seen[addr] = get(f"/api/v1/credits/balances/{addr}").json()
            get(f"/address/{addr}")
        return seen


@pytest.fixture(scope="module")
def harness(pg_server, tmp_path_factory):
    with Anvil(extra_args=ANVIL_ARGS) as node:  # before the vector epochs: see vector_chain
        h = Harness(node, pg_server.create_db("never_halts"), tmp_path_factory.mktemp("nh"))
        yield h
        h.rpc.close()


# A real certificate in most examples (until the twelve vector certificates are spent).
CERTIFICATE = st.tuples(st.just("certificate"),
                        st.sampled_from(["direct", "tagged", "nested", "decoy"]),
                        st.binary(max_size=40))


@given(cert=st.one_of(st.none(), CERTIFICATE), actions=st.lists(ACTIONS, max_size=4))
@example(cert=None, actions=[  # an epoch no calendar has, every other number at its maximum
    ("certificateSubmitted", 21, 1, 2**53 + 1, [2**256 - 1] * 4, True, False),
    ("certificateSubmitted", 22, 1, 2**53 + 1, [2**256 - 1] * 4, False, False)])
@example(cert=("certificate", "tagged", b""), actions=[
    ("nodeRegistered", 2**63 - 1, b"\0" * 32, 2**256 - 1, b"\0\xff", True),
    ("certificateRevoked", 1, 1, b"\xc3(", 2**256 - 1, 2**256 - 1, True),
    ("transfer", 0, 3, 2**256 - 1, False), ("rawLog", 3, [], b"")])
@example(cert=("certificate", "decoy", b""), actions=[
    ("register", "서울".encode(), b"ipfs://\0\xfe", True),
    ("regionIntensitySet", "서울".encode().ljust(32, b"\0"), 2**256 - 1, 2**64 - 1, False),
    ("nodeStatusChanged", 1, 255, b"\0" * 40, True)])
@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_the_indexer_never_halts_and_the_api_never_fails(harness, cert, actions):
    for action in [cert, *actions] if cert else actions:
        try:
            harness.act(action)
        except ChainError:  # a reverted hostile transaction: on chain, with no events
            pass
    harness.check()
