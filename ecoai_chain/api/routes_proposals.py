"""/api/v1/proposals: the DAO's proposals with state, votes, quorum, ETA and decoded actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from ecoai_chain.api.deps import Cursor, Limit, not_found
from ecoai_chain.api.proposals import proposal_id
from ecoai_chain.api.schemas import ProposalDetailOut, ProposalPage, doc

router = APIRouter()
Pid = Annotated[str, Path(max_length=78, description="proposal id (uint256, decimal)")]


@router.get("/proposals", tags=["dao"], responses=doc(ProposalPage))
def list_proposals(request: Request, limit: Limit = 50, cursor: Cursor = None) -> dict:
    """Newest first. ``state`` is the Governor's, as of the indexed head (``as_of_s``)."""
    return request.app.state.proposals.proposals(limit, cursor)


@router.get("/proposals/{pid}", tags=["dao"], responses=doc(ProposalDetailOut, 404))
def get_proposal(request: Request, pid: Pid):
    """One proposal with its votes and, once executed, the certificates it revoked."""
    p = request.app.state.proposals.proposal(proposal_id("pid", pid))
    return p if p is not None else not_found(f"proposal {pid}")
