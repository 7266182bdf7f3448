"""/api/v1/credits: total supply, balance by address, transfers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from ecoai_chain.api.deps import Cursor, Limit, queries
from ecoai_chain.api.params import address as check_address
from ecoai_chain.api.schemas import BalanceOut, SupplyOut, TransferPage, doc

router = APIRouter()
Address = Annotated[str, Path(description="0x-prefixed 20-byte address")]


@router.get("/credits/supply", tags=["credits"], responses=doc(SupplyOut))
def total_supply(request: Request) -> dict:
    return {"total_supply_units": queries(request).total_supply(), "decimals": 18}


@router.get("/credits/balances/{address}", tags=["credits"], responses=doc(BalanceOut))
async def balance(request: Request, address: Address) -> JSONResponse:
    a = check_address("address", address)
    return JSONResponse({"address": a, "balance_units": queries(request).balance(a),
                         "decimals": 18})


@router.get("/credits/transfers", tags=["credits"], responses=doc(TransferPage))
def transfers(request: Request, limit: Limit = 50, cursor: Cursor = None,
              addr: Annotated[str | None, Query(alias="address",
                                                description="only transfers from/to")] = None
              ) -> dict:
    a = check_address("address", addr) if addr is not None else None
    return queries(request).transfers(limit, cursor, a)
