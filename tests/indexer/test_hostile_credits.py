"""A stranger's Eco Credits events against the views that show them (issue 13 review): the emitter
followed as GreenProof (the never-halt threat model of test_hostile_input.py) puts
RewardEscrowed (no longer an event of GreenProof: its topic is ignored; a reward's escrow row
comes from CertificateSubmitted) / RewardReleased / RewardWithheld / DebtRepaid / BondLocked /
BondSlashed / BondReturned / ParameterScheduled on chain with 2^256-1 amounts, uint64-max times,
param indexes out of the enum and keys that are not UTF-8, around a real certificate with a real
proof. Indexing goes on; the API answers every view with exact numbers (no float, no 5xx); the
explorer renders every page; the real certificate's ceiling is the one scheduled before it, not
the stranger's later one."""

from __future__ import annotations

import pytest
from adversary import Adversary, big_reward_adversary
from eth_abi import encode as abi_encode
from eth_utils import keccak
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from tests.vector_chain import VECTORS

# slow: hostile-input suites (like the schema fuzzing), run by `make test`, not `make test-fast`
pytestmark = [pytest.mark.chain, pytest.mark.slow]
TOP = 2**256 - 1
U64 = 2**64 - 1


def _word(v: int) -> bytes:
    return v.to_bytes(32, "big")


def _addr(a: str) -> bytes:
    return bytes.fromhex(a[2:]).rjust(32, b"\0")


def _emit(adv, signature: str, topics: list[bytes], types: list[str], values: list) -> None:
    adv.tx(adv.emitter.functions.rawLog([keccak(text=signature), *topics],
                                        abi_encode(types, values)))


def _inexact(v, path="") -> list[str]:
    """Paths of JSON floats, and of amounts (*_units, *_wei) that are not decimal strings:
    the API's convention (ids and times are exact JSON integers however large)."""
    if isinstance(v, float):
        return [path]
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in (
            [f"{path}.{k}"] if k.endswith(("_units", "_wei")) and x is not None
            and not (isinstance(x, str) and x.lstrip("-").isdigit()) else
            _inexact(x, f"{path}.{k}"))]
    if isinstance(v, list):
        return [p for i, x in enumerate(v) for p in _inexact(x, f"{path}[{i}]")]
    return []


def test_a_strangers_credit_events_are_kept_exactly_and_every_view_answers(anvil, make_indexer,
                                                                         db_url, tmp_path):
    adv = Adversary(anvil.rpc_url)
    cert, proof, sig = adv.signed(0)
    cid = adv.client.submit_certificate(cert, proof, sig)
    op, stranger = adv.operators[0].address, adv.stranger.address
    cls = bytes.fromhex(VECTORS["workload_class_bytes32"][2:])
    ff = b"\xff" * 32
    _emit(adv, "RewardEscrowed(uint256,address,uint256,uint64)", [_word(cid), _addr(op)],
          ["uint256", "uint64"], [TOP, U64])
    _emit(adv, "RewardEscrowed(uint256,address,uint256,uint64)", [_word(TOP), _addr(op)],
          ["uint256", "uint256"], [TOP, TOP])  # releaseAt beyond uint64
    _emit(adv, "RewardReleased(uint256,address,uint256,uint256)", [_word(TOP), _addr(op)],
          ["uint256", "uint256"], [TOP, TOP])
    _emit(adv, "RewardWithheld(uint256,uint64,uint256,uint256)", [_word(TOP), _word(1)],
          ["uint256", "uint256"], [TOP, TOP])
    _emit(adv, "DebtRepaid(address,address,uint256,uint256)", [_addr(op), _addr(stranger)],
          ["uint256", "uint256"], [TOP, TOP - 1])
    for _ in range(2):
        _emit(adv, "BondLocked(uint64,address,uint256)", [_word(1), _addr(op)], ["uint256"],
              [TOP])
    _emit(adv, "BondSlashed(uint64,uint256,uint256,address)", [_word(1), _word(TOP)],
          ["uint256", "address"], [TOP, stranger])
    _emit(adv, "BondReturned(uint64,address,uint256)", [_word(U64), _addr(op)], ["uint256"],
          [TOP])
    _emit(adv, "ParameterScheduled(uint8,bytes32,uint256,uint64)", [_word(TOP), ff],
          ["uint256", "uint64"], [TOP, U64])
    _emit(adv, "ParameterScheduled(uint8,bytes32,uint256,uint64)", [_word(255), ff],
          ["uint256", "uint64"], [TOP, U64])
    # the class's ceiling lifted to 2^256-1 from time 0, after the certificate: not its ceiling
    _emit(adv, "ParameterScheduled(uint8,bytes32,uint256,uint64)", [_word(2), cls],
          ["uint256", "uint64"], [TOP, 0])
    # node 1 registered again, to the stranger: quarantined, it stays the operator's
    adv.tx(adv.emitter.functions.nodeRegistered(1, stranger, stranger, b"KR".ljust(32, b"\0"),
                                                1, b"ipfs://mine"))
    ix = make_indexer(adv.config(hostile=True))
    ix.sync()
    assert ix.step() is None  # caught up, not stuck
    manifest = adv.dep.save(tmp_path / "deployment.json")
    api = TestClient(create_app(ApiSettings(db_url=db_url, manifest=str(manifest))),
                     raise_server_exceptions=False)
    bodies = {}
    for path in (f"/api/v1/certificates/{cid}", f"/api/v1/operators/{op}",
                 f"/api/v1/operators/{stranger}", "/api/v1/nodes/1"):
        r = api.get(path)
        assert r.status_code in (200, 404), (path, r.status_code, r.text)
        bodies[path] = r.json()
        assert _inexact(bodies[path]) == [], (path, _inexact(bodies[path]))
    credits = bodies[f"/api/v1/certificates/{cid}"]["credits"]
    assert credits["ceiling_work_per_kwh"] == int(VECTORS["efficiency_ceiling_work_per_kwh"])
    assert credits["bound_units"] == str(adv.client.reward_bound(1, cls, cert["epochStart"]))
    assert bodies[f"/api/v1/operators/{stranger}"] == {
        "error": f"operator {stranger} not found"}  # named only as payer and treasury
    record = bodies[f"/api/v1/operators/{op}"]
    node = next(n for n in record["nodes"] if n["node_id"] == 1)
    assert node["bond"]["locked_wei"] == str(2 * TOP) and node["bond"]["slashed_wei"] == str(TOP)
    assert record["debt_units"] == str(TOP - 1)
    verify = api.post(f"/api/v1/certificates/{cid}/verify")
    assert verify.status_code == 200, verify.text
    ceiling = next(c for c in verify.json()["checks"] if c["name"] == "ceiling")
    assert ceiling["ok"] is True, ceiling
    for page in (f"/certificates/{cid}", "/nodes/1", f"/operators/{op}",
                 f"/operators/{stranger}", f"/address/{op}"):
        r = api.get(page)
        assert r.status_code in (200, 404) and "Internal Server Error" not in r.text, page


