"""The relayer's intake proof check on the real `ready` anvil: by eth_call to the deployment's
Groth16Verifier it agrees with the local verifier on good proofs and on every kind of bad one,
and when the node cannot answer it checks locally (counted) instead of admitting or refusing
blindly."""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient
from relay_helpers import body, make_relayer, vector_item

from ecoai_chain.core.certificate import Certificate
from ecoai_chain.relay.app import create_app
from ecoai_chain.relay.proofcheck import ChainProofCheck, LocalProofCheck, make_proof_check
from ecoai_chain.zk import bn254 as bn
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.verifier import load_vkey

pytestmark = pytest.mark.chain
P = bn.P  # the base field: a coordinate this large is not one


def _cases(ready, proof_vectors):
    """(label, proof, public signals, valid) for vector 0 and its corruptions."""
    cert, proof, _ = vector_item(ready, proof_vectors, 0)
    signals = Certificate.from_mapping(cert).public_signals()
    other_cert, other_proof, _ = vector_item(ready, proof_vectors, 1)
    other_signals = Certificate.from_mapping(other_cert).public_signals()

    def changed(path, value):
        p = copy.deepcopy(proof)
        node = p
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
        return p

    yield "good", proof, signals, True
    yield "another certificate's good proof", other_proof, other_signals, True
    yield "a proof for other inputs", other_proof, signals, False
    yield "inputs shifted by one", proof, [signals[0], signals[1] + 1, signals[2]], False
    yield "pi_a moved", changed(("pi_a", 0), str(int(proof["pi_a"][0]) + 1)), signals, False
    yield "pi_c swapped with pi_a", {**proof, "pi_c": proof["pi_a"], "pi_a": proof["pi_c"]}, \
        signals, False
    yield "coordinate >= p", changed(("pi_a", 1), str(int(proof["pi_a"][1]) + P)), signals, False
    yield "pi_b off the twist", changed(("pi_b", 0, 0), "1"), signals, False


def test_chain_and_local_checks_agree_on_good_and_bad_proofs(ready, proof_vectors):
    client = ready["client"]
    vkey = load_vkey(zk_artifacts().vkey)
    chain = make_proof_check("chain", client, vkey)
    local = make_proof_check("local", client, vkey)
    assert isinstance(chain, ChainProofCheck) and isinstance(local, LocalProofCheck)
    for label, proof, signals, valid in _cases(ready, proof_vectors):
        assert chain(proof, signals) is valid, label
        assert local(proof, signals) is valid, label
    assert chain.stats()["fallbacks"] == 0 and chain.stats()["checked"] == 8


def test_an_unreachable_node_means_a_local_check_counted(ready, proof_vectors):
    from web3 import HTTPProvider, Web3

    client = ready["client"]
    vkey = load_vkey(zk_artifacts().vkey)
    away = client.with_account(client.account)
    away.w3 = Web3(HTTPProvider("http://127.0.0.1:9", request_kwargs={"timeout": 2}))
    check = make_proof_check("chain", away, vkey)
    cert, proof, _ = vector_item(ready, proof_vectors, 0)
    signals = Certificate.from_mapping(cert).public_signals()
    assert check(proof, signals) is True
    assert check(proof, [signals[0], signals[1], signals[2] + 1]) is False
    assert check.stats()["fallbacks"] == 2
    assert check.fallback.checked == 2


def test_the_relayer_refuses_a_bad_proof_checked_on_chain(ready, proof_vectors, tmp_path):
    relayer = make_relayer(ready, tmp_path / "relay.db")
    assert relayer.proof_check.name == "chain"  # the default
    http = TestClient(create_app(relayer))
    good = body(ready, proof_vectors, 0)
    bad = copy.deepcopy(body(ready, proof_vectors, 1))
    bad["proof"] = good["proof"]  # another item's proof: valid, for other inputs
    r = http.post("/relay/v1/items", json=bad)
    assert r.status_code == 422 and r.json()["detail"]["field"] == "proof", r.text
    r = http.post("/relay/v1/items", json=good)
    assert r.status_code == 202, r.text
    proofs = http.get("/relay/v1/status").json()["proofs"]
    assert proofs["check"] == "chain" and proofs["checked"] == 2 and proofs["fallbacks"] == 0


def test_an_unknown_proof_check_is_refused_naming_the_field(ready, tmp_path):
    from ecoai_chain.errors import ValidationError

    with pytest.raises(ValidationError, match="proof_check"):
        make_relayer(ready, tmp_path / "relay.db", proof_check="gpu")


def test_the_chain_check_asks_the_verifier_greenproof_calls(ready, proof_vectors):
    """A manifest whose Groth16Verifier entry names another contract (hand-edited, stale)
    must not make the intake check disagree with the chain: it asks GreenProof.verifier()."""
    import dataclasses

    client = ready["client"]
    dep = client.deployment
    wrong = dataclasses.replace(dep, contracts={
        **dep.contracts, "Groth16Verifier": dep.contracts["EcoCredit"]})
    stale = client.with_account(client.account)
    stale.deployment = wrong
    check = make_proof_check("chain", stale, load_vkey(zk_artifacts().vkey))
    cert, proof, _ = vector_item(ready, proof_vectors, 0)
    signals = Certificate.from_mapping(cert).public_signals()
    assert check(proof, signals) is True
    assert check(proof, [signals[0], signals[1], signals[2] + 1]) is False
    assert check.stats()["verifier"] == client.green_proof.functions.verifier().call()
    assert check.stats()["fallbacks"] == 0
