"""Differential: the API over the same chain indexed into SQLite and into PostgreSQL answers
every read endpoint identically."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings

pytestmark = [pytest.mark.chain, pytest.mark.slow]

URLS = [
    "/api/v1/nodes", "/api/v1/nodes/1", "/api/v1/nodes/2/certificates?limit=5",
    "/api/v1/certificates?limit=7", "/api/v1/certificates?region=KR&min_score=50&limit=3",
    "/api/v1/certificates?from=1700006400&to=1700020000", "/api/v1/certificates/17",
    "/api/v1/certificates/17/proof", "/api/v1/credits/supply", "/api/v1/credits/transfers",
    "/api/v1/leaderboard?by=avoided", "/api/v1/leaderboard?by=score", "/api/v1/stats/regions",
    "/api/v1/stats/daily", "/api/v1/stats/totals", "/api/v1/search?q=node%201",
]


def test_sqlite_and_postgresql_answer_alike(world, pg_world_url, client):
    with TestClient(create_app(ApiSettings(db_url=pg_world_url))) as pg:
        for url in URLS:
            a, b = client.get(url), pg.get(url)
            assert a.status_code == b.status_code == 200, url
            assert a.json() == b.json(), url
        cursor = pg.get("/api/v1/certificates?limit=4").json()["next_cursor"]
        assert pg.get(f"/api/v1/certificates?limit=4&cursor={cursor}").json() == \
            client.get(f"/api/v1/certificates?limit=4&cursor={cursor}").json()
        addr = world.accounts[1].address
        assert pg.get(f"/api/v1/credits/balances/{addr}").json() == \
            client.get(f"/api/v1/credits/balances/{addr}").json()


def test_verify_answers_alike_on_sqlite_and_postgresql(world, pg_world_url):
    """/verify's evidence queries (attestor, intensity and baseline as of a log) agree."""
    with TestClient(create_app(ApiSettings(db_url=world.db_url))) as lite, \
            TestClient(create_app(ApiSettings(db_url=pg_world_url))) as pg:
        for cid in (5, 35):
            a = lite.post(f"/api/v1/certificates/{cid}/verify")
            b = pg.post(f"/api/v1/certificates/{cid}/verify")
            assert a.status_code == b.status_code == 200
            assert a.json() == b.json()
            assert {c["name"] for c in a.json()["checks"]} >= {"intensity", "scoring"}
