"""Challenges end to end: real certificates (the committed proof vectors) on anvil, one
challenge answered with the committed openings (tests/vectors/challenge_openings.json) and one
left to default, indexed by the real indexer into SQLite, read back through the API and the
explorer -- whose slots, opened values and outcomes must equal the chain's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer
from ecoai_chain.indexer.manifest import config_from_deployment
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore

pytestmark = pytest.mark.chain
OPENINGS = json.loads((Path(__file__).parents[1] / "vectors" / "challenge_openings.json")
                      .read_text())
DEPOSIT = 10**15


def _submit(ready, vector_cert, i) -> int:
    cert, proof = vector_cert(i)
    client = ready["client"]
    attestor = ready["attestors"][cert["nodeId"] - 1]
    sig = sign_certificate(attestor, client.w3.eth.chain_id, client.deployment.green_proof, cert)
    return client.submit_certificate(cert, proof, sig)


def _opening(slot: int) -> tuple:
    o = OPENINGS["openings"][slot]
    return (slot, int(o["energy_mj"]), int(o["work"]), int(o["salt"]),
            [[int(x) for x in lvl] for lvl in o["siblings"]])


def _mine(w3, n=1):
    for _ in range(n):
        w3.provider.make_request("evm_mine", [])


def test_challenges_through_the_api_and_explorer_equal_the_chain(ready, vector_cert, tmp_path,
                                                                 anvil, deployment, dev_accounts):
    client = ready["client"]
    w3 = client.w3
    cm = ChallengeClient(client)
    cm.set_params(ChallengeParams(DEPOSIT, 3, 600, 5_000))
    answered = _submit(ready, vector_cert, OPENINGS["certificate_index"])
    unanswered = _submit(ready, vector_cert, 1)
    challenger = ChallengeClient(client.with_account(dev_accounts[4]))
    c1 = challenger.challenge(answered)
    c2 = challenger.challenge(unanswered)
    _mine(w3, 3)
    slots = cm.slots(c1)
    cm.answer(c1, [_opening(s) for s in slots])
    w3.provider.make_request("evm_increaseTime", [601])
    _mine(w3)
    assert cm.finalize(c2)["outcome"] == "ChallengeDefaulted"

    manifest = deployment.save(tmp_path / "deployment.json")
    db_url = f"sqlite:///{tmp_path}/index.db"
    Indexer(JsonRpc(anvil.rpc_url), IndexStore(make_engine(db_url)),
            config_from_deployment(deployment, confirmations=0)).sync()
    api = TestClient(create_app(ApiSettings(db_url=db_url, manifest=str(manifest))))

    listed = api.get("/api/v1/challenges").json()["items"]
    assert [c["challenge_id"] for c in listed] == [c2, c1]
    assert {c["challenge_id"]: c["status"] for c in listed} == {c1: "answered", c2: "defaulted"}
    assert api.get("/api/v1/challenges?status=open").json()["items"] == []
    one = api.get(f"/api/v1/challenges/{c1}").json()
    chain = cm.get(c1)
    assert one["slots"] == slots and one["seed"] == chain["seed"]
    assert one["deadline_s"] == chain["deadline_s"] and one["deposit_wei"] == str(DEPOSIT)
    assert one["challenger"] == dev_accounts[4].address
    opened = {o["slot"]: o for o in one["opened_windows"]}
    assert sorted(opened) == sorted(slots)
    for s in slots:
        assert opened[s]["energy_mj"] == int(OPENINGS["openings"][s]["energy_mj"])
        assert opened[s]["max_energy_mj"] == opened[s]["max_power_mw"] * opened[s]["window_s"]
    two = api.get(f"/api/v1/challenges/{c2}").json()
    (d,) = [e for e in two["events"] if e["kind"] == "defaulted"]
    assert int(d["slashed_wei"]) >= 0 and two["opened_windows"] == []
    per_cert = api.get(f"/api/v1/certificates/{answered}/challenges").json()
    assert [c["challenge_id"] for c in per_cert["challenges"]] == [c1]
    assert api.get("/api/v1/certificates/999/challenges").status_code == 404
    assert api.get("/api/v1/challenges/999").status_code == 404
    assert api.get("/api/v1/challenges?status=bogus").status_code == 422
    page = api.get(f"/certificates/{answered}").text
    assert 'id="certificate-challenges"' in page and f'id="opened-windows-{c1}"' in page
    assert "<svg" in page and "max power x window" in page
    assert api.get(f"/api/v1/certificates/{unanswered}").json()["revoked"] is True