MANY = 65_540  # more than PostgreSQL's 65,535 bind parameters in one statement


@pytest.mark.slow
def test_an_operator_with_more_nodes_than_bind_parameters(anvil, make_indexer, db_url):
    """An operator (or, followed as GreenProof, a stranger naming it) with 65,540 nodes more
    than the two real ones: its record still answers, with every node's bond and its debt.
    The extra nodes' rows are written into the real index database directly, standing in for
    that many registrations (too many transactions to send here)."""
    from ecoai_chain.indexer.models import Node
    from ecoai_chain.indexer.store import T

    adv = Adversary(anvil.rpc_url)
    op = adv.operators[0].address
    ix = make_indexer(adv.config())
    ix.sync()
    rows = [{"node_id": 10 + i, "operator": op, "attestor": op, "registered_attestor": op,
             "region": "KR", "max_power_mw": 1, "metadata_uri": "", "metadata_uri_raw": b"",
             "status": 0, "status_reason": "", "registered_block": 1,
             "registered_tx": "0x" + f"{i:064x}", "registered_log_index": 0,
             "certificate_count": 0, "score_sum": 0, "energy_mj": 0, "carbon_mg": 0,
             "avoided_mg": 0, "avg_score": 0} for i in range(MANY)]
    with ix.store.engine.begin() as c:
        c.execute(T[Node].insert(), rows)
    api = TestClient(create_app(ApiSettings(db_url=db_url)), raise_server_exceptions=False)
    r = api.get(f"/api/v1/operators/{op}")
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert len(body["nodes"]) == MANY + 1 and body["debt_units"] == "0"
    assert body["nodes"][0]["bond"]["current_wei"] == str(adv.client.get_node(1)["bondWei"])
    assert api.get(f"/operators/{op}").status_code == 200


def test_rewards_beyond_2_53_are_shown_exactly(anvil, make_indexer, db_url, tmp_path):
    """A DAO baseline near 2^61 ng and a ceiling of 2^64 - 1 (both within the contract's
    range) give the vectors' most productive epoch a reward of ~9.2e30 units: the API's
    scoring check and the explorer's certificate page show it, and the mass avoided, to
    their last digit (a float gave ...854.775391 ECO)."""
    from decimal import Decimal, localcontext

    adv, cid = big_reward_adversary(anvil.rpc_url)
    reward = adv.client.get_certificate(cid)["rewardUnits"]
    assert reward > 2**100
    make_indexer(adv.config()).sync()
    manifest = adv.dep.save(tmp_path / "deployment.json")
    api = TestClient(create_app(ApiSettings(db_url=db_url, manifest=str(manifest))))
    with localcontext() as ctx:
        ctx.prec = 100
        eco = (Decimal(reward) / 10**18).quantize(Decimal("0.000001"), rounding="ROUND_DOWN")
        kg = (Decimal(reward // 10**12) / 10**6).quantize(Decimal("0.001"),
                                                           rounding="ROUND_HALF_UP")
    checks = {c["name"]: c for c in api.post(f"/api/v1/certificates/{cid}/verify")
              .json()["checks"]}
    assert checks["scoring"]["ok"] is True, checks["scoring"]
    assert f"reward {eco} ECO recomputed off-chain" in checks["scoring"]["detail"]
    page = api.get(f"/certificates/{cid}").text
    assert f"{eco:,} ECO (avoided {kg:,} kg)" in page
