"""A stranger (no node's key) and a dishonest attestor against the real relayer on the real
`ready` anvil: client mistakes are 4xx naming the field, strangers store nothing, and one
operator's items never hold back the others'."""

from __future__ import annotations

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from relay_helpers import body, make_relayer

from ecoai_chain.relay.app import create_app

pytestmark = pytest.mark.chain


def _refused(http: TestClient, item, status: int, field: str) -> None:
    r = http.post("/relay/v1/items", json=item)
    assert r.status_code == status, r.text
    assert r.json()["detail"]["field"] == field, r.text


def test_out_of_range_numbers_from_a_stranger_are_4xx_and_leave_no_rows(
        ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db")
    http = TestClient(create_app(relayer), raise_server_exceptions=False)
    stranger = Account.create()
    good = body(ready, proof_vectors, 0)
    # uint256 ids beyond SQLite's signed 64 bits, signed by the stranger's own key
    _refused(http, body(ready, proof_vectors, 0, nodeId=2**64, signer=stranger), 422,
             "node_id")
    _refused(http, body(ready, proof_vectors, 0, epochStart=2**255, signer=stranger), 422,
             "epoch_start_s")
    # more digits than Python parses by default
    cert = {**good["certificate"], "energyMj": "9" * 5000}
    _refused(http, {**good, "certificate": cert}, 422, "total_energy_mj")
    for bad in (-1, 1.5, "1e3", "0x10", True, None, [1]):
        cert = {**good["certificate"], "energyMj": bad}
        r = http.post("/relay/v1/items", json={**good, "certificate": cert})
        assert 400 <= r.status_code < 500, (bad, r.text)
    assert relayer.store.counts() == {}


def test_deep_and_huge_bodies_are_refused_before_parsing(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db")
    http = TestClient(create_app(relayer), raise_server_exceptions=False)
    deep = "[" * 100_000 + "]" * 100_000
    r = http.post("/relay/v1/items", content=deep, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    good = body(ready, proof_vectors, 0)
    huge = {**good, "padding": "x" * (2 * 2**20)}
    r = http.post("/relay/v1/items", json=huge)
    assert r.status_code == 413, r.text
    assert relayer.store.counts() == {}
