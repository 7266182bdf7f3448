"""The FastAPI application: ``create_app(settings)`` builds everything; nothing happens at import.

Client mistakes become 4xx with a body naming the field ({"error", "field"}); CORS origins are
configurable; /verify is cached per certificate and rate-limited per client and globally;
/healthz and /metrics (Prometheus) are served beside /api/v1 and the explorer.
"""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecoai_chain import __version__
from ecoai_chain.api.proposals import ProposalQueries
from ecoai_chain.api.queries import Queries
from ecoai_chain.api.ratelimit import TokenBucket
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.api.verify import CertificateVerifier
from ecoai_chain.errors import ValidationError
from ecoai_chain.indexer.db import make_engine

API_PREFIX = "/api/v1"


def _field_of(err: dict) -> str:
    loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body", "header")]
    return ".".join(loc) or "request"


class _Metrics:
    """Pure-ASGI middleware (cheaper than BaseHTTPMiddleware) counting requests per route."""

    def __init__(self, app, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter("ecoai_api_requests", "HTTP requests", ["route", "status"],
                                registry=registry)
        self.latency = Histogram("ecoai_api_request_duration_seconds", "request latency",
                                 ["route"], registry=registry,
                                 buckets=(.001, .002, .005, .01, .02, .05, .1, .5, 1, 5))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = [500]

        async def _send(msg):
            if msg["type"] == "http.response.start":
                status[0] = msg["status"]
            await send(msg)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            if scope["path"].startswith(API_PREFIX + "/") and not route.startswith(API_PREFIX):
                route = API_PREFIX + route  # included routers report their unprefixed path
            self.requests.labels(route, str(status[0])).inc()
            self.latency.labels(route).observe(time.perf_counter() - start)


class _IndexCollector:
    """The index's own state, read from the database at each scrape: the indexed block and the
    logs the indexer quarantined (non-zero means a stranger's log could not be indexed)."""

    def __init__(self, queries: Queries) -> None:
        self.queries = queries

    def collect(self):
        block = GaugeMetricFamily("ecoai_indexer_indexed_block", "last block indexed")
        block.add_metric([], self.queries.checkpoint() or 0)
        held = GaugeMetricFamily("ecoai_indexer_quarantined_logs",
                                 "logs the indexer could not decode or store (see "
                                 "`ecoai indexer status`)")
        held.add_metric([], self.queries.quarantined())
        return [block, held]


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    engine = make_engine(settings.db_url)
    queries = Queries(engine)
    app = FastAPI(title="EcoAI Chain API", version=__version__,
                  description="Certificates, nodes and Eco Credits indexed from GreenProof.")
    app.state.settings = settings
    app.state.queries = queries
    app.state.proposals = ProposalQueries(engine)
    app.state.verifier = CertificateVerifier.from_files(
        queries, settings.manifest, settings.vkey_path, settings.verify_engine,
        settings.verify_cache_size)
    from ecoai_chain.api.measurement import Measurements

    app.state.measurements = Measurements(queries)
    from ecoai_chain.api.claims_queries import ClaimQueries
    from ecoai_chain.api.granular import GranularExports

    app.state.claim_queries = ClaimQueries(engine)
    from ecoai_chain.api.challenge_queries import ChallengeQueries

    app.state.challenges = ChallengeQueries(engine)
    from ecoai_chain.api.credit_queries import CreditQueries

    app.state.credit_queries = CreditQueries(queries)
    app.state.granular = GranularExports(queries, app.state.claim_queries, settings.manifest)
    app.state.verify_bucket = TokenBucket(settings.verify_rate_per_min / 60.0,
                                          settings.verify_burst)
    app.state.verify_global_bucket = TokenBucket(settings.verify_global_rate_per_min / 60.0,
                                                 settings.verify_global_burst)
    registry = CollectorRegistry()
    registry.register(_IndexCollector(queries))
    app.state.verify_results = Counter(
        "ecoai_api_verify_results", "POST /verify outcomes: computed, served from the cache, "
        "or refused by the per-client or the global rate limit", ["outcome"], registry=registry)

    @app.exception_handler(ValidationError)
    async def _validation(_: Request, e: ValidationError) -> JSONResponse:
        return JSONResponse({"error": f"invalid {e.field}: {e.reason}", "field": e.field}, 422)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(_: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        field = _field_of(first)
        return JSONResponse({"error": f"invalid {field}: {first.get('msg', 'bad value')}",
                             "field": field}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, e: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(e.detail)}, e.status_code, headers=e.headers)

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict:
        # cheap: one primary-key read proves the database answers
        return {"status": "ok", "indexed_block": queries.checkpoint()}

    @app.get("/metrics", tags=["ops"], response_class=Response)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    from ecoai_chain.api.routes_certificates import router as certificates
    from ecoai_chain.api.routes_challenges import router as challenges
    from ecoai_chain.api.routes_claims import router as claims
    from ecoai_chain.api.routes_credits import router as credits
    from ecoai_chain.api.routes_measurement import router as measurement
    from ecoai_chain.api.routes_nodes import router as nodes
    from ecoai_chain.api.routes_operators import router as operators
    from ecoai_chain.api.routes_proposals import router as proposals

    # hottest lookups first: routes match in order
    for r in (certificates, credits, nodes, measurement, proposals, claims, challenges,
              operators):
        app.include_router(r, prefix=API_PREFIX)

    from ecoai_chain.explorer.pages import register as register_explorer

    register_explorer(app, queries)

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST", "PUT"], allow_headers=["*"],
                           expose_headers=["ETag"])
    app.add_middleware(_Metrics, registry=registry)
    return app
