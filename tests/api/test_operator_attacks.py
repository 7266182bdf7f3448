"""A dishonest operator against what the API and explorer show (issue 13 review): on a real anvil
with real proofs from the committed vectors, indexed by the real indexer into a real SQLite file
and read through the real app, the operator record and each certificate's reward must say what
the contract's own views say (debtOf, the escrow from its logs and words, getNode's bondWei,
getCertificate, rewardBound) after releases, moved credits, revocations after release and in
escrow, withholdings, repayments by a stranger, bond top-ups by a stranger, slashes, many nodes,
every way of writing its address, and a reorg that undoes a release."""

from __future__ import annotations

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from ecoai_chain.chain.devnet import dev_private_key, set_chain_time
from tests.vector_chain import release_now, submit_vector

pytestmark = [pytest.mark.chain, pytest.mark.slow]
BOND_WEI = 10**15
EXTRA_NODES = 12


@pytest.fixture
def world(ready, vector_cert, anvil, deployment, tmp_path):
    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    db_url = f"sqlite:///{tmp_path}/index.db"
    rpc = JsonRpc(anvil.rpc_url)
    indexer = Indexer(rpc, IndexStore(make_engine(db_url)),
                      config_from_deployment(deployment, confirmations=0))
    settings = ApiSettings(db_url=db_url, manifest=str(deployment.save(tmp_path / "dep.json")))
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        yield {"client": ready["client"], "ops": ready["operators"], "ix": indexer, "api": api,
               "stranger": Account.from_key(dev_private_key(5)),
               "submit": lambda i: submit_vector(ready, vector_cert, i)}
    rpc.close()


