"""/api/v1/certificates/{id}/measurement: how a certificate's energy was measured (issue 18).

GET serves the attestor's signed summary (energy by method, counter-exact share, flagged
windows) when one was published, else 404 saying none was; PUT publishes one (see
`ecoai_chain.api.measurement` for what is checked). ``ecoai attestor measurement EPOCH
--publish URL`` does the PUT for an operator."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ecoai_chain.api.deps import not_found, queries
from ecoai_chain.api.params import MAX_ID
from ecoai_chain.api.schemas import Error, MeasurementOut, doc
from ecoai_chain.errors import ConflictError, ValidationError

router = APIRouter()
CertId = Annotated[int, Path(ge=1, le=MAX_ID, description="certificate id (from 1)")]
MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 16  # a summary is 3 levels deep; py_ecc lets json recurse 100,000 deep


def _depth(value: object) -> int:
    """How deeply ``value`` nests lists and dicts, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict | list):
            deepest = max(deepest, d)
            if deepest > MAX_DEPTH:
                return deepest
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def _none(certificate_id: int) -> JSONResponse:
    return JSONResponse({"error": f"no measurement summary has been published for certificate "
                                  f"{certificate_id} (the chain does not record how energy was "
                                  "measured; the node's attestor publishes it)"}, 404)


async def _bounded_body(request: Request) -> bytes | None:
    """The body, or None once it is past MAX_BODY_BYTES: a declared Content-Length over the
    limit is refused before anything is read, a streamed one after the limit, not at its end."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isascii() or not declared.isdigit():
            raise ValidationError("content-length", "must be a decimal byte count")
        if len(declared) > len(str(MAX_BODY_BYTES)) or int(declared) > MAX_BODY_BYTES:
            return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


@router.get("/certificates/{certificate_id}/measurement", tags=["certificates"],
            responses=doc(MeasurementOut, 404))
async def get_measurement(request: Request, certificate_id: CertId):
    """Energy by measurement method, counter-exact share and flagged windows, as signed by the
    node's attestor (not covered by the zero-knowledge proof)."""
    cert = queries(request).certificate_row(certificate_id)
    if cert is None:
        return not_found(f"certificate {certificate_id}")
    got = request.app.state.measurements.get(cert)
    return got if got is not None else _none(certificate_id)


@router.put("/certificates/{certificate_id}/measurement", tags=["certificates"],
            responses={**doc(MeasurementOut, 404), 201: {"model": MeasurementOut},
                       409: {"model": Error}, 413: {"model": Error}})
async def put_measurement(request: Request, certificate_id: CertId):
    """Publish the attestor's signed measurement summary for this certificate (idempotent)."""
    body = await _bounded_body(request)
    if body is None:
        return JSONResponse({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, 413)
    try:
        document = json.loads(body)
    except ValueError as e:  # not UTF-8, not JSON, or an integer past Python's digit limit
        raise ValidationError("body", f"not JSON this API reads ({e})") from e
    if _depth(document) > MAX_DEPTH:
        raise ValidationError("body", f"nested deeper than {MAX_DEPTH} levels (a measurement "
                                      "summary is a few levels deep)")
    cert = queries(request).certificate_row(certificate_id)
    if cert is None:
        return not_found(f"certificate {certificate_id}")
    try:
        out, created = await run_in_threadpool(request.app.state.measurements.put, cert,
                                               document)
    except ConflictError as e:
        return JSONResponse({"error": str(e)}, 409)
    return JSONResponse(out, 201 if created else 200)
