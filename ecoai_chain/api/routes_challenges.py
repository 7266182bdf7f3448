"""/api/v1 challenges (contracts/ChallengeManager.sol): list, one, and a certificate's."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from ecoai_chain.api.deps import cached_json, not_found
from ecoai_chain.api.params import MAX_ID

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="id (from 1)")]
# A challenge changes until it is settled (drawn, answered, defaulted): cache briefly.
_SHORT = "public, max-age=10, must-revalidate"


@router.get("/challenges", tags=["challenges"])
def list_challenges(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="ids below (next page)")]
    = None,
    certificate: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    node: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[Literal["open", "answered", "defaulted", "void"] | None, Query()] = None,
):
    """Challenges, newest first: who challenged which certificate, deposit (wei), the
    randomness block the slots follow, the answer deadline (unix s), status, drawn slots."""
    body = request.app.state.challenges.challenges(limit, before, certificate, node, status)
    return cached_json(request, body, _SHORT)


@router.get("/challenges/{challenge_id}", tags=["challenges"])
def get_challenge(request: Request, challenge_id: Id):
    """One challenge with its events and opened windows (energy in mJ, the node's bound
    max_power_mw x window_s in mJ beside each)."""
    c = request.app.state.challenges.challenge(challenge_id)
    if c is None:
        return not_found(f"challenge {challenge_id}")
    return cached_json(request, c, _SHORT)


@router.get("/certificates/{certificate_id}/challenges", tags=["challenges"])
def certificate_challenges(request: Request, certificate_id: Id):
    """Every challenge of a certificate, oldest first, with their opened windows."""
    if request.app.state.queries.certificate(certificate_id) is None:
        return not_found(f"certificate {certificate_id}")
    items = request.app.state.challenges.for_certificate(certificate_id)
    return cached_json(request, {"certificate_id": certificate_id, "challenges": items}, _SHORT)
