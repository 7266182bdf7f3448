"""`ecoai up`'s DAO proposal, step by step on a governed anvil chain (time moved over RPC): it
waits for credits, proposes a lower intensity from a future epoch, votes, queues, executes,
and never proposes twice."""

from __future__ import annotations

import pytest

from ecoai_chain.dao.client import DaoClient
from ecoai_chain.network.dao_demo import DemoProposal
from tests.dao_chain import DAO_SETTINGS, advance

pytestmark = pytest.mark.chain


def test_the_demo_proposal_goes_end_to_end(dao):
    w3, dep = dao["w3"], dao["deployment"]
    member = dao["voters"][0]
    lines: list[str] = []
    state: dict = {}
    demo = DemoProposal(w3, dep, member, "KR", lines.append, state)
    demo.poll(0)
    assert state == {"step": "waiting"} and lines == []  # no certificates yet: no votes
    demo.poll(1)
    assert state["step"] == "proposed" and "setRegionIntensity(region='KR', " \
        "intensityMgPerKwh=392400" in lines[-1]  # 436000 lowered by 10%
    assert state["from_s"] % dep.epoch_length_s == 0
    demo.poll(1)
    assert state["step"] == "proposed"  # Pending: the vote is not open yet
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    demo.poll(1)
    assert state["step"] == "voted"
    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    demo.poll(1)
    assert state["step"] == "queued"
    demo.poll(1)
    assert state["step"] == "queued"  # before the ETA
    advance(w3, DAO_SETTINGS["timelock_delay_s"])
    demo.poll(1)
    assert state["step"] == "executed" and demo.done
    client = DaoClient(w3, dep)
    assert client.state(int(state["proposal_id"])) == "Executed"
    assert client.chain.region_intensity_at("KR", state["from_s"]) == 392_400
    assert client.chain.region_intensity_at("KR", state["from_s"] - 1) == 436_000
    again = DemoProposal(w3, dep, member, "KR", lines.append, state)
    again.poll(5)
    assert client.proposal_ids() == [int(state["proposal_id"])]


def test_a_failing_step_is_reported_once_and_stops(dao):
    lines: list[str] = []
    state: dict = {}
    # The stranger holds no votes: with quorum unmet the proposal is defeated.
    demo = DemoProposal(dao["w3"], dao["deployment"], dao["stranger"], "KR", lines.append,
                        state)
    demo.poll(1)
    advance(dao["w3"], DAO_SETTINGS["voting_delay_s"] + 1)
    demo.poll(1)
    advance(dao["w3"], DAO_SETTINGS["voting_period_s"] + 1)
    demo.poll(1)
    assert state["step"] == "failed" and "defeated" in state["error"]
    assert lines[-1].startswith("dao: the demo proposal failed")
    demo.poll(1)
    assert lines[-1].startswith("dao: the demo proposal failed") and len(
        [x for x in lines if "failed" in x]) == 1
