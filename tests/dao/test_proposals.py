"""propose -> vote -> queue -> execute on a real anvil (time moved over RPC), and each way a
proposal fails, with the Governor's errors decoded and explained."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.dao.client import DaoClient
from ecoai_chain.errors import GovernanceError
from tests.dao_chain import DAO_SETTINGS, advance

pytestmark = pytest.mark.chain

FUTURE_S = 1_900_000_000  # 2030-03-17: a future effective time for the new intensity


def _propose_kr(dao, proposer, value=300_000, text="KR: lower intensity from 2030"):
    client = DaoClient(dao["w3"], dao["deployment"], proposer)
    calls = client.plan(["set-intensity", "KR", str(value), "--from", str(FUTURE_S)])
    return client, client.propose(calls, text)


def test_a_proposal_goes_from_propose_to_execute_and_changes_greenproof(dao):
    w3, (op1, op2) = dao["w3"], dao["voters"]
    gp = GreenProofClient(w3, dao["deployment"])
    client, pid = _propose_kr(dao, op1)
    assert client.state(pid) == "Pending"
    with pytest.raises(GovernanceError, match=r"is Pending: voting opens at .*this needs it "
                                              r"Active") as e:
        client.vote(pid, "for")
    assert e.value.name == "GovernorUnexpectedProposalState"

    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    weight1 = client.vote(pid, "for", "cleaner grid data")
    weight2 = DaoClient(w3, dao["deployment"], op2).vote(pid, "abstain")
    assert weight1 == gp.eco_balance(op1.address) > 0 and weight2 == gp.eco_balance(op2.address)
    with pytest.raises(GovernanceError, match="already voted"):
        client.vote(pid, "against")
    with pytest.raises(GovernanceError, match=r"is Active: voting is open until .*Succeeded"):
        client.queue(pid)

    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    view = client.proposal(pid)
    assert view.state == "Succeeded"
    assert (view.for_units, view.against_units, view.abstain_units) == (weight1, 0, weight2)
    assert view.quorum_units == (weight1 + weight2) * 4 // 100  # the voters hold every credit
    (action,) = view.actions
    assert action.action == "set-intensity" and action.function == "setRegionIntensity"
    assert [a.value for a in action.args] == [b"KR".ljust(32, b"\0"), 300_000, FUTURE_S]

    with pytest.raises(GovernanceError, match=rf"is Succeeded: it passed: queue it \(`ecoai dao "
                                              rf"queue {pid}`\); this needs it Queued"):
        client.execute(pid)
    eta = client.queue(pid)
    assert eta == client.now_s() + DAO_SETTINGS["timelock_delay_s"]
    with pytest.raises(GovernanceError, match=r"is Queued: .*executable from") as e:
        client.execute(pid)
    assert e.value.name == "TimelockUnexpectedOperationState"
    assert gp.region_intensity_at("KR", FUTURE_S) != 300_000

    advance(w3, DAO_SETTINGS["timelock_delay_s"])
    client.execute(pid)
    assert client.state(pid) == "Executed"
    assert gp.region_intensity_at("KR", FUTURE_S) == 300_000
    assert gp.region_intensity_at("KR", FUTURE_S - 1) == 436_000  # history untouched
    with pytest.raises(GovernanceError, match="already executed"):
        client.execute(pid)


def test_a_defeated_proposal_cannot_be_queued(dao):
    w3, (op1, op2) = dao["w3"], dao["voters"]
    gp = GreenProofClient(w3, dao["deployment"])
    big, small = sorted((op1, op2), key=lambda a: -gp.eco_balance(a.address))
    client, pid = _propose_kr(dao, small)
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    DaoClient(w3, dao["deployment"], big).vote(pid, "against")
    client.vote(pid, "for")
    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    with pytest.raises(GovernanceError, match=r"is Defeated: the vote failed \(not more for "
                                              r"than against") as e:
        client.queue(pid)
    assert e.value.name == "GovernorUnexpectedProposalState"
    assert e.value.args_[1] == 3  # ProposalState.Defeated


def test_a_proposal_without_quorum_is_defeated_even_if_unanimous(dao):
    w3, (op1, _op2) = dao["w3"], dao["voters"]
    minnow = dao["stranger"]
    client = DaoClient(w3, dao["deployment"], op1)
    gp = GreenProofClient(w3, dao["deployment"], op1)
    # 1% of op1's credits to a new holder, who delegates to itself before the proposal.
    gp.send(gp.eco_credit.functions.transfer(minnow.address, gp.eco_balance(op1.address) // 100))
    DaoClient(w3, dao["deployment"], minnow).delegate()
    m_client, pid = _propose_kr(dao, minnow)
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    m_client.vote(pid, "for")
    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    view = client.proposal(pid)
    assert view.for_units > 0 and view.against_units == 0 and view.for_units < view.quorum_units
    assert view.state == "Defeated"
    with pytest.raises(GovernanceError, match=r"Defeated: the vote failed \(quorum not reached"):
        client.queue(pid)


def test_the_guardian_cancels_a_queued_proposal_and_nothing_changes(dao):
    w3, (op1, op2) = dao["w3"], dao["voters"]
    client, pid = _propose_kr(dao, op1)
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    client.vote(pid, "for")
    DaoClient(w3, dao["deployment"], op2).vote(pid, "for")
    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    client.queue(pid)
    with pytest.raises(GovernanceError, match="lacks CANCELLER_ROLE"):
        client.cancel(pid)  # a voter is not the guardian
    assert DaoClient(w3, dao["deployment"], dao["guardian"]).cancel(pid) == "timelock"
    assert client.state(pid) == "Canceled"
    advance(w3, DAO_SETTINGS["timelock_delay_s"])
    with pytest.raises(GovernanceError, match="is Canceled: it was canceled"):
        client.execute(pid)
    assert GreenProofClient(w3, dao["deployment"]).region_intensity_at("KR", FUTURE_S) == 436_000


def test_the_proposer_cancels_a_pending_proposal(dao):
    client, pid = _propose_kr(dao, dao["voters"][0])
    assert client.cancel(pid) == "governor"
    assert client.state(pid) == "Canceled"


def test_an_unknown_proposal_is_named(dao):
    client = DaoClient(dao["w3"], dao["deployment"], dao["voters"][0])
    with pytest.raises(GovernanceError, match="no proposal 12345 in this Governor"):
        client.state(12345)


def test_the_dao_removes_the_guardian_with_one_proposal_of_two_actions(dao):
    w3, (op1, op2), g = dao["w3"], dao["voters"], dao["guardian"].address
    client = DaoClient(w3, dao["deployment"], op1)
    calls = client.plan(["revoke-role", "PAUSER_ROLE", g, "--on", "GreenProof", "+",
                         "revoke-role", "CANCELLER_ROLE", g, "--on", "EcoTimelock"])
    assert [c.describe().split("(")[0] for c in calls] == ["GreenProof", "EcoTimelock"]
    pid = client.propose(calls, "remove the guardian")
    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    client.vote(pid, "for")
    DaoClient(w3, dao["deployment"], op2).vote(pid, "for")
    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    client.queue(pid)
    advance(w3, DAO_SETTINGS["timelock_delay_s"])
    client.execute(pid)
    guardian = DaoClient(w3, dao["deployment"], dao["guardian"])
    with pytest.raises(GovernanceError, match="lacks GreenProof's PAUSER_ROLE"):
        guardian.send(guardian.plan(["pause"]))
