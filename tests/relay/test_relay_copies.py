"""A stranger who copies an attestor's signed item and re-randomises its Groth16 proof (anyone
can: A' = A / k, B' = k B verifies for the same inputs) and posts it first must not turn the
attestor's own post into a conflict: the relayer holds one item per certificate, whatever valid
proof came with it. Real `ready` anvil, the committed proof vectors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from py_ecc.optimized_bn128 import FQ, FQ2, curve_order, multiply, normalize
from relay_helpers import body, make_relayer

from ecoai_chain.core.certificate import Certificate
from ecoai_chain.relay.app import create_app
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.verifier import load_vkey, verify_groth16

pytestmark = pytest.mark.chain


def rerandomised(proof: dict, k: int) -> dict:
    """Another valid proof of the same statement: e(A/k, kB) = e(A, B)."""
    a = (FQ(int(proof["pi_a"][0])), FQ(int(proof["pi_a"][1])), FQ(1))
    (x0, x1), (y0, y1) = proof["pi_b"][0], proof["pi_b"][1]
    b = (FQ2([int(x0), int(x1)]), FQ2([int(y0), int(y1)]), FQ2.one())
    a2, b2 = normalize(multiply(a, pow(k, -1, curve_order))), normalize(multiply(b, k))
    out = dict(proof)
    out["pi_a"] = [str(int(a2[0])), str(int(a2[1])), "1"]
    out["pi_b"] = [[str(int(c)) for c in b2[0].coeffs], [str(int(c)) for c in b2[1].coeffs],
                   ["1", "0"]]
    return out


def test_a_stranger_copy_with_another_valid_proof_is_the_same_item(ready, proof_vectors,
                                                                   tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db", max_batch_size=8, max_age_s=3600)
    http = TestClient(create_app(relayer))
    own = body(ready, proof_vectors, 0)
    copy = {**own, "proof": rerandomised(own["proof"], 7)}
    assert copy["proof"] != own["proof"]
    signals = Certificate.from_mapping(
        {k: (v if k == "workloadClass" else int(v, 0)) for k, v in own["certificate"].items()}
    ).public_signals()
    assert verify_groth16(load_vkey(zk_artifacts().vkey), copy["proof"], signals)

    first = http.post("/relay/v1/items", json=copy)  # the stranger is faster
    assert first.status_code == 202, first.text
    mine = http.post("/relay/v1/items", json=own)
    assert mine.status_code == 202, mine.text  # not 409: the same certificate
    assert mine.json() == first.json()
    assert relayer.store.counts() == {"queued": 1}

    # A different certificate for the same epoch is still a conflict.
    other = body(ready, proof_vectors, 0, work=1)
    r = http.post("/relay/v1/items", json=other)
    assert r.status_code == 409 and r.json()["detail"]["field"] == "epoch_start_s", r.text