def _matches_chain(w, operator: str) -> dict:
    """GET /operators/{operator} after indexing; every figure equals the contract's view."""
    w["ix"].sync()
    client = w["client"]
    r = w["api"].get(f"/api/v1/operators/{operator}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["debt_units"] == str(client.debt_of(operator))
    assert body["in_debt"] is (client.debt_of(operator) > 0)
    assert body["rewards"]["escrowed_units"] == str(client.escrowed_of(operator))
    bonds = {n["node_id"]: n["bond"]["current_wei"] for n in body["nodes"]}
    assert bonds == {n: str(client.get_node(n)["bondWei"]) for n in bonds}
    assert body["bond_wei"] == str(sum(client.get_node(n)["bondWei"] for n in bonds))
    return body


def _credit_matches_chain(w, cid: int) -> dict:
    w["ix"].sync()
    client = w["client"]
    body = w["api"].get(f"/api/v1/certificates/{cid}").json()
    cr, onchain = body["credits"], client.get_certificate(cid)
    assert (cr["state"] in ("released", "revoked after release")) is onchain["released"]
    assert (cr["state"] in ("cancelled", "revoked after release")) is onchain["revoked"]
    assert cr["reward_units"] == str(onchain["rewardUnits"])
    assert cr["release_at_s"] == onchain["releaseAt"]
    bound = client.reward_bound(body["node_id"], body["workload_class"], body["epoch_start_s"])
    assert cr["bound_units"] == str(bound)
    return cr


def test_debt_bonds_and_rewards_follow_the_contract(world):
    """The operator tops its bond up (and so does a stranger, by 7 wei), registers many more
    nodes, has two rewards released, moves every credit away, and is revoked after release
    (debt, bond slashed) and in escrow (cancelled); its next release is withheld against the
    debt and a stranger repays part of the rest (and 0 units of a debt-free operator's)."""
    w = world
    client, stranger = w["client"], w["stranger"]
    op, other = w["ops"][0], w["ops"][1]
    a = op.address
    mine = client.with_account(op)
    mine.top_up_bond(1, BOND_WEI)
    client.with_account(stranger).top_up_bond(1, 7)
    extra = [mine.register_node(stranger.address, "KR", 1_000 + i, f"ipfs://extra-{i}")
             for i in range(EXTRA_NODES)]
    ids = [w["submit"](i) for i in range(4)]
    theirs = w["submit"](10)  # node 2, the other operator
    body = _matches_chain(w, a)
    assert sorted(n["node_id"] for n in body["nodes"]) == [1, *extra]
    assert body["nodes"][0]["bond"]["locked_wei"] == str(BOND_WEI + 7)
    assert [_credit_matches_chain(w, c)["state"] for c in ids] == ["escrowed"] * 4

    release_now(client, ids[0])
    release_now(client, ids[1])  # each vests from its own block's time
    minted = client.eco_balance(a)
    mine._transact(client.eco_credit.functions.transfer(stranger.address, minted))
    client.revoke(ids[0], "meter tampering")  # nothing left to claw back: all debt
    assert client.debt_of(a) > 0
    body = _matches_chain(w, a)
    assert body["slashes"][0]["slashed_wei"] == str(BOND_WEI + 7)
    set_chain_time(client.w3, client.get_certificate(ids[2])["releaseAt"], at_least=True)
    out = client.release_rewards([ids[2]])  # paid into the debt first
    assert out["withheld_units"] > 0
    cr = _credit_matches_chain(w, ids[2])
    assert (cr["minted_units"], cr["withheld_units"]) == (str(out["minted_units"]),
                                                          str(out["withheld_units"]))
    debt = client.debt_of(a)
    if debt > 0:
        client.with_account(stranger).repay_debt(a, debt // 3)
    client.with_account(stranger).repay_debt(other.address, 0)
    client.revoke(ids[3], "audit")  # in escrow: cancelled; the bond is already gone
    body = _matches_chain(w, a)
    kinds = [d["kind"] for d in body["debt_events"]]
    assert kinds[0] == "revoked" and "withheld" in kinds
    assert body["debt_events"][-1]["debt_after_units"] == str(client.debt_of(a))
    assert [_credit_matches_chain(w, c)["state"] for c in ids] == [
        "revoked after release", "released", "released", "cancelled"]
    revoked = _credit_matches_chain(w, ids[0])
    assert (revoked["clawed_back_units"], revoked["debt_units"]) == (
        "0", str(client.get_certificate(ids[0])["rewardUnits"]))
    theirs_body = _matches_chain(w, other.address)
    assert theirs_body["debt_units"] == "0" and theirs_body["in_debt"] is False
    assert _credit_matches_chain(w, theirs)["state"] == "escrowed"


def test_every_spelling_of_the_address_is_the_same_operator_or_a_named_422(world):
    """Lower case, upper-case hex and the checksum give the same record; a 0x-less, short,
    non-hex or newline-ended address is the client's mistake: 422 naming `address` (API) or
    the not-found page (explorer), never a 500."""
    w = world
    a = w["ops"][0].address
    w["submit"](0)
    want = _matches_chain(w, a)
    for spelt in (a.lower(), "0x" + a[2:].upper()):
        r = w["api"].get(f"/api/v1/operators/{spelt}")
        assert r.status_code == 200 and r.json() == want, spelt
        page = w["api"].get(f"/operators/{spelt}")
        assert page.status_code == 200 and a in page.text
    for bad in (a[2:], a[:-1], "0x" + "g" * 40, a + "%0A", a + "%0A%0A", a + "%20"):
        r = w["api"].get(f"/api/v1/operators/{bad}")
        assert r.status_code == 422, (bad, r.status_code, r.text)
        assert r.json()["field"] == "address"
        page = w["api"].get(f"/operators/{bad}")
        assert page.status_code == 404, (bad, page.status_code)
        assert w["api"].get(f"/address/{bad}").status_code == 404, bad


def test_a_reorg_that_undoes_a_release_undoes_it_in_the_view(world):
    """Indexed released, then the chain reorganises without the release (anvil snapshot /
    revert, other blocks mined in its place): the certificate is escrowed again and the
    operator's escrow and minted totals follow the chain."""
    w = world
    client, a = w["client"], w["ops"][0].address
    cid = w["submit"](0)
    w3 = client.w3
    snap = w3.provider.make_request("evm_snapshot", [])["result"]
    release_now(client, cid)
    body = _matches_chain(w, a)
    assert _credit_matches_chain(w, cid)["state"] == "released"
    assert body["rewards"]["minted_units"] == str(client.get_certificate(cid)["rewardUnits"])
    assert w3.provider.make_request("evm_revert", [snap])["result"] is True
    client.with_account(w["stranger"]).top_up_bond(1, 3)  # different blocks in its place
    client.with_account(w["stranger"]).top_up_bond(1, 5)
    body = _matches_chain(w, a)
    assert _credit_matches_chain(w, cid)["state"] == "escrowed"
    assert body["rewards"]["minted_units"] == "0"


def test_a_retired_nodes_returned_bond_is_not_shown_as_held(world):
    """The other operator's node earns, retires, waits out its bond's unlock time (retirement
    + the longest challenge window, after its last release) and takes its bond back: the
    record shows it returned (held now 0, as getNode says), the node retired."""
    w = world
    client, op = w["client"], w["ops"][1]
    mine = client.with_account(op)
    mine.top_up_bond(2, BOND_WEI)
    cid = w["submit"](10)
    assert _matches_chain(w, op.address)["bond_wei"] == str(BOND_WEI)
    mine.retire_node(2, "decommissioned")
    unlock_at = client.get_node(2)["bondUnlockAt"]
    assert unlock_at >= client.get_certificate(cid)["releaseAt"]
    set_chain_time(client.w3, unlock_at, at_least=True)
    assert mine.withdraw_bond(2) == BOND_WEI
    body = _matches_chain(w, op.address)
    (node,) = body["nodes"]
    assert node["status"] == "retired" and body["bond_wei"] == "0"
    assert (node["bond"]["locked_wei"], node["bond"]["returned_wei"]) == (str(BOND_WEI),) * 2
    page = w["api"].get("/nodes/2").text
    assert "0 wei held (locked 1000000000000000, slashed 0, returned 1000000000000000)" in page
