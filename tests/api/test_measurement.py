"""PUT/GET /certificates/{id}/measurement on the real-chain world: the attestor's signed summary
is accepted only when bound to the certificate and signed by the node's attestor, and served
with what it is (issue 18)."""

from __future__ import annotations

import json

import pytest

from ecoai_chain.energy.summary import MeasurementSummary, document, sign_document

pytestmark = pytest.mark.chain


def summary(energy_mj: int, exact_mj: int) -> MeasurementSummary:
    return MeasurementSummary(energy_mj, {"counter": exact_mj, "gap": energy_mj - exact_mj},
                              {"counter": 58, "gap": 2}, exact_mj, {"counter_power_mismatch": 1},
                              2, 12_000, 100)


def signed_for(client, cert_id: int, signer, exact_share=0.95, **over) -> dict:
    c = client.get(f"/api/v1/certificates/{cert_id}").json()
    s = summary(c["energy_mj"], int(c["energy_mj"] * exact_share))
    doc = document(c["node_id"], c["epoch_start_s"], c["root"], s, ["aa" * 32, "bb" * 32])
    return sign_document({**doc, **over}, signer)


def test_nothing_published_is_said_not_guessed(client):
    r = client.get("/api/v1/certificates/2/measurement")
    assert r.status_code == 404 and "no measurement summary has been published" in r.json()["error"]
    assert client.get("/api/v1/certificates/999999/measurement").status_code == 404


def test_attestor_publishes_and_the_api_serves_the_counter_exact_share(client, world):
    att1 = world.accounts[3]  # node 1's attestor
    doc = signed_for(client, 3, att1)
    r = client.put("/api/v1/certificates/3/measurement", content=json.dumps(doc))
    assert r.status_code == 201, r.text
    got = client.get("/api/v1/certificates/3/measurement").json()
    energy = client.get("/api/v1/certificates/3").json()["energy_mj"]
    exact = int(energy * 0.95)
    ppm = exact * 1_000_000 // energy
    assert got["counter_exact_ppm"] == ppm and got["counter_exact_share"] == f"0.{ppm:06d}"
    assert got["energy_mj_by_method"] == {"counter": exact, "gap": energy - exact}
    assert got["flagged_windows"] == {"counter_power_mismatch": 1}
    assert got["windows_by_attribution"] == {} and got["attributed_energy_mj"] is None
    assert got["signed_by"] == att1.address and got["covered_by_proof"] is False
    assert "does not cover" in got["note"] and got["document"]["hash"] == doc["hash"]
    again = client.put("/api/v1/certificates/3/measurement", content=json.dumps(doc))
    assert again.status_code == 200  # idempotent
    other = signed_for(client, 3, att1, exact_share=0.5)
    r = client.put("/api/v1/certificates/3/measurement", content=json.dumps(other))
    assert r.status_code == 409 and "already has a different" in r.json()["error"]


def test_a_summary_must_be_bound_to_the_certificate_and_signed_by_its_attestor(client, world):
    att1, att2 = world.accounts[3], world.accounts[4]
    cases = [
        (signed_for(client, 4, att2), "signature", "node's attestor"),    # node 2's key
        (signed_for(client, 4, att1, root="123"), "root", "certificate 4 has"),
        (signed_for(client, 4, att1, epoch_start_s=1), "epoch_start_s", "certificate 4 has"),
        ({**signed_for(client, 4, att1), "hash": "00" * 32}, "hash", "canonical JSON"),
        ({**signed_for(client, 4, att1), "format": "x"}, "format", "ecoai-measurement/1"),
    ]
    for doc, field, text in cases:
        r = client.put("/api/v1/certificates/4/measurement", content=json.dumps(doc))
        assert r.status_code == 422, (field, r.text)
        assert r.json()["field"] == field and text in r.json()["error"]
    r = client.put("/api/v1/certificates/4/measurement", content=b"{not json")
    assert r.status_code == 422 and r.json()["field"] == "body"
    r = client.put("/api/v1/certificates/4/measurement", content=b"[]")
    assert r.status_code == 422 and r.json()["field"] == "document"
    big = client.put("/api/v1/certificates/4/measurement", content=b" " * (64 * 1024 + 1))
    assert big.status_code == 413
    missing = client.put("/api/v1/certificates/999999/measurement",
                         content=json.dumps(signed_for(client, 4, att1)))
    assert missing.status_code == 404
    assert client.get("/api/v1/certificates/4/measurement").status_code == 404
