"""/api/v1/nodes, leaderboard, stats, search."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from ecoai_chain.api.deps import Cursor, Limit, not_found, queries
from ecoai_chain.api.params import MAX_ID, address, positive_id, tx_hash
from ecoai_chain.api.queries import Queries
from ecoai_chain.api.schemas import CertificatePage, Items, NodeOut, NodePage, doc
from ecoai_chain.errors import ValidationError

router = APIRouter()
NodeId = Annotated[int, Path(ge=1, le=MAX_ID, description="node id (from 1)")]
Region = Annotated[str | None, Query(max_length=32, pattern=r"^[\x20-\x7e]+$",
                                     description="region code, e.g. KR")]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]


@router.get("/nodes", tags=["nodes"], responses=doc(NodePage))
def list_nodes(request: Request, limit: Limit = 50, cursor: Cursor = None,
               region: Region = None) -> dict:
    return queries(request).nodes(limit, cursor, region)


@router.get("/nodes/{node_id}", tags=["nodes"], responses=doc(NodeOut, 404))
async def get_node(request: Request, node_id: NodeId):
    node = queries(request).node(node_id)
    return node if node else not_found(f"node {node_id}")


@router.get("/nodes/{node_id}/certificates", tags=["nodes"],
            responses=doc(CertificatePage, 404))
def node_certificates(request: Request, node_id: NodeId, limit: Limit = 50,
                      cursor: Cursor = None):
    q = queries(request)
    if q.node(node_id) is None:
        return not_found(f"node {node_id}")
    return q.certificates(limit, cursor, node=node_id)


@router.get("/leaderboard", tags=["stats"], responses=doc(Items))
def leaderboard(request: Request,
                by: Annotated[Literal["score", "avoided"], Query()] = "score",
                limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
    return {"by": by, "items": queries(request).leaderboard(by, limit)}


@router.get("/stats/regions", tags=["stats"], responses=doc(Items))
def stats_regions(request: Request) -> dict:
    return {"items": queries(request).regions()}


@router.get("/stats/daily", tags=["stats"], responses=doc(Items))
def stats_daily(request: Request, region: Region = None,
                from_day: Annotated[str | None, Query(alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$",
                                                      description="first day, YYYY-MM-DD")] = None,
                to_day: Annotated[str | None, Query(alias="to", pattern=r"^\d{4}-\d{2}-\d{2}$",
                                                    description="last day, YYYY-MM-DD")] = None
                ) -> dict:
    if from_day and to_day and from_day > to_day:
        raise ValidationError("from", "must not be after 'to'")
    return {"items": queries(request).daily(region, from_day, to_day)}


@router.get("/stats/totals", tags=["stats"], responses=doc(None))
def stats_totals(request: Request) -> dict:
    return queries(request).totals()


@router.get("/search", tags=["search"], responses=doc(None))
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=80)]) -> dict:
    """Resolve an address, a certificate id (or #id), 'node N' or a transaction hash."""
    return resolve(queries(request), q)


_CERT_QUERY = re.compile(r"(?:#|cert(?:ificate)?\s*)?(\d{1,19})", re.IGNORECASE | re.ASCII)
_NODE_QUERY = re.compile(r"node\s*#?(\d{1,19})", re.IGNORECASE | re.ASCII)


def resolve(qs: Queries, q: str) -> dict:
    s = q.strip()
    if re.fullmatch(r"0x[0-9a-fA-F]{64}", s):
        cid = qs.certificate_by_tx(tx_hash("q", s))
        if cid is None:
            return {"kind": "none", "query": s}
        return {"kind": "certificate", "id": cid, "url": f"/certificates/{cid}"}
    if re.fullmatch(r"0x[0-9a-fA-F]{40}", s):
        a = address("q", s)
        return {"kind": "address", "id": a, "url": f"/address/{a}"}
    for pattern, kind, fetch in ((_CERT_QUERY, "certificate", qs.certificate),
                                 (_NODE_QUERY, "node", qs.node)):
        m = pattern.fullmatch(s)
        if m:
            n = positive_id("q", m.group(1))
            if fetch(n) is None:
                return {"kind": "none", "query": s}
            return {"kind": kind, "id": n, "url": f"/{kind}s/{n}"}
    raise ValidationError("q", "expected an address, a certificate id, 'node N' or a tx hash")
