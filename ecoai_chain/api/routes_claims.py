"""/api/v1 claims, retirements, beneficiaries and the granular-certificate export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from ecoai_chain.api.deps import cached_json, not_found
from ecoai_chain.api.params import MAX_ID, address
from ecoai_chain.api.schemas import doc
from ecoai_chain.api.schemas_claims import BeneficiaryOut, RetirementOut
from ecoai_chain.reports.granular import GranularCertificate, GranularClaim

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="id (from 1)")]
# A claim or retirement never changes once confirmed, but a claim shows its certificate's
# revocation: cache briefly and revalidate by ETag, as certificates do.
_SHORT = "public, max-age=30, must-revalidate"


@router.get("/certificates/{certificate_id}/granular", tags=["claims"],
            responses=doc(GranularCertificate, 404))
def get_granular(request: Request, certificate_id: Id):
    """The certificate as a granular certificate (after EnergyTag's GC Scheme Standard):
    interval, energy in Wh, grid zone, intensity and its basis, issuer, device, claims and
    status. Every field's unit is in the schema."""
    gc = request.app.state.granular.certificate(certificate_id)
    if gc is None:
        return not_found(f"certificate {certificate_id}")
    return cached_json(request, gc.model_dump(), _SHORT)


@router.get("/claims/{claim_id}", tags=["claims"], responses=doc(GranularClaim, 404))
def get_claim(request: Request, claim_id: Id):
    """One claim with its certificate's granular export; a revocation after the claim shows in
    ``status`` and ``certificate_revoked``."""
    gc = request.app.state.granular.claim(claim_id)
    if gc is None:
        return not_found(f"claim {claim_id}")
    return cached_json(request, gc.model_dump(), _SHORT)


@router.get("/retirements/{retirement_id}", tags=["claims"],
            responses=doc(RetirementOut, 404))
def get_retirement(request: Request, retirement_id: Id):
    r = request.app.state.claim_queries.retirement(retirement_id)
    if r is None:
        return not_found(f"retirement {retirement_id}")
    return cached_json(request, r, "public, max-age=31536000, immutable")


@router.get("/beneficiaries/{beneficiary}", tags=["claims"], responses=doc(BeneficiaryOut))
def get_beneficiary(request: Request, beneficiary: Annotated[str, Path(
        max_length=42, description="the beneficiary's address (0x + 40 hex digits)")]):
    """What a beneficiary may count: totals of its claims (all, and those whose certificate is
    still valid) and retirements, and the latest 200 of each."""
    a = address("beneficiary", beneficiary)
    cq = request.app.state.claim_queries
    body = {**cq.beneficiary_totals(a), "claims": cq.claims_for(a),
            "retirements": cq.retirements_for(a)}
    return cached_json(request, body, _SHORT)
