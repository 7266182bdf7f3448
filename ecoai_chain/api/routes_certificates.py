"""/api/v1/certificates: list with filters, one, its proof, and /verify."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ecoai_chain.api.deps import Cursor, Limit, cached_json, not_found, queries
from ecoai_chain.api.params import MAX_ID, time_range
from ecoai_chain.api.queries import cert_json
from ecoai_chain.api.schemas import CertificatePage, ProofOut, VerifyOut, doc
from ecoai_chain.api.schemas_credits import CertificateDetailOut

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
            responses=doc(CertificateDetailOut, 404))
def get_certificate(request: Request, certificate_id: CertId):
    """The certificate's fields and its reward (`credits`): escrowed, held, released or
    cancelled, with the ceiling and per-epoch bound in force at its epoch start."""
    q = queries(request)
    row = q.certificate_row(certificate_id)
    if row is None:
        return not_found(f"certificate {certificate_id}")
    cert = {**cert_json(row), "credits": request.app.state.credit_queries.certificate_credits(row)}
    # Fields never change once confirmed except `revoked` and the reward's state: cache
    # briefly, revalidate by ETag.
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


def _too_many(what: str, wait_s: float) -> JSONResponse:
    return JSONResponse({"error": f"{what} on /verify exceeded; retry later"}, 429,
                        headers={"Retry-After": str(max(1, int(wait_s + 0.999)))})


@router.post("/certificates/{certificate_id}/verify", tags=["certificates"],
             responses=doc(VerifyOut, 404, 429))
async def verify_certificate(request: Request, certificate_id: CertId):
    """Run the checks of `ecoai verify` on the indexed evidence: record, field range, Groth16
    proof (engine named), EIP-712 signature against the attestor at the certificate's block,
    intensity and baseline then, scoring, revocation; those that need a chain RPC are listed
    as not run. Cached per certificate until its row changes (a revocation); rate-limited per
    client, and globally for results that are not cached."""
    state = request.app.state
    client = request.client.host if request.client else "unknown"
    allowed, wait_s = state.verify_bucket.allow(client)
    if not allowed:
        state.verify_results.labels("limited_client").inc()
        return _too_many("rate limit per client", wait_s)
    row = queries(request).certificate_row(certificate_id)
    if row is None:
        return not_found(f"certificate {certificate_id}")
    body = state.verifier.cached(row)
    if body is not None:
        state.verify_results.labels("cached").inc()
        return JSONResponse(body, headers={"X-Verify-Cache": "hit"})
    allowed, wait_s = state.verify_global_bucket.allow("*")
    if not allowed:
        state.verify_results.labels("limited_global").inc()
        return _too_many("global rate limit", wait_s)
    body = await run_in_threadpool(state.verifier.verify_row, row)
    state.verify_results.labels("computed").inc()
    return JSONResponse(body, headers={"X-Verify-Cache": "miss"})
