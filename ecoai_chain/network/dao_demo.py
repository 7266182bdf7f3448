"""The DAO part of `ecoai up`: the local network runs under the Governor, and carries one real
proposal end to end while it runs.

Before the hand-over (in `Network`), the genesis parameters and nodes are set with the
deployer's plain roles -- a new token has no votes, so nothing could be proposed yet -- and
each node's operator delegates its future credits' votes to the DAO member (the deployer's
account, which keeps no role). Then `hand_over` gives every role to the EcoTimelock, with
seconds-long delays. Once every node has a certificate (so there are votes), `DemoProposal`
proposes to lower the last node's region's intensity by 10% from a future epoch, votes for
it, queues it and executes it after the timelock delay; the explorer shows it at /proposals.
"""

from __future__ import annotations

from typing import Any

from ecoai_chain.errors import EcoAIError

# Local chain only: a vote opens 5 s after a proposal, stays open 20 s, the timelock holds
# a passed proposal 10 s. A public deployment uses days (GovernanceConfig's defaults).
LOCAL_GOVERNANCE = {"voting_delay_s": 5, "voting_period_s": 20, "timelock_delay_s": 10,
                    "quorum_percent": 4}
STEPS = ("waiting", "proposed", "voted", "queued", "executed")


def hand_over(net: Any, dao: Any, guardian: str) -> None:
    """Give the roles of an ungoverned `ecoai up` deployment to a new Governor + timelock."""
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import GovernanceConfig
    from ecoai_chain.chain.governance import hand_over_to_dao

    if net.deployment.governed:
        return
    cfg = GovernanceConfig(guardian, **LOCAL_GOVERNANCE)
    net.deployment = hand_over_to_dao(net.w3, dao, net.deployment, cfg)
    net.deployment.save(net.layout.manifest)
    net.client = GreenProofClient(net.w3, net.deployment, dao)
    net.say(f"dao: every role handed to EcoTimelock {net.deployment.address('EcoTimelock')} "
            f"(EcoGovernor {net.deployment.address('EcoGovernor')}); guardian {guardian} may "
            f"pause and cancel; votes open {cfg.voting_delay_s} s after a proposal, last "
            f"{cfg.voting_period_s} s, timelock {cfg.timelock_delay_s} s")


def delegate_votes(w3: Any, deployment: Any, operator: Any, member: str) -> bool:
    """The operator's votes go to ``member``; True if a transaction was needed."""
    from ecoai_chain.dao.client import DaoClient

    dao = DaoClient(w3, deployment, operator)
    if dao.contracts["EcoCredit"].functions.delegates(operator.address).call() == member:
        return False
    dao.delegate(member)
    return True


class DemoProposal:
    """Polled once a second by `ecoai up`; each call takes at most one step. Its progress is
    kept in ``state`` (the up-state file), so a resumed network does not propose again."""

    def __init__(self, w3: Any, deployment: Any, member: Any, region: str, say: Any,
                 state: dict) -> None:
        from ecoai_chain.dao.client import DaoClient

        self.dao = DaoClient(w3, deployment, member)
        self.region, self.say, self.state = region, say, state
        self.state.setdefault("step", "waiting")

    @property
    def done(self) -> bool:
        return self.state["step"] in ("executed", "failed")

    def poll(self, min_certificates: int) -> None:
        if self.done:
            return
        try:
            self._step(min_certificates)
        except EcoAIError as e:
            self.state["step"], self.state["error"] = "failed", str(e)
            self.say(f"dao: the demo proposal failed: {e}")

    def _step(self, min_certificates: int) -> None:
        step, dao = self.state["step"], self.dao
        if step == "waiting":
            supply = dao.contracts["EcoCredit"].functions.totalSupply().call()
            if min_certificates < 1 or supply == 0:
                return  # no released credits (rewards vest first): no votes yet
            self._propose()
            return
        pid = int(self.state["proposal_id"])
        state = dao.state(pid)
        if step == "proposed" and state == "Active":
            weight = dao.vote(pid, "for", "demo: the grid got cleaner")
            self.state["step"] = "voted"
            self.say(f"dao: voted for with {weight / 10**18:.6f} ECO of delegated votes")
        elif step == "voted" and state == "Succeeded":
            eta = dao.queue(pid)
            self.state["step"] = "queued"
            self.say(f"dao: proposal passed and queued; executable in {eta - dao.now_s()} s")
        elif state in ("Defeated", "Canceled", "Expired"):  # e.g. the vote closed while down
            raise EcoAIError(f"proposal {pid} was {state.lower()}")
        elif step == "queued" and state == "Queued" and dao.now_s() >= dao.proposal(pid).eta_s:
            dao.execute(pid)
            self.state["step"] = "executed"
            got = dao.chain.region_intensity_at(self.region, self.state["from_s"])
            self.say(f"dao: executed -- {self.region} intensity is {got} mg/kWh from "
                     f"{self.state['from_s']} (see the explorer's /proposals)")

    def _propose(self) -> None:
        dao = self.dao
        now = dao.now_s()
        current = dao.chain.region_intensity_at(self.region, now)
        lower = current * 9 // 10
        epoch = dao.chain.epoch_length_s()
        g = dao.deployment.governance
        # After the proposal can have executed (effective times must not be in the past),
        # on an epoch boundary.
        earliest = now + g.voting_delay_s + g.voting_period_s + g.timelock_delay_s + 60
        from_s = -(-earliest // epoch) * epoch
        calls = dao.plan(["set-intensity", self.region, str(lower), "--from", str(from_s)])
        pid = dao.propose(calls, f"{self.region}: the grid got cleaner -- intensity "
                                 f"{current} -> {lower} mg CO2e/kWh from epoch {from_s}")
        self.state.update(step="proposed", proposal_id=str(pid), from_s=from_s)
        self.say(f"dao: proposed {pid}: {calls[0].describe()}")
