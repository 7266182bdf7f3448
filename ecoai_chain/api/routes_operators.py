"""/api/v1/operators/{address}: what an operator has at stake (debt, bond per node, slashes,
its nodes, reward totals), replayed from the indexed events (`api.credit_queries`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from ecoai_chain.api.deps import not_found
from ecoai_chain.api.params import address as check_address
from ecoai_chain.api.schemas import doc
from ecoai_chain.api.schemas_credits import OperatorOut

router = APIRouter()
Address = Annotated[str, Path(description="the operator's 0x-prefixed 20-byte address")]


@router.get("/operators/{address}", tags=["nodes"], responses=doc(OperatorOut, 404))
def get_operator(request: Request, address: Address):
    """An operator's debt (EcoCredit units), the bond of each of its nodes (wei: locked,
    slashed, returned, held now), the slashes, its nodes and its reward totals. 404 when the
    index holds no node of it and no Eco Credits event naming it."""
    a = check_address("address", address)
    body = request.app.state.credit_queries.operator(a)
    return body if body is not None else not_found(f"operator {a}")
