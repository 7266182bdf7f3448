"""A stranger against the relayer's intake proof check (ecoai_chain/relay/proofcheck.py) on
the real `ready` anvil: coordinates that are not field elements -- p + x (the same point mod
p, which a verifier reducing mod p would take), at or above 2**256 (which the ABI cannot even
encode) -- in every position of the proof, by the chain check, by its local fallback and
through the HTTP intake: never admitted, and refused as the client's mistake (422), not a
server error. The proof the chain check admits is the one the contract lands."""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient
from relay_helpers import body, make_relayer, vector_item
from web3 import HTTPProvider, Web3

from ecoai_chain.core.certificate import Certificate
from ecoai_chain.relay.app import create_app
from ecoai_chain.relay.proofcheck import make_proof_check
from ecoai_chain.zk import bn254 as bn
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.verifier import load_vkey

pytestmark = pytest.mark.chain

# (key, index path) of every coordinate of a snarkjs proof the contract receives.
COORDINATES = [("pi_a", (0,)), ("pi_a", (1,)), ("pi_c", (0,)), ("pi_c", (1,)),
               ("pi_b", (0, 0)), ("pi_b", (0, 1)), ("pi_b", (1, 0)), ("pi_b", (1, 1))]


def _moved(proof: dict, key: str, path: tuple, by: int) -> dict:
    p = copy.deepcopy(proof)
    node = p[key]
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = str(int(node[path[-1]]) + by)
    return p


def _bad_proofs(proof: dict):
    for key, path in COORDINATES:
        for label, by in (("+p", bn.P), ("+2^256", 2**256), ("to 2^256 - 1", None)):
            if by is None:
                p = copy.deepcopy(proof)
                node = p[key]
                for k in path[:-1]:
                    node = node[k]
                node[path[-1]] = str(2**256 - 1)
                yield f"{key}{list(path)} {label}", p
            else:
                yield f"{key}{list(path)} {label}", _moved(proof, key, path, by)


def test_coordinates_outside_the_field_are_never_admitted(ready, proof_vectors):
    client = ready["client"]
    vkey = load_vkey(zk_artifacts().vkey)
    cert, proof, _ = vector_item(ready, proof_vectors, 0)
    signals = Certificate.from_mapping(cert).public_signals()
    chain = make_proof_check("chain", client, vkey)
    away = client.with_account(client.account)
    away.w3 = Web3(HTTPProvider("http://127.0.0.1:9", request_kwargs={"timeout": 2}))
    fallback = make_proof_check("chain", away, vkey)  # every item goes to the local engine
    assert chain(proof, signals) is True and fallback(proof, signals) is True
    cases = list(_bad_proofs(proof))
    for label, bad in cases:
        assert chain(bad, signals) is False, label
        assert fallback(bad, signals) is False, label
    # None of them is worth a question to the node: refused before any call.
    assert fallback.stats()["fallbacks"] == 1 and fallback.fallback.checked == 1


def test_the_intake_refuses_them_as_the_posters_mistake(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db")
    http = TestClient(create_app(relayer), raise_server_exceptions=False)
    good = body(ready, proof_vectors, 0)
    huge = copy.deepcopy(good["proof"])
    huge["pi_c"][0] = "9" * 5000  # more digits than int() converts by default
    for label, bad in [*_bad_proofs(good["proof"]), ("5000 digits", huge)]:
        r = http.post("/relay/v1/items", json={**good, "proof": bad})
        assert r.status_code == 422, (label, r.status_code, r.text)
        assert r.json()["detail"]["field"].startswith("proof"), (label, r.text)
    r = http.post("/relay/v1/items", json=good)
    assert r.status_code == 202, r.text


@pytest.mark.parametrize("code", ["0x00", "0x600260005260206000f3", "0x60ff60005260206000f3",
                                  "0x600160005260106000f3"],
                         ids=["empty", "bool-2", "bool-255", "16-bytes"])
def test_a_verifier_that_answers_no_bool_means_a_local_check(ready, proof_vectors, code):
    """The node answers verifyProof with something that is not an ABI bool (nothing, 2, 255,
    half a word; anvil_setCode over the verifier): neither admitted nor refused on that
    answer, nor an exception -- the local engine decides, counted as a fallback."""
    client = ready["client"]
    vkey = load_vkey(zk_artifacts().vkey)
    cert, proof, _ = vector_item(ready, proof_vectors, 0)
    signals = Certificate.from_mapping(cert).public_signals()
    check = make_proof_check("chain", client, vkey)
    client.w3.provider.make_request("anvil_setCode", [client.deployment.verifier, code])
    assert check(proof, signals) is True
    assert check(proof, [signals[0], signals[1] + 1, signals[2]]) is False
    assert check.stats()["fallbacks"] == 2
