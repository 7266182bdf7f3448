"""REST API against the indexer fed by a real anvil chain (see conftest.World)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.chain
ECO = 10**18


def test_nodes_list_one_and_status(client, world):
    body = client.get("/api/v1/nodes").json()
    assert [n["node_id"] for n in body["items"]] == [1, 2] and body["next_cursor"] is None
    n2 = client.get("/api/v1/nodes/2").json()
    assert n2["status"] == "suspended" and n2["status_reason"] == "audit pending"
    assert n2["operator"] == world.accounts[2].address and n2["region"] == "DE"
    node = world.green_proof.functions.getNode(1).call()
    assert client.get("/api/v1/nodes/1").json()["status"] == "active" and node is not None
    assert client.get("/api/v1/nodes/99").status_code == 404
    certs = client.get("/api/v1/nodes/2/certificates?limit=200").json()["items"]
    assert len(certs) == 12 and {c["node_id"] for c in certs} == {2}


def test_certificate_filters(client):
    def ids(q: str) -> list[int]:
        r = client.get(f"/api/v1/certificates?limit=200&{q}")
        assert r.status_code == 200, r.text
        return [c["certificate_id"] for c in r.json()["items"]]

    assert ids("node=1") == list(range(30, 0, -1))
    assert ids("region=DE") == list(range(42, 30, -1))
    # epochs are hourly from EPOCH0 for both nodes: a 3-hour window holds 3 of each
    assert sorted(ids("from=1700006400&to=1700013600")) == [1, 2, 3, 31, 32, 33]
    assert ids("min_score=81") == [] and len(ids("min_score=80")) == 42


def test_cursor_pagination_walks_every_certificate_once(client):
    seen, cursor = [], None
    while True:
        r = client.get("/api/v1/certificates", params={"limit": 5, **({"cursor": cursor}
                                                                     if cursor else {})})
        body = r.json()
        seen += [c["certificate_id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(range(42, 0, -1))


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/certificates?cursor=not-a-cursor", "cursor"),
    ("/api/v1/certificates?cursor=WyJ4Il0", "cursor"),  # base64 of ["x"]: wrong type
    ("/api/v1/certificates?from=10&to=5", "from"),
    ("/api/v1/certificates?min_score=101", "min_score"),
    ("/api/v1/certificates?limit=0", "limit"),
    ("/api/v1/certificates/abc", "certificate_id"),
    ("/api/v1/certificates/0", "certificate_id"),
    ("/api/v1/certificates/99999999999999999999999", "certificate_id"),
    ("/api/v1/credits/balances/0x1234", "address"),
    ("/api/v1/credits/transfers?address=bob", "address"),
    ("/api/v1/stats/daily?from=2024-02-01&to=2024-01-01", "from"),
    ("/api/v1/stats/daily?from=yesterday", "from"),
    ("/api/v1/search?q=%3F%3F", "q"),
])
def test_client_mistakes_are_4xx_naming_the_field(client, url, field):
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and field in r.json()["error"]


def test_certificate_one_with_etag_and_cache_headers(client):
    r = client.get("/api/v1/certificates/7")
    c = r.json()
    assert c["node_id"] == 1 and c["region"] == "KR"
    assert c["epoch_start_s"] == 1_700_006_400 + 6 * 3600
    assert c["energy_mj"] == 2_000_000_006 and c["tx_hash"].startswith("0x")
    assert "max-age" in r.headers["cache-control"]
    again = client.get("/api/v1/certificates/7", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/api/v1/certificates/43").status_code == 404


def test_proof_of_a_certificate_without_submit_calldata(client):
    r = client.get("/api/v1/certificates/3/proof")
    assert r.status_code == 200 and r.json()["available"] is False
    assert "immutable" in r.headers["cache-control"]


def test_credits_match_the_chain(client, world):
    for acct in world.accounts[:6]:
        body = client.get(f"/api/v1/credits/balances/{acct.address.lower()}").json()
        assert int(body["balance_units"]) == world.eco.functions.balanceOf(acct.address).call()
        assert body["address"] == acct.address
    supply = client.get("/api/v1/credits/supply").json()["total_supply_units"]
    assert int(supply) == world.eco.functions.totalSupply().call() == 10 * ECO
    holder = world.accounts[5].address
    t = client.get("/api/v1/credits/transfers", params={"address": holder}).json()["items"]
    assert [(x["from"], x["to"], int(x["value_units"])) for x in t] == \
        [(world.accounts[1].address, holder, 2 * ECO)]
    assert len(client.get("/api/v1/credits/transfers").json()["items"]) == 3


def test_leaderboard_and_stats(client):
    by_avoided = client.get("/api/v1/leaderboard?by=avoided").json()["items"]
    assert [n["node_id"] for n in by_avoided] == [1, 2] and by_avoided[0]["rank"] == 1
    assert by_avoided[0]["avoided_mg"] > by_avoided[1]["avoided_mg"]
    assert client.get("/api/v1/leaderboard?by=height").status_code == 422
    regions = {r["region"]: r for r in client.get("/api/v1/stats/regions").json()["items"]}
    assert regions["KR"]["certificate_count"] == 30 and regions["DE"]["certificate_count"] == 12
    daily = client.get("/api/v1/stats/daily?region=KR").json()["items"]
    assert sum(d["energy_mj"] for d in daily) == regions["KR"]["energy_mj"]
    assert [d["day"] for d in daily] == sorted(d["day"] for d in daily)
    totals = client.get("/api/v1/stats/totals").json()
    assert totals["certificates"] == 42 and totals["nodes"] == 2


def test_verify_reports_each_check(client):
    body = client.post("/api/v1/certificates/5/verify").json()
    checks = {c["name"]: c for c in body["checks"]}
    # the checks of `ecoai verify` that the index supports ("record" needs a chain RPC); the
    # ceiling comes from the indexed ParameterScheduled schedule
    assert set(checks) == {"field_range", "proof", "signature", "intensity", "scoring",
                           "ceiling", "not_revoked"}
    assert [c["name"] for c in body["not_run"]] == ["record"]
    assert checks["ceiling"]["ok"] is True, checks["ceiling"]
    assert "within the ceiling 50000000 work/kWh" in checks["ceiling"]["detail"]
    # bench-emitter events carry no GreenProof calldata: nothing signed or proved to check
    assert all(not checks[n]["ok"] and "calldata unavailable" in checks[n]["detail"]
               for n in ("field_range", "proof", "signature"))
    # These certificate events carry 400000 mg/kWh; GreenProof's table says 415000 for KR.
    assert checks["intensity"]["ok"] is False and "415000" in checks["intensity"]["detail"]
    assert checks["signature"]["ok"] is False and checks["not_revoked"]["ok"] is True
    assert body["valid"] is False
    assert client.post("/api/v1/certificates/4242/verify").status_code == 404


def test_verify_is_rate_limited(world):
    from fastapi.testclient import TestClient

    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings

    app = create_app(ApiSettings(db_url=world.db_url, verify_rate_per_min=1, verify_burst=2))
    with TestClient(app) as c:
        codes = [c.post("/api/v1/certificates/1/verify").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = c.post("/api/v1/certificates/1/verify")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_cors_health_metrics_search(client, world):
    r = client.get("/api/v1/nodes", headers={"Origin": "https://dao.example"})
    assert r.headers["access-control-allow-origin"] == "https://dao.example"
    r = client.get("/api/v1/nodes", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    assert client.get("/healthz").json()["indexed_block"] == world.indexer.checkpoint
    assert 'ecoai_api_requests_total{route="/api/v1/nodes",status="200"}' in \
        client.get("/metrics").text
    cert = client.get("/api/v1/certificates/9").json()
    assert client.get(f"/api/v1/search?q={cert['tx_hash']}").json()["kind"] == "certificate"
    assert client.get("/api/v1/search?q=9").json() == \
        {"kind": "certificate", "id": 9, "url": "/certificates/9"}
    assert client.get("/api/v1/search?q=node 2").json()["url"] == "/nodes/2"
    addr = world.accounts[1].address
    assert client.get(f"/api/v1/search?q={addr.lower()}").json()["url"] == f"/address/{addr}"
    assert client.get("/api/v1/search?q=777").json()["kind"] == "none"


def test_time_series_buckets_fit_the_span_and_sum_to_the_totals(world):
    """The explorer's home charts: buckets of a minute, hour or day chosen by the indexed span;
    whatever the bucket, the series adds up to the totals of valid certificates."""
    from ecoai_chain.api.queries import Queries
    from ecoai_chain.indexer.db import make_engine

    q = Queries(make_engine(world.db_url))
    per, series = q.time_series(max_points=48)
    totals = q.totals()
    assert series and per in ("minute", "hour", "day")
    assert sum(p["energy_mj"] for p in series) == totals["energy_mj"]
    assert sum(p["carbon_mg"] for p in series) == totals["carbon_mg"]
    assert sum(p["certificates"] for p in series) == totals["certificates"]
    assert [p["t_s"] for p in series] == sorted(p["t_s"] for p in series)
    widths = {"minute": 60, "hour": 3600, "day": 86_400}
    assert all(p["t_s"] % widths[per] == 0 for p in series)
    assert len(series) <= 48 or per == "day"
    # A tighter point budget can only make buckets coarser.
    per2, _ = q.time_series(max_points=2)
    assert widths[per2] >= widths[per]
