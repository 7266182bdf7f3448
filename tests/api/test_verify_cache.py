"""/verify results are cached per certificate until its indexed state changes (a revocation),
and a global rate limit beside the per-client one bounds the CPU spent on results not cached.
Real anvil, real GreenProof + bench event emitter, real indexer, real SQLite."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer, IndexerConfig
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore

pytestmark = pytest.mark.chain
KR = b"KR".ljust(32, b"\0")


@pytest.fixture
def small(anvil, w3, dev_accounts, tmp_path):
    admin, operator, attestor = dev_accounts[:3]

    def tx(fn, account=admin):
        t = fn.build_transaction({"from": account.address})
        t["gas"] = max(t["gas"] * 2, 300_000)
        return send_tx(w3, account, t)

    emitter = deploy(w3, admin, load_artifact("CertificateEventEmitter",
                                              "bench/CertificateEventEmitter.sol"))
    start = w3.eth.block_number
    dep = deploy_all(w3, admin, 3600, verifier=emitter.address)
    gp = w3.eth.contract(address=dep.green_proof, abi=load_artifact("GreenProof").abi)
    tx(gp.functions.setRegionIntensity(KR, 400_000, w3.eth.get_block("latest")["timestamp"] + 30))
    tx(gp.functions.registerNode(attestor.address, KR, 700_000_000, "ipfs://n1"), operator)
    tx(emitter.functions.emitCertificates(1, 1_700_006_400, 3))  # certificates 1..3, node 1
    db_url = f"sqlite:///{tmp_path}/index.db"
    rpc = JsonRpc(anvil.rpc_url)
    cfg = IndexerConfig(addresses=[dep.green_proof, emitter.address], abis=[gp.abi],
                        start_block=start, confirmations=0, chain_id=w3.eth.chain_id,
                        submit_abi=gp.abi)
    indexer = Indexer(rpc, IndexStore(make_engine(db_url)), cfg)
    indexer.sync()
    yield {"db_url": db_url, "indexer": indexer, "tx": tx, "emitter": emitter}
    rpc.close()


def _computed(client) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith('ecoai_api_verify_results_total{outcome="computed"}'):
            return float(line.split()[-1])
    return 0.0


def test_second_call_is_cached_and_a_revocation_changes_the_answer(small):
    app = create_app(ApiSettings(db_url=small["db_url"], verify_rate_per_min=600,
                                 verify_burst=100))
    with TestClient(app) as c:
        first = c.post("/api/v1/certificates/2/verify")
        assert first.status_code == 200 and first.headers["x-verify-cache"] == "miss"
        again = c.post("/api/v1/certificates/2/verify")
        assert again.status_code == 200 and again.headers["x-verify-cache"] == "hit"
        assert again.json() == first.json() and _computed(c) == 1
        checks = {x["name"]: x for x in first.json()["checks"]}
        assert checks["not_revoked"]["ok"] is True
        small["tx"](small["emitter"].functions.revoke(2, 1, "meter tampering"))
        small["indexer"].sync()
        after = c.post("/api/v1/certificates/2/verify")
        assert after.headers["x-verify-cache"] == "miss" and _computed(c) == 2
        checks = {x["name"]: x for x in after.json()["checks"]}
        assert checks["not_revoked"]["ok"] is False
        assert "meter tampering" in checks["not_revoked"]["detail"]
        assert after.json()["valid"] is False
        assert c.post("/api/v1/certificates/2/verify").headers["x-verify-cache"] == "hit"
        # certificate 1 was not revoked: its answer is unchanged (and computed once more only)
        assert {x["name"]: x["ok"] for x in c.post("/api/v1/certificates/1/verify")
                .json()["checks"]}["not_revoked"] is True


def test_global_limit_answers_429_with_retry_after_but_serves_the_cache(small):
    app = create_app(ApiSettings(db_url=small["db_url"], verify_rate_per_min=600,
                                 verify_burst=100, verify_global_rate_per_min=1,
                                 verify_global_burst=2))
    with TestClient(app) as c:
        assert [c.post(f"/api/v1/certificates/{i}/verify").status_code for i in (1, 2)] == \
            [200, 200]
        refused = c.post("/api/v1/certificates/3/verify")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "global" in refused.json()["error"]
        cached = c.post("/api/v1/certificates/1/verify")  # costs no CPU: still served
        assert cached.status_code == 200 and cached.headers["x-verify-cache"] == "hit"
        assert c.post("/api/v1/certificates/99/verify").status_code == 404
        assert 'ecoai_api_verify_results_total{outcome="limited_global"} 1.0' in \
            c.get("/metrics").text
