"""Claiming certificates from Python (GreenProofClient.claim_certificate) on anvil, with real
certificates (the committed proof vectors): refused while vesting, before release, when revoked
and when claimed already, each with its named error; exact partial claims, equal to the Python
rule (core/claims.py); a revocation after a claim shows on the claim."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.core.claims import split_certificate
from ecoai_chain.errors import ContractRevert
from tests.vector_chain import release_now, submit_vector

pytestmark = pytest.mark.chain


@pytest.fixture
def operator(ready):
    """Node 1's operator, and node 1's first vector certificate (submitted)."""
    return ready["client"].with_account(ready["operators"][0])


def test_a_claim_waits_for_release_and_happens_once(ready, vector_cert, operator, dev_accounts):
    client, ben = ready["client"], dev_accounts[4].address
    cid = submit_vector(ready, vector_cert, 0)
    with pytest.raises(ContractRevert) as e:
        operator.claim_certificate(cid, ben, "too early")
    assert e.value.name == "CertificateClaimsStillVesting"
    assert e.value.args_[:2] == (cid, client.get_certificate(cid)["releaseAt"])
    set_chain_time(client.w3, client.get_certificate(cid)["releaseAt"], at_least=True)
    with pytest.raises(ContractRevert) as e:
        operator.claim_certificate(cid, ben, "not released")
    assert e.value.name == "CertificateClaimsNotReleased"
    client.release_rewards([cid])
    stranger = client.with_account(dev_accounts[0])  # the admin: not node 1's operator
    with pytest.raises(ContractRevert) as e:
        stranger.claim_certificate(cid, ben, "not mine")
    assert e.value.name == "CertificateClaimsNotAuthorized"
    assert e.value.args_ == (cid, dev_accounts[0].address, operator.account.address)
    claim_id = operator.claim_certificate(cid, ben, "FY2026")
    got = operator.get_claim(claim_id)
    chain = client.get_certificate(cid)
    assert (got["energy_mj"], got["carbon_mg"], got["is_final"]) == (
        chain["energyMj"], chain["carbonMg"], True)
    with pytest.raises(ContractRevert) as e:
        operator.claim_certificate(cid, ben, "twice")
    assert (e.value.name, e.value.args_) == ("CertificateClaimsAlreadyClaimed", (cid, claim_id))
    assert operator.claim_count() == 1


def test_a_revoked_certificate_cannot_be_claimed(ready, vector_cert, operator, dev_accounts):
    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    client.revoke(cid, "meter tampered")
    with pytest.raises(ContractRevert) as e:
        operator.claim_certificate(cid, dev_accounts[4].address, "")
    assert (e.value.name, e.value.args_) == ("CertificateClaimsRevoked", (cid,))


def test_partial_claims_sum_exactly_and_match_the_python_rule(ready, vector_cert, operator,
                                                              dev_accounts):
    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    release_now(client, cid)
    chain = client.get_certificate(cid)
    e = chain["energyMj"]
    parts = [e // 7, e // 3, 1, e - e // 7 - e // 3 - 1]
    bens = [dev_accounts[4].address, dev_accounts[0].address]
    ids = [operator.claim_certificate(cid, bens[k % 2], f"part {k}", p)
           for k, p in enumerate(parts)]
    got = [operator.get_claim(i) for i in ids]
    expected = split_certificate(e, chain["carbonMg"], chain["intensityMgPerKwh"], parts)
    assert [(g["energy_mj"], g["carbon_mg"], g["is_final"]) for g in got] == [
        (p.energy_mj, p.carbon_mg, p.is_final) for p in expected]
    assert sum(g["energy_mj"] for g in got) == e
    assert sum(g["carbon_mg"] for g in got) == chain["carbonMg"]
    assert operator.claimed_of(cid) == {"energy_mj": e, "carbon_mg": chain["carbonMg"],
                                        "parts": 4, "complete": True}
    a, b = (operator.claimed_for(x) for x in bens)
    assert a[0] + b[0] == e and a[1] + b[1] == chain["carbonMg"]


def test_a_revocation_after_the_claim_shows_on_the_claim(ready, vector_cert, operator,
                                                         dev_accounts):
    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    release_now(client, cid)
    claim_id = operator.claim_certificate(cid, dev_accounts[4].address, "before the audit")
    assert operator.get_claim(claim_id)["certificate_revoked"] is False
    client.revoke(cid, "audit failed")
    assert operator.get_claim(claim_id)["certificate_revoked"] is True


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.floats(0.0, 1.0, exclude_min=True, exclude_max=True), max_size=4),
       whole_last=st.booleans())
def test_the_contract_splits_like_the_python_rule(ready, vector_cert, operator, dev_accounts,
                                                  cuts, whole_last):
    """Hypothesis over part sizes, against the contract (each example from one chain snapshot):
    the parts the contract records are those of core/claims.py and sum to the certificate."""
    client = ready["client"]
    w3 = client.w3
    if client.certificate_count() == 0:
        release_now(client, submit_vector(ready, vector_cert, 0))
        ready["snapshot"] = w3.provider.make_request("evm_snapshot", [])["result"]
    else:
        assert w3.provider.make_request("evm_revert", [ready["snapshot"]])["result"]
        ready["snapshot"] = w3.provider.make_request("evm_snapshot", [])["result"]
    chain = client.get_certificate(1)
    e = chain["energyMj"]
    bounds = sorted({max(1, min(e - 1, int(e * c))) for c in cuts})
    parts = [b - a for a, b in zip([0, *bounds], [*bounds, e], strict=True)]
    ben = dev_accounts[4].address
    ids = [operator.claim_certificate(1, ben, "p", p) for p in parts[:-1]]
    ids.append(operator.claim_certificate(1, ben, "last", None if whole_last else parts[-1]))
    got = [operator.get_claim(i) for i in ids]
    expected = split_certificate(e, chain["carbonMg"], chain["intensityMgPerKwh"], parts)
    assert [(g["energy_mj"], g["carbon_mg"], g["is_final"]) for g in got] == [
        (p.energy_mj, p.carbon_mg, p.is_final) for p in expected]
    assert operator.claimed_for(ben) == (e, chain["carbonMg"])
