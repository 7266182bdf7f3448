"""A stranger against the relayer's signature check on the real `ready` anvil: an honest
attestor's signature re-encoded so that it still recovers to the attestor in Python (s
replaced by n - s with the other v; v written 0/1 instead of 27/28) -- but GreenProof
(OpenZeppelin's ECDSA, EIP-2 low s, the ecrecover precompile's v of 27/28) recovers no one
from it. Posted first, such a copy would be admitted as the attestor's own item and the
attestor's real post refused as a conflict (409) until a batch simulation threw the copy out.
The relayer must refuse it as the contract does, naming the signature."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from relay_helpers import body, make_relayer, vector_item

from ecoai_chain.chain.eip712 import SECP256K1_N, recover_certificate_signer
from ecoai_chain.errors import ValidationError
from ecoai_chain.relay.app import create_app

pytestmark = pytest.mark.chain


def _high_s(sig: bytes) -> bytes:
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    return r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # 27 <-> 28


def _v01(sig: bytes) -> bytes:
    return sig[:64] + bytes([sig[64] - 27])


def test_the_contract_refuses_the_reencoded_signatures(ready, proof_vectors):
    client = ready["client"]
    cert, _, sig = vector_item(ready, proof_vectors, 0)
    assert client.check_item(cert, sig) is None
    for other in (_high_s(sig), _v01(sig)):
        err = client.check_item(cert, other)
        assert err is not None and err.name == "GreenProofBadSignature", other.hex()


def test_the_relayer_refuses_them_and_keeps_the_epoch_for_the_attestor(ready, proof_vectors,
                                                                      tmp_path):
    client = ready["client"]
    cert, _, sig = vector_item(ready, proof_vectors, 0)
    domain = (client.w3.eth.chain_id, client.deployment.green_proof)
    assert recover_certificate_signer(*domain, cert, sig) == ready["attestors"][0].address
    for other in (_high_s(sig), _v01(sig)):
        with pytest.raises(ValidationError) as e:
            recover_certificate_signer(*domain, cert, other)
        assert e.value.field == "signature"
    http = TestClient(create_app(make_relayer(ready, tmp_path / "relay.db")),
                      raise_server_exceptions=False)
    good = body(ready, proof_vectors, 0)
    for other in (_high_s(sig), _v01(sig)):
        r = http.post("/relay/v1/items", json={**good, "signature": "0x" + other.hex()})
        assert r.status_code == 401 and r.json()["detail"]["field"] == "signature", r.text
    r = http.post("/relay/v1/items", json=good)
    assert r.status_code == 202, r.text
