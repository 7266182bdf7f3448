"""The ceiling, baseline and per-epoch bound a certificate is shown with, and the API's
`ceiling` check, come from the indexed ParameterScheduled schedule (issue 13 review). On a
real anvil with the committed real proofs: two ceilings scheduled in one block for the same
effective time (the later replaces the earlier, as the contract's checkpoints do), a lower
ceiling and a higher baseline effective from a later epoch start only, and a ceiling of 1
scheduled after the certificates; each certificate must show what the contract's
parameterAt / rewardBound say for its own epoch start."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.vector_chain import VECTORS, past_vector_epochs, schedule_vector_params, submit_vector

pytestmark = [pytest.mark.chain, pytest.mark.slow]
CLS = VECTORS["workload_class"]
CEILING = int(VECTORS["efficiency_ceiling_work_per_kwh"])
BASELINE = int(VECTORS["baseline_ng_per_work"])
LATER_CEILING = 200_000  # above every vector's work per kWh (~1.3e5), far below CEILING
LATE = 5  # the vector whose epoch start the later ceiling and baseline take effect from


def _one_block(w3, account, calls) -> None:
    """Send ``calls`` from ``account`` and mine them in one block (automine off meanwhile)."""
    nonce = w3.eth.get_transaction_count(account.address)
    w3.provider.make_request("evm_setAutomine", [False])
    try:
        for i, fn in enumerate(calls):
            tx = fn.build_transaction({"from": account.address, "nonce": nonce + i,
                                       "gas": 400_000, "chainId": w3.eth.chain_id})
            w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
        w3.provider.make_request("evm_mine", [])
    finally:
        w3.provider.make_request("evm_setAutomine", [True])
    block = w3.eth.get_block("latest", full_transactions=True)
    assert len(block["transactions"]) == len(calls)
    for tx in block["transactions"]:
        assert w3.eth.get_transaction_receipt(tx["hash"])["status"] == 1


def _world(admin_client, dev_accounts, deployment, anvil, tmp_path, schedule, certs,
           regions=None):
    """Nodes registered (in ``regions``, default the vectors') and active, the vectors'
    parameters and then ``schedule(client, gp)`` scheduled, the clock past the epochs,
    ``certs`` [(vector index, changes)] submitted with their real proofs, a ceiling of 1
    scheduled after them; indexed into SQLite."""
    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    client = admin_client
    pairs = [(dev_accounts[1], dev_accounts[2]), (dev_accounts[3], dev_accounts[4])]
    regions = regions or [n["region"] for n in VECTORS["nodes"]]
    for node, region, (op, att) in zip(VECTORS["nodes"], regions, pairs, strict=True):
        client.activate_node(client.with_account(op).register_node(
            att.address, region, node["max_power_mw"], "ipfs://n"))
    schedule_vector_params(client, VECTORS)
    schedule(client, client.green_proof.functions)
    past_vector_epochs(client.w3, VECTORS)
    ready = {"client": client, "attestors": [p[1] for p in pairs]}
    ids = []
    for i, changes in certs:
        item = VECTORS["certificates"][i]
        cert = {k: (v if k == "workloadClass" else int(v)) for k, v in item["cert"].items()}
        cert.update(changes)
        ids.append(submit_vector(ready, lambda _i, c=cert, p=item["proof"]: (c, p), i))
    client.set_efficiency_ceiling(CLS, 1, client.effective_soon_s())  # after them: no effect
    db_url = f"sqlite:///{tmp_path}/index.db"
    rpc = JsonRpc(anvil.rpc_url)
    Indexer(rpc, IndexStore(make_engine(db_url)),
            config_from_deployment(deployment, confirmations=0)).sync()
    rpc.close()
    settings = ApiSettings(db_url=db_url, manifest=str(deployment.save(tmp_path / "dep.json")))
    return client, TestClient(create_app(settings), raise_server_exceptions=False), ids


@pytest.fixture
def scheduled(admin_client, dev_accounts, deployment, anvil, tmp_path):
    from ecoai_chain.core.bytes32 import to_bytes32

    t0 = VECTORS["params_effective_from_s"]
    late = int(VECTORS["certificates"][LATE]["cert"]["epochStart"])
    cls = to_bytes32(CLS, "workload_class")

    def schedule(client, gp):
        _one_block(client.w3, dev_accounts[0], [  # replaces the vectors' CEILING at t0, twice
            gp.setEfficiencyCeiling(cls, 1, t0), gp.setEfficiencyCeiling(cls, CEILING, t0),
            gp.setEfficiencyCeiling(cls, LATER_CEILING, late),
            gp.setBaseline(cls, 2 * BASELINE, late)])

    client, api, ids = _world(admin_client, dev_accounts, deployment, anvil, tmp_path,
                              schedule, [(0, {}), (LATE, {})])
    with api:
        yield {"client": client, "api": api, "ids": ids}


def test_each_certificate_shows_the_schedule_in_force_at_its_own_epoch_start(scheduled):
    client, api = scheduled["client"], scheduled["api"]
    for cid, ceiling, baseline in zip(scheduled["ids"], (CEILING, LATER_CEILING),
                                      (BASELINE, 2 * BASELINE), strict=True):
        onchain = client.get_certificate(cid)
        start = onchain["epochStart"]
        assert client.efficiency_ceiling_at(CLS, start) == ceiling  # what the contract says
        assert client.baseline_at(CLS, start) == baseline
        cr = api.get(f"/api/v1/certificates/{cid}").json()["credits"]
        assert cr["ceiling_work_per_kwh"] == ceiling
        assert cr["baseline_ng_per_work"] == baseline
        assert cr["bound_units"] == str(client.reward_bound(onchain["nodeId"], CLS, start))
        assert int(cr["bound_units"]) >= onchain["rewardUnits"]
        body = api.post(f"/api/v1/certificates/{cid}/verify").json()
        check = next(c for c in body["checks"] if c["name"] == "ceiling")
        assert check["ok"] is True, check
        assert f"ceiling {ceiling} work/kWh" in check["detail"]
        assert f"per-epoch bound {cr['bound_units']} units" in check["detail"]
        page = api.get(f"/certificates/{cid}")
        assert page.status_code == 200 and f"{ceiling} work/kWh" in page.text


# Two classes whose bytes are not UTF-8 and differ, but whose display text is the same
# ("\ufffdllm"): the class signed is A; B, scheduled after it, has another baseline.
CLASS_A = b"\xffllm".ljust(32, b"\0")
CLASS_B = b"\xfellm".ljust(32, b"\0")


def test_a_class_is_judged_by_its_own_bytes_not_by_a_look_alike(admin_client, dev_accounts,
                                                                 deployment, anvil, tmp_path):
    """The baseline (and with it the bound and the scoring check) is the one scheduled for the
    certificate's own bytes32 class, as the contract's parameterAt reads it, not the newest
    entry of any class that merely displays the same."""
    t0 = VECTORS["params_effective_from_s"]

    def schedule(client, gp):
        for wc, baseline in ((CLASS_A, BASELINE), (CLASS_B, 3 * BASELINE)):
            client.set_baseline(wc, baseline, t0)
            client.set_efficiency_ceiling(wc, CEILING, t0)

    client, api, (cid,) = _world(admin_client, dev_accounts, deployment, anvil, tmp_path,
                                 schedule, [(0, {"workloadClass": "0x" + CLASS_A.hex()})])
    with api:
        onchain = client.get_certificate(cid)
        start = onchain["epochStart"]
        assert client.baseline_at(CLASS_A, start) == BASELINE  # the contract's view
        body = api.get(f"/api/v1/certificates/{cid}").json()
        assert body["workload_class"] == "\ufffdllm"
        cr = body["credits"]
        assert cr["baseline_ng_per_work"] == BASELINE
        assert cr["bound_units"] == str(client.reward_bound(1, CLASS_A, start))
        checks = {c["name"]: c for c in api.post(f"/api/v1/certificates/{cid}/verify")
                  .json()["checks"]}
        assert checks["scoring"]["ok"] is True, checks["scoring"]
        assert checks["ceiling"]["ok"] is True, checks["ceiling"]


# Two regions likewise ("\ufffd{R}"): node 1 is in A, at the vectors' intensity; B, scheduled
# after A, is far cleaner, so a bound computed with B's intensity is far above the contract's.
REGION_A = b"\xff{R}".ljust(32, b"\0")  # braces: the reason text is never str.format'ed
REGION_B = b"\xfe{R}".ljust(32, b"\0")


def test_a_region_look_alike_never_lends_its_intensity(admin_client, dev_accounts,
                                                      deployment, anvil, tmp_path):
    """The index keeps a node's region as display text only: when two regions scheduled
    before the certificate display as its node's, it cannot tell which is the node's. Then
    the intensity check is reported as not run (saying why, with the command that runs it)
    and the bound as unknown, never computed with the look-alike's intensity; with one
    region of that text (node 2's) both stand as the contract says."""
    t0 = VECTORS["params_effective_from_s"]
    kr = next(e["intensity_mg_per_kwh"] for e in VECTORS["intensities"] if e["region"] == "KR")

    def schedule(client, gp):
        client.set_region_intensity(REGION_A, kr, t0)
        client.set_region_intensity(REGION_B, 100, t0)

    client, api, (cid, other) = _world(
        admin_client, dev_accounts, deployment, anvil, tmp_path, schedule, [(0, {}), (10, {})],
        regions=[REGION_A, VECTORS["nodes"][1]["region"]])
    with api:
        start = client.get_certificate(cid)["epochStart"]
        assert client.region_intensity_at(REGION_A, start) == kr  # what the contract used
        contract_bound = client.reward_bound(1, CLS, start)
        cr = api.get(f"/api/v1/certificates/{cid}").json()["credits"]
        assert cr["bound_units"] in (None, str(contract_bound)), (cr["bound_units"],
                                                                  contract_bound)
        body = api.post(f"/api/v1/certificates/{cid}/verify").json()
        checks = {c["name"]: c for c in body["checks"]}
        skipped = {c["name"]: c["detail"] for c in body["not_run"]}
        assert "intensity" not in checks and "\ufffd{R}" in skipped["intensity"]
        assert "ecoai verify" in skipped["intensity"]
        assert checks["ceiling"]["ok"] is True and "unknown" in checks["ceiling"]["detail"]
        body = api.post(f"/api/v1/certificates/{other}/verify").json()
        checks = {c["name"]: c for c in body["checks"]}
        assert checks["intensity"]["ok"] is True, checks["intensity"]
        cr = api.get(f"/api/v1/certificates/{other}").json()["credits"]
        assert cr["bound_units"] == str(client.reward_bound(
            2, CLS, client.get_certificate(other)["epochStart"]))
