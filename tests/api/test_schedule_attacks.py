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


@pytest.fixture
def scheduled(admin_client, dev_accounts, deployment, anvil, tmp_path):
    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.core.bytes32 import to_bytes32
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    client = admin_client
    pairs = [(dev_accounts[1], dev_accounts[2]), (dev_accounts[3], dev_accounts[4])]
    for node, (op, att) in zip(VECTORS["nodes"], pairs, strict=True):
        client.activate_node(client.with_account(op).register_node(
            att.address, node["region"], node["max_power_mw"], "ipfs://n"))
    schedule_vector_params(client, VECTORS)
    t0 = VECTORS["params_effective_from_s"]
    late = int(VECTORS["certificates"][LATE]["cert"]["epochStart"])
    gp, cls = client.green_proof.functions, to_bytes32(CLS, "workload_class")
    _one_block(client.w3, dev_accounts[0], [  # replaces the vectors' CEILING at t0, twice
        gp.setEfficiencyCeiling(cls, 1, t0), gp.setEfficiencyCeiling(cls, CEILING, t0),
        gp.setEfficiencyCeiling(cls, LATER_CEILING, late), gp.setBaseline(cls, 2 * BASELINE,
                                                                          late)])
    past_vector_epochs(client.w3, VECTORS)
    ready = {"client": client, "attestors": [p[1] for p in pairs]}
    ids = []
    for i in (0, LATE):
        item = VECTORS["certificates"][i]
        cert = {k: (v if k == "workloadClass" else int(v)) for k, v in item["cert"].items()}
        ids.append(submit_vector(ready, lambda _i, c=cert, p=item["proof"]: (c, p), i))
    client.set_efficiency_ceiling(CLS, 1, client.effective_soon_s())  # after them: no effect
    db_url = f"sqlite:///{tmp_path}/index.db"
    rpc = JsonRpc(anvil.rpc_url)
    Indexer(rpc, IndexStore(make_engine(db_url)),
            config_from_deployment(deployment, confirmations=0)).sync()
    settings = ApiSettings(db_url=db_url, manifest=str(deployment.save(tmp_path / "dep.json")))
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        yield {"client": client, "api": api, "ids": ids}
    rpc.close()


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
