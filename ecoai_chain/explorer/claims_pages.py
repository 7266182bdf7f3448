"""Explorer pages for claims, retirements and beneficiaries. The claim and retirement pages are
printable certificates (static/print.css: @page margins, a print media query, one page on A4 and
on Letter) that carry their verification status and how to re-check them from the chain alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from ecoai_chain.api.params import address, positive_id

_CLAIM_QUERY = re.compile(r"(claim|retirement)\s*#?(\d{1,19})", re.IGNORECASE | re.ASCII)
_BENEFICIARY_QUERY = re.compile(r"(?:beneficiary|for)\s+(0x[0-9a-fA-F]{40})", re.IGNORECASE)


def resolve(state: Any, q: str) -> str | None:
    """The page for 'claim N', 'retirement N' or 'beneficiary 0x...' (None: not such a query;
    an unknown id is the 404 page)."""
    s = q.strip()
    m = _BENEFICIARY_QUERY.fullmatch(s)
    if m:
        return f"/beneficiaries/{address('q', m.group(1))}"
    m = _CLAIM_QUERY.fullmatch(s)
    if m:
        return f"/{m.group(1).lower()}s/{positive_id('q', m.group(2))}"
    return None


def register(app: FastAPI, render: Callable[..., HTMLResponse],
             entity_page: Callable[..., HTMLResponse],
             address_page: Callable[..., HTMLResponse]) -> None:
    state = app.state

    def verification(cert_id: int) -> dict | None:
        """The API's /verify result for the certificate (cached per certificate)."""
        return state.verifier.verify(cert_id)

    def contracts() -> dict[str, Any]:
        chain_id, gp, claims, _ = state.granular.issuer
        return {"chain_id": chain_id, "green_proof": gp, "claims": claims,
                "eco_credit": state.granular.eco_credit}

    @app.get("/claims/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
    def claim(claim_id: str) -> HTMLResponse:
        return entity_page("claim", claim_id, state.granular.claim, claim_page)

    def claim_page(cid: int, gc: Any) -> HTMLResponse:
        return render("claim.html", title=f"Claim {cid}", g=gc, cert=gc.certificate,
                      verify=verification(gc.certificate_id), k=contracts())

    @app.get("/retirements/{retirement_id}", response_class=HTMLResponse,
             include_in_schema=False)
    def retirement(retirement_id: str) -> HTMLResponse:
        return entity_page("retirement", retirement_id, state.claim_queries.retirement,
                           lambda rid, r: render("retirement.html", title=f"Retirement {rid}",
                                                 r=r, k=contracts()))

    @app.get("/beneficiaries/{addr}", response_class=HTMLResponse, include_in_schema=False)
    def beneficiary(addr: str) -> HTMLResponse:
        cq = state.claim_queries
        return address_page("beneficiary", addr, lambda a: render(
            "beneficiary.html", title=f"Beneficiary {a}", address=a,
            t=cq.beneficiary_totals(a), claims=cq.claims_for(a),
            retirements=cq.retirements_for(a)))
