"""The GreenProof flows driven from Python through GreenProofClient on a real anvil, with real
proofs (tests/vectors/contract_proofs.json) and the generated verifier."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.core import units
from ecoai_chain.errors import ChainError, ContractRevert

pytestmark = pytest.mark.chain


def _signed(ready, vector_cert, i, **changes):
    cert, proof = vector_cert(i)
    cert = {**cert, **changes}
    client = ready["client"]
    attestor = ready["attestors"][cert["nodeId"] - 1]
    sig = sign_certificate(attestor, client.w3.eth.chain_id, client.deployment.green_proof, cert)
    return cert, proof, sig


def test_submit_a_real_certificate_and_read_it_back(ready, proof_vectors, vector_cert):
    client, operator = ready["client"], ready["operators"][0]
    cert, proof, sig = _signed(ready, vector_cert, 0)
    relayer = client.with_account(ready["operators"][1])  # anyone may relay
    cert_id = relayer.submit_certificate(cert, proof, sig)
    assert cert_id == 1
    base = units.baseline_mg(int(proof_vectors["baseline_ng_per_work"]), cert["work"])
    reward = units.reward_units(base, cert["carbonMg"])
    assert reward > 0
    stored = client.get_certificate(1)
    assert stored["root"] == cert["root"] and stored["energyMj"] == cert["energyMj"]
    assert stored["ecoScore"] == units.eco_score(base, cert["carbonMg"], cert["work"])
    assert stored["rewardUnits"] == reward and stored["revoked"] is False
    # The reward vests: escrowed (not minted) until the challenge window has passed.
    assert stored["released"] is False and client.eco_balance(operator.address) == 0
    assert client.escrowed_of(operator.address) == reward
    assert client.releasable([1]) == []
    set_chain_time(client.w3, stored["releaseAt"])
    assert client.releasable([1]) == [1]
    assert relayer.release_rewards([1]) == {"minted_units": reward, "withheld_units": 0}
    assert client.eco_balance(operator.address) == reward
    assert client.escrowed_of(operator.address) == 0
    assert client.certificate_of(1, cert["epochStart"]) == 1
    assert client.last_epoch_start(1) == cert["epochStart"]
    assert client.next_epoch_start(1) == cert["epochStart"] + proof_vectors["epoch_length_s"]
    assert client.get_node(1)["operator"] == operator.address
    assert client.region_intensity_at("KR", cert["epochStart"]) == cert["intensityMgPerKwh"]
    assert client.compute_reward(
        int(proof_vectors["baseline_ng_per_work"]), cert["work"], cert["carbonMg"]
    ) == (base, stored["ecoScore"], reward)


def test_reverts_become_named_errors_with_arguments(ready, proof_vectors, vector_cert):
    client = ready["client"]
    cert, proof, sig = _signed(ready, vector_cert, 0)
    client.submit_certificate(cert, proof, sig)
    with pytest.raises(ContractRevert) as err:
        client.submit_certificate(cert, proof, sig)
    end = cert["epochStart"] + proof_vectors["epoch_length_s"]
    assert (err.value.name, err.value.args_) == (
        "GreenProofEpochAlreadyCertified",
        (1, cert["epochStart"], 1),
    )
    assert client.next_epoch_start(1) == end

    tampered, proof2, sig2 = _signed(
        ready, vector_cert, 1, energyMj=vector_cert(1)[0]["energyMj"] + 1
    )
    with pytest.raises(ContractRevert) as err:
        client.submit_certificate(tampered, proof2, sig2)
    assert err.value.name == "GreenProofInvalidProof"

    stranger = client.with_account(ready["operators"][1])
    with pytest.raises(ContractRevert) as err:
        stranger.set_baseline("llm-inference", 1, stranger.effective_soon_s())
    role = client.green_proof.functions.PARAMS_ROLE().call()
    assert err.value.name == "AccessControlUnauthorizedAccount"
    assert err.value.args_ == (ready["operators"][1].address, role)


def test_a_mined_failure_is_replayed_and_decoded(ready, proof_vectors, vector_cert):
    """With a fixed gas limit the node does not estimate: the transaction is mined, fails, and
    the client recovers the custom error by replaying it."""
    client = ready["client"]
    fn = client.green_proof.functions.activateNode(7)
    with pytest.raises(ContractRevert) as err:
        client._transact(fn, gas=200_000)
    assert (err.value.name, err.value.args_) == ("GreenProofUnknownNode", (7,))
    assert client.last_receipt["status"] == 0


def test_batch_revoke_and_debt(ready, proof_vectors, vector_cert):
    client, operator = ready["client"], ready["operators"][0]
    bad = [_signed(ready, vector_cert, 1, energyMj=vector_cert(1)[0]["energyMj"] + 1),
           _signed(ready, vector_cert, 0)]
    # The forged item is skipped, named by its error; the other lands all the same.
    first, second = client.submit_batch_outcome(*map(list, zip(*bad, strict=True)))
    assert (first.certificate_id, first.skipped.name) == (None, "GreenProofInvalidProof")
    assert second.landed and second.certificate_id == 1 and client.certificate_count() == 1

    # Item 0 landed a moment before and item 2 repeats item 1: both are skipped, naming the
    # certificate that holds their epoch.
    items = [_signed(ready, vector_cert, i) for i in (0, 1, 1)]
    outcome = client.submit_batch_outcome(*map(list, zip(*items, strict=True)))
    assert [o.certificate_id for o in outcome] == [1, 2, 2]
    assert [o.skipped and o.skipped.name for o in outcome] == [
        "GreenProofEpochAlreadyCertified", None, "GreenProofEpochAlreadyCertified"]
    assert outcome[0].skipped.args_ == (1, vector_cert(0)[0]["epochStart"], 1)
    assert client.submit_batch(*map(list, zip(*items, strict=True))) == [1, 2, 2]
    assert client.certificate_count() == 2
    set_chain_time(client.w3, client.get_certificate(2)["releaseAt"])
    client.release_rewards([1, 2])
    balance = client.eco_balance(operator.address)
    first_reward = client.get_certificate(1)["rewardUnits"]
    # The operator spends all but 1 unit; revocation burns that unit and records the rest as
    # debt of the operator (across its nodes).
    eco_op = client.with_account(operator)
    eco_op._transact(
        client.eco_credit.functions.transfer(ready["operators"][1].address, balance - 1)
    )
    out = client.revoke(1, "fabricated meter data")
    assert out == {"clawed_back_units": 1, "debt_units": first_reward - 1, "cancelled_units": 0,
                   "slashed_wei": 0}
    assert client.debt_of(operator.address) == first_reward - 1
    assert client.get_certificate(1)["revoked"] is True
    with pytest.raises(ContractRevert, match="GreenProofAlreadyRevoked"):
        client.revoke(1, "again")
    with pytest.raises(ContractRevert) as err:
        eco_op.register_node(ready["attestors"][0].address, "KR", 1)
    assert (err.value.name, err.value.args_) == (
        "GreenProofOperatorInDebt", (operator.address, first_reward - 1))


def test_pause_blocks_registration(ready):
    client = ready["client"]
    client.pause()
    with pytest.raises(ContractRevert) as err:
        client.register_node(ready["attestors"][0].address, "KR", 1)
    assert err.value.name == "EnforcedPause"
    client.unpause()
    assert client.register_node(ready["attestors"][0].address, "KR", 1) == 3


def test_read_only_client_refuses_to_transact(admin_client):
    with pytest.raises(ChainError, match="no account"):
        admin_client.with_account(None).pause()


def test_attestor_rotation_signed_in_python(ready):
    """The Python RotateAttestor typed data is what the contract verifies; a replay fails."""
    from ecoai_chain.chain.eip712 import rotate_attestor_typed_data, sign_typed_data

    client = ready["client"]
    operator = client.with_account(ready["operators"][0])
    old, new = ready["attestors"][0], ready["attestors"][1]
    nonce = client.get_node(1)["attestorNonce"]
    typed = rotate_attestor_typed_data(
        client.w3.eth.chain_id, client.deployment.green_proof, 1, new.address, nonce
    )
    sig = sign_typed_data(old, typed)
    operator.rotate_attestor(1, new.address, sig)
    node = client.get_node(1)
    assert node["attestor"] == new.address and node["attestorNonce"] == nonce + 1
    with pytest.raises(ContractRevert) as err:
        operator.rotate_attestor(1, old.address, sig)
    assert err.value.name == "GreenProofBadSignature" and err.value.args_[1] == new.address
