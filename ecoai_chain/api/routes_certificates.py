"""/api/v1/certificates: list with filters, one, its proof, and /verify."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ecoai_chain.api.deps import Cursor, Limit, cached_json, not_found, queries
from ecoai_chain.api.params import MAX_ID, time_range
from ecoai_chain.api.schemas import CertificateOut, CertificatePage, ProofOut, VerifyOut, doc

router = APIRouter()
CertId = Annotated[int, Path(ge=1, le=MAX_ID, description="certificate id (from 1)")]
Time = Annotated[int | None, Query(ge=0, le=MAX_ID)]


@router.get("/certificates", tags=["certificates"], responses=doc(CertificatePage))
def list_certificates(
    request: Request, limit: Limit = 50, cursor: Cursor = None,
    node: Annotated[int | None, Query(ge=1, le=MAX_ID, description="node id")] = None,
    region: Annotated[str | None, Query(max_length=32, pattern=r"^[\x20-\x7e]+$")] = None,
    from_s: Annotated[int | None, Query(alias="from", ge=0, le=MAX_ID,
                                        description="epoch start >= (unix s)")] = None,
    to_s: Annotated[int | None, Query(alias="to", ge=0, le=MAX_ID,
                                      description="epoch start <= (unix s)")] = None,
    min_score: Annotated[int | None, Query(ge=0, le=100)] = None,
) -> dict:
    time_range(from_s, to_s)
    return queries(request).certificates(limit, cursor, node, region, from_s, to_s, min_score)


@router.get("/certificates/{certificate_id}", tags=["certificates"],
            responses=doc(CertificateOut, 404))
async def get_certificate(request: Request, certificate_id: CertId):
    cert = queries(request).certificate(certificate_id)
    if cert is None:
        return not_found(f"certificate {certificate_id}")
    # Fields never change once confirmed except `revoked`: cache briefly, revalidate by ETag.
    return cached_json(request, cert, "public, max-age=30, must-revalidate")


@router.get("/certificates/{certificate_id}/proof", tags=["certificates"],
            responses=doc(ProofOut, 404))
async def get_proof(request: Request, certificate_id: CertId):
    """Proof (Solidity and snarkjs orders), public signals in circuit order, signature; all
    decoded from the submitting transaction's calldata. Immutable once confirmed."""
    proof = queries(request).proof(certificate_id)
    if proof is None:
        return not_found(f"certificate {certificate_id}")
    return cached_json(request, proof, "public, max-age=31536000, immutable")


@router.post("/certificates/{certificate_id}/verify", tags=["certificates"],
             responses=doc(VerifyOut, 404, 429))
async def verify_certificate(request: Request, certificate_id: CertId):
    """Re-check signature, Groth16 proof and intensity; rate-limited per client."""
    client = request.client.host if request.client else "unknown"
    allowed, wait_s = request.app.state.verify_bucket.allow(client)
    if not allowed:
        return JSONResponse({"error": "rate limit on /verify exceeded; retry later"}, 429,
                            headers={"Retry-After": str(max(1, int(wait_s + 0.999)))})
    result = await run_in_threadpool(request.app.state.verifier.verify, certificate_id)
    if result is None:
        return not_found(f"certificate {certificate_id}")
    return result
