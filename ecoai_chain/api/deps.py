"""Shared route helpers: the Queries object, page limits, cache headers with ETag/304.

Point lookups (one primary-key read, tens of microseconds on SQLite) are ``async def`` routes
that query inline: a threadpool hand-off would cost more than the query. List and aggregate
routes stay sync and run in the threadpool."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from ecoai_chain.api.queries import Queries

Limit = Annotated[int, Query(ge=1, le=200, description="page size (1..200)")]
Cursor = Annotated[str | None, Query(max_length=512, description="opaque next_cursor of the "
                                                                  "previous page")]


def queries(request: Request) -> Queries:
    return request.app.state.queries


def cached_json(request: Request, body: dict, cache_control: str) -> Response:
    """JSON with a strong ETag over the canonical body; If-None-Match -> 304."""
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    etag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": cache_control}
    inm = request.headers.get("if-none-match")
    if inm and etag in [t.strip() for t in inm.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(raw, media_type="application/json", headers=headers)


def not_found(what: str) -> JSONResponse:
    return JSONResponse({"error": f"{what} not found"}, 404)
