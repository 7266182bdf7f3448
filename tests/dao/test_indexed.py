"""The DAO in the index and the REST API: proposals with their Governor state, votes, quorum,
ETA and decoded actions; a revoked certificate names the proposal that revoked it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.dao.client import DaoClient
from tests.dao.scenario import FUTURE_S, build

pytestmark = pytest.mark.chain


def test_proposals_are_indexed_with_the_governors_state_and_decoded_actions(dao, tmp_path):
    h = build(dao, tmp_path / "index.db")
    chain = DaoClient(dao["w3"], dao["deployment"])
    api = TestClient(create_app(ApiSettings(db_url=h.db_url)))

    page = api.get("/api/v1/proposals").json()
    assert [p["proposal_id"] for p in page["items"]] == [str(h.pending), str(h.cancelled),
                                                         str(h.executed)]
    # The index derives each state as the Governor does, at the indexed head.
    for p in page["items"]:
        assert p["state"] == chain.state(int(p["proposal_id"])), p["proposal_id"]
    assert [p["state"] for p in page["items"]] == ["Pending", "Canceled", "Executed"]

    body = api.get(f"/api/v1/proposals/{h.executed}").json()
    view = chain.proposal(h.executed)
    assert body["description"] == "Revoke certificate 1; KR grid is cleaner from 2030"
    assert body["votes"] == {"for": str(view.for_units), "against": str(view.against_units),
                             "abstain": "0"}
    assert body["quorum_units"] == str(view.quorum_units) and body["quorum_reached"]
    assert body["eta_s"] == view.eta_s and body["snapshot_s"] == view.snapshot_s
    assert [a["action"] for a in body["actions"]] == ["revoke", "set-intensity"]
    assert h.revoked_record.startswith("record(node 1, epoch ")
    assert body["actions"][0]["text"].endswith(
        f".revokeCertificate(certificateId=1, record={h.revoked_record}, "
        "reason='meter tampering found in audit')")
    assert body["actions"][1]["args"][2] == {
        "name": "effectiveFrom", "type": "uint64", "value": str(FUTURE_S),
        "shown": f"{FUTURE_S} (2030-03-17T17:46:40Z)"}
    votes = {v["voter"]: v for v in body["vote_list"]}
    assert votes[h.big.address]["support"] == "for"
    assert (votes[h.small.address]["support"], votes[h.small.address]["reason"]) == (
        "against", "I run a KR node")
    assert int(votes[h.big.address]["weight_units"]) == view.for_units
    assert body["revoked_certificates"] == [1]
    assert body["executed_tx"] and body["queued_tx"]

    cancelled = api.get(f"/api/v1/proposals/{h.cancelled}").json()
    assert cancelled["state"] == "Canceled" and cancelled["canceled_by"] == "timelock"
    assert cancelled["eta_s"] is not None and cancelled["executed_tx"] is None

    assert api.get("/api/v1/proposals/123").status_code == 404
    bad = api.get("/api/v1/proposals/12x")
    assert bad.status_code == 422 and bad.json()["field"] == "pid"
    assert api.get("/api/v1/proposals?cursor=nope").status_code == 422
    one = api.get("/api/v1/proposals?limit=1").json()
    two = api.get(f"/api/v1/proposals?limit=1&cursor={one['next_cursor']}").json()
    assert two["items"][0]["proposal_id"] == str(h.cancelled)
    assert api.app.state.proposals.revoked_by(1) == str(h.executed)
    assert api.app.state.proposals.revoked_by(2) is None
