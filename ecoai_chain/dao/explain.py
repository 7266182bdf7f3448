"""Turn Governor / timelock reverts into a sentence a DAO member can act on.

The decoded custom error (``GovernorUnexpectedProposalState(id, current, expectedBitmap)``
and friends) says what failed; the proposal's current figures (times, votes, quorum) say why
and what can be done now. Errors that are not the Governor's pass through unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ecoai_chain.dao.actions import role_id
from ecoai_chain.errors import ContractRevert, GovernanceError

_STATES = ("Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired",
           "Executed")


def _at(ts: int, now: int) -> str:
    when = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    delta = ts - now
    return f"{when} (in {delta} s)" if delta > 0 else f"{when} ({-delta} s ago)"


def _bitmap_states(bitmap: Any) -> list[str]:
    b = int.from_bytes(bitmap, "big") if isinstance(bitmap, bytes | bytearray) else int(bitmap)
    return [s for i, s in enumerate(_STATES) if b >> i & 1]


def state_hint(dao: Any, proposal_id: int, state: str) -> str:
    """What the state means for this proposal, with its times and votes."""
    g = dao.governor.functions
    now = dao.now_s()
    if state == "Pending":
        return f"voting opens at {_at(int(g.proposalSnapshot(proposal_id).call()), now)}"
    if state == "Active":
        return f"voting is open until {_at(int(g.proposalDeadline(proposal_id).call()), now)}"
    if state == "Defeated":
        against, for_, abstain = g.proposalVotes(proposal_id).call()
        quorum = int(g.quorum(int(g.proposalSnapshot(proposal_id).call())).call())
        why = ("quorum not reached" if for_ + abstain < quorum else "not more for than against")
        return (f"the vote failed ({why}: for {for_}, against {against}, abstain {abstain}, "
                f"quorum {quorum} units for + abstain)")
    if state == "Succeeded":
        return f"it passed: queue it (`ecoai dao queue {proposal_id}`)"
    if state == "Queued":
        return (f"it is in the timelock; executable from "
                f"{_at(int(g.proposalEta(proposal_id).call()), now)}")
    if state == "Canceled":
        return "it was canceled"
    if state == "Executed":
        return "it was already executed"
    return "its vote ended long ago"  # Expired (unused with a timelock)


def explain(err: ContractRevert, dao: Any, proposal_id: int | None) -> ContractRevert:
    name, args = err.name, err.args_
    pid = f"proposal {proposal_id}" if proposal_id is not None else "the proposal"
    if name == "GovernorUnexpectedProposalState":
        pid_arg, current, expected = args
        state = _STATES[int(current)]
        need = " or ".join(_bitmap_states(expected)) or "another state"
        return GovernanceError(name, args, f"proposal {pid_arg} is {state}: "
                               f"{state_hint(dao, int(pid_arg), state)}; this needs it {need}")
    if name == "TimelockUnexpectedOperationState" and proposal_id is not None:
        state = dao.state(proposal_id)
        return GovernanceError(name, args, f"{pid} is {state}: "
                               f"{state_hint(dao, proposal_id, state)}")
    if name == "GovernorNonexistentProposal":
        return GovernanceError(name, args, f"no proposal {args[0]} in this Governor "
                               "(`ecoai dao list` shows them)")
    if name == "GovernorAlreadyCastVote":
        return GovernanceError(name, args, f"{args[0]} has already voted on {pid}")
    if name == "GovernorInsufficientProposerVotes":
        return GovernanceError(name, args, f"{args[0]} has {args[1]} votes, proposing needs "
                               f"{args[2]} (votes count once delegated: `ecoai dao delegate`)")
    if name == "GovernorUnableToCancel":
        return GovernanceError(name, args, f"{args[1]} cannot cancel proposal {args[0]}: the "
                               "proposer can while it is Pending; once queued, the guardian "
                               "(the timelock's CANCELLER_ROLE) can")
    if name == "GovernorInvalidVoteType":
        return GovernanceError(name, args, "support must be for, against or abstain")
    if name == "GovernorOnlyExecutor":
        return GovernanceError(name, args, f"{args[0]} is not the executor: this function "
                               "is only callable by a proposal")
    if name == "AccessControlUnauthorizedAccount":
        roles = {role_id(n): n for n in ("DEFAULT_ADMIN_ROLE", "PROPOSER_ROLE", "EXECUTOR_ROLE",
                                         "CANCELLER_ROLE", "PARAMS_ROLE", "PAUSER_ROLE",
                                         "NODE_MANAGER_ROLE", "REVOKER_ROLE", "MINTER_ROLE",
                                         "CLAWBACK_ROLE")}
        role = roles.get(bytes(args[1]), "0x" + bytes(args[1]).hex())
        return GovernanceError(name, args, f"{args[0]} lacks {role}")
    return err
