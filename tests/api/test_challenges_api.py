"""Challenges end to end: real certificates (the committed proof vectors) on anvil, one
challenge answered with the committed openings (tests/vectors/challenge_openings.json) and one
left to default, indexed by the real indexer into SQLite, read back through the API and the
explorer -- whose slots, opened values and outcomes must equal the chain's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from tests.vector_chain import submit_vector

pytestmark = pytest.mark.chain
OPENINGS = json.loads((Path(__file__).parents[1] / "vectors" / "challenge_openings.json")
                      .read_text())
DEPOSIT = 10**15


def _opening(slot: int) -> tuple:
    o = OPENINGS["openings"][slot]
    return (slot, int(o["energy_mj"]), int(o["work"]), int(o["salt"]),
            [[int(x) for x in lvl] for lvl in o["siblings"]])


def _mine(w3, n=1):
    for _ in range(n):
        w3.provider.make_request("evm_mine", [])


def test_challenges_through_the_api_and_explorer_equal_the_chain(ready, vector_cert, indexed_api,
                                                                 dev_accounts):
    client = ready["client"]
    w3 = client.w3
    cm = ChallengeClient(client)
    cm.set_params(ChallengeParams(DEPOSIT, 3, 600, 5_000))
    answered = submit_vector(ready, vector_cert, OPENINGS["certificate_index"])
    unanswered = submit_vector(ready, vector_cert, 1)
    challenger = ChallengeClient(client.with_account(dev_accounts[4]))
    c1 = challenger.challenge(answered)
    c2 = challenger.challenge(unanswered)
    _mine(w3, 3)
    slots = cm.slots(c1)
    cm.answer(c1, [_opening(s) for s in slots])
    w3.provider.make_request("evm_increaseTime", [601])
    _mine(w3)
    assert cm.finalize(c2)["outcome"] == "ChallengeDefaulted"

    api = indexed_api()

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
