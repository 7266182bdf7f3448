"""Explorer routes (HTML, read-only), registered on the API app: home, certificate, node,
operator, address, DAO proposals, search. Charts are server-side SVG; the only script is the
verify button."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ecoai_chain.api.params import address, positive_id
from ecoai_chain.api.queries import Queries
from ecoai_chain.errors import ValidationError
from ecoai_chain.explorer.svg import line_chart

HERE = Path(__file__).parent


def _utc(ts: int | None) -> str:
    """A block time as UTC; one past the calendar (a uint256 an event carried) as its seconds."""
    if ts is None:
        return ""
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return f"{ts} s (after the year 9999)"


def _fixed(num: int, den: int, places: int) -> str:
    """num / den rounded half up to ``places`` decimals, with thousands separators, in exact
    integer arithmetic: a float rounds a chain's value beyond 2^53 (an avoided mass of 2^70
    mg is off in its first decimal)."""
    sign, n, scale = "-" if num < 0 else "", abs(int(num)), 10**places
    q = (2 * n * scale + den) // (2 * den)
    return f"{sign}{q // scale:,}.{q % scale:0{places}d}"


def _eco(units: str | int | None) -> str:
    """EcoCredit units as ECO, truncated to 6 decimals (the sign kept: floor division of a
    negative figure would show -1 unit as -1.999999)."""
    if units is None:
        return ""
    v = int(units)
    sign, v = ("-" if v < 0 else ""), abs(v)
    return f"{sign}{v // 10**18:,}.{(v % 10**18) * 10**6 // 10**18:06d}"


def _kwh(mj: int) -> str:
    return _fixed(mj, 3_600_000_000, 3)


def _kg(mg: int) -> str:
    return _fixed(mg, 10**6, 3)


def _id(raw: str) -> int | None:
    """A path id as the API accepts it (ASCII digits, 1 .. 2^63-1), else None (-> 404)."""
    try:
        return positive_id("id", raw)
    except ValidationError:
        return None


def _pct(ppm: int | None) -> str:
    """Parts per million as a percentage with one decimal, floored (99.95 % is not 100 %)."""
    return "" if ppm is None else f"{ppm // 10_000}.{ppm % 10_000 // 1000} %"


def register(app: FastAPI, queries: Queries) -> None:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]))
    env.filters.update(utc=_utc, eco=_eco, kwh=_kwh, kg=_kg, pct=_pct)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(name: str, status: int = 200, **ctx) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**ctx), status)

    def missing(what: str) -> HTMLResponse:
        return render("error.html", 404, title="Not found", message=f"{what} not found")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> HTMLResponse:
        per, series = queries.time_series()
        fmt = {"minute": "%H:%M", "hour": "%m-%d %H:00", "day": "%Y-%m-%d"}[per]
        pts = [(time.strftime(fmt, time.gmtime(p["t_s"])), p) for p in series]
        charts = [
            Markup(line_chart([(k, p["energy_mj"] / 3.6e9) for k, p in pts],
                              f"Energy per {per}", "kWh")),
            Markup(line_chart([(k, p["carbon_mg"] / 1e6) for k, p in pts],
                              f"Carbon per {per}", "kg CO2e", color="#8d6e63")),
            Markup(line_chart([(k, p["avoided_mg"] / 1e6) for k, p in pts],
                              f"Eco Credits earned per {per}", "ECO", color="#1565c0")),
        ]
        return render("home.html", title="EcoAI Chain explorer", totals=queries.totals(),
                      charts=charts, latest=queries.certificates(10, None)["items"],
                      leaders=queries.leaderboard("score", 5), regions=queries.regions())

    def entity_page(kind: str, raw: str, fetch: Callable[[int], Any],
                    show: Callable[[int, Any], HTMLResponse]) -> HTMLResponse:
        """``show(id, row)`` for a page's path id, or the 404 page (malformed or unknown id)."""
        n = _id(raw)
        if n is None:
            return missing(f"{kind} {raw!r}")
        row = fetch(n)
        return missing(f"{kind} {n}") if row is None else show(n, row)

    def address_page(kind: str, raw: str, show: Callable[[str], HTMLResponse]) -> HTMLResponse:
        """``show(address)`` for a page's path address (checksummed), or the 404 page."""
        try:
            a = address(kind, raw)
        except ValidationError:
            return missing(f"{kind} {raw!r}")
        return show(a)

    @app.get("/certificates/{cert_id}", response_class=HTMLResponse, include_in_schema=False)
    def certificate(cert_id: str) -> HTMLResponse:
        return entity_page("certificate", cert_id, queries.certificate, certificate_page)

    def _challenges_of(cid: int) -> list[dict]:
        """The certificate's challenges, each with its opened windows charted against the
        node's bound (max power x window)."""
        from ecoai_chain.explorer.svg import bound_bars

        out = []
        for ch in app.state.challenges.for_certificate(cid):
            wins = ch["opened_windows"]
            bound = wins[0]["max_energy_mj"] if wins else None
            chart = bound_bars([(f"slot {o['slot']}", o["energy_mj"]) for o in wins], bound,
                               f"Challenge {ch['challenge_id']}: energy per opened window", "mJ")
            out.append({**ch, "chart": Markup(chart)})
        return out

    def certificate_page(cid: int, cert: Any) -> HTMLResponse:
        row = queries.certificate_row(cid)
        credits = app.state.credit_queries.certificate_credits(row) if row is not None else None
        return render("certificate.html", title=f"Certificate {cid}", c=cert, credits=credits,
                      proof=queries.proof(cid), node=queries.node(cert["node_id"]),
                      claims=app.state.claim_queries.claims_of_certificate(cid),
                      challenges=_challenges_of(cid),
                      measurement=app.state.measurements.get(row) if row is not None else None,
                      revoked_by=app.state.proposals.revoked_by(cid) if cert["revoked"] else None)

    @app.get("/proposals", response_class=HTMLResponse, include_in_schema=False)
    def proposals() -> HTMLResponse:
        return render("proposals.html", title="DAO proposals",
                      proposals=app.state.proposals.proposals(200, None)["items"])

    @app.get("/proposals/{pid}", response_class=HTMLResponse, include_in_schema=False)
    def proposal(pid: str) -> HTMLResponse:
        from ecoai_chain.api.proposals import proposal_id

        try:
            p = app.state.proposals.proposal(proposal_id("pid", pid))
        except ValidationError:
            return missing(f"proposal {pid!r}")
        if p is None:
            return missing(f"proposal {pid}")
        return render("proposal.html", title=f"Proposal {pid[:12]}", p=p)

    @app.get("/nodes/{node_id}", response_class=HTMLResponse, include_in_schema=False)
    def node(node_id: str) -> HTMLResponse:
        return entity_page("node", node_id, queries.node, node_page)

    def node_page(nid: int, n: Any) -> HTMLResponse:
        certs = queries.certificates(200, None, node=nid)["items"][::-1]
        pts = [(_utc(c["epoch_start_s"])[:13], c) for c in certs]
        charts = [
            Markup(line_chart([(k, c["energy_mj"] / 3.6e9) for k, c in pts], "Energy per epoch",
                              "kWh")),
            Markup(line_chart([(k, c["eco_score"]) for k, c in pts], "Eco Score trend", "0-100",
                              color="#1565c0")),
        ]
        return render("node.html", title=f"Node {nid}", n=n, charts=charts,
                      certs=certs[::-1][:50], bond=app.state.credit_queries.node_bond(nid))

    @app.get("/operators/{addr}", response_class=HTMLResponse, include_in_schema=False)
    def operator_page(addr: str) -> HTMLResponse:
        def show(a: str) -> HTMLResponse:
            op = app.state.credit_queries.operator(a)
            if op is None:
                return missing(f"operator {a}")
            return render("operator.html", title=f"Operator {a}", op=op)
        return address_page("operator", addr, show)

    @app.get("/address/{addr}", response_class=HTMLResponse, include_in_schema=False)
    def address_view(addr: str) -> HTMLResponse:
        return address_page("address", addr, lambda a: render(
            "address.html", title=f"Address {a}", address=a, balance=queries.balance(a),
            transfers=queries.transfers(50, None, a)["items"],
            as_beneficiary=app.state.claim_queries.beneficiary_totals(a)))

    from ecoai_chain.explorer.claims_pages import register as register_claims
    from ecoai_chain.explorer.claims_pages import resolve as resolve_claims

    register_claims(app, render, entity_page, address_page)

    @app.get("/search", include_in_schema=False)
    def search(q: str = "") -> Response:
        from ecoai_chain.api.routes_nodes import resolve

        try:
            page = resolve_claims(app.state, q[:80])
            if page is not None:
                return RedirectResponse(page, 303)
            hit = resolve(queries, q[:80]) if q.strip() else {"kind": "none"}
        except ValidationError as e:
            return render("error.html", 400, title="Search", message=e.reason, query=q)
        if hit["kind"] == "none":
            return render("error.html", 404, title="Search", message=f"nothing matches {q!r}",
                          query=q)
        return RedirectResponse(hit["url"], 303)
