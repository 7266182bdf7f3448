"""Claims, retirements and the granular export end to end: real certificates (the committed
proof vectors) on anvil, retired credits and claimed certificates through GreenProofClient,
indexed by the real indexer into SQLite, read back through the API -- whose totals must equal
the chain's own views."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.devnet import set_chain_time
from tests.vector_chain import submit_vector

pytestmark = pytest.mark.chain
ECO = 10**18


@pytest.fixture
def world(ready, vector_cert, dev_accounts):
    client = ready["client"]
    cert_id = submit_vector(ready, vector_cert, 0)
    eco = client.eco_credit
    client.send(eco.functions.grantRole(eco.functions.MINTER_ROLE().call(),
                                        dev_accounts[0].address))
    client.send(eco.functions.mint(dev_accounts[3].address, 5 * ECO))
    return {**ready, "cert_id": cert_id, "holder": client.with_account(dev_accounts[3]),
            "beneficiary": dev_accounts[4].address}


def test_retirements_through_the_api_equal_the_chain(world, indexed_api):
    holder, beneficiary = world["holder"], world["beneficiary"]
    r1 = holder.retire(2 * ECO, beneficiary, "FY2026 scope 2")
    r2 = holder.retire(ECO, beneficiary, "FY2026 scope 3")
    api = indexed_api()
    one = api.get(f"/api/v1/retirements/{r1}").json()
    assert one["holder"] == holder.account.address and one["beneficiary"] == beneficiary
    assert one["amount_units"] == str(2 * ECO) and one["purpose"] == "FY2026 scope 2"
    assert api.get(f"/api/v1/retirements/{r2 + 1}").status_code == 404
    ben = api.get(f"/api/v1/beneficiaries/{beneficiary}").json()
    assert ben["retirement_count"] == holder.retirement_count() == 2
    assert int(ben["retired_units"]) == holder.retired_for(beneficiary) == 3 * ECO
    # the burn reaches the indexed supply and balance too
    assert api.get(f"/api/v1/credits/balances/{holder.account.address}").json()[
        "balance_units"] == str(holder.eco_balance(holder.account.address))
    assert api.get("/api/v1/beneficiaries/0x12").status_code == 422


def test_claims_through_the_api_equal_the_chain_and_show_a_later_revocation(
        world, indexed_api, deployment, dev_accounts):
    client, cid = world["client"], world["cert_id"]
    set_chain_time(client.w3, client.get_certificate(cid)["releaseAt"], at_least=True)
    client.release_rewards([cid])
    operator = client.with_account(world["operators"][0])
    chain = client.get_certificate(cid)
    ben, ben2 = world["beneficiary"], dev_accounts[0].address
    first = operator.claim_certificate(cid, ben, "scope 2, Q1", chain["energyMj"] // 3)
    second = operator.claim_certificate(cid, ben2, "scope 2, Q2")
    ix: list = []
    api = indexed_api(ix)
    one = api.get(f"/api/v1/claims/{first}").json()
    on_chain = operator.get_claim(first)
    assert (one["energy_mj"], one["carbon_mg"], one["beneficiary"]) == (
        on_chain["energy_mj"], on_chain["carbon_mg"], ben)
    assert one["status"] == "claimed" and one["certificate"]["status"] == "claimed"
    gc = api.get(f"/api/v1/certificates/{cid}/granular").json()
    assert [c["claim_id"] for c in gc["claims"]] == [first, second]
    assert gc["claimed_energy_mj"] == operator.claimed_of(cid)["energy_mj"] == chain["energyMj"]
    assert gc["claimed_carbon_mg"] == operator.claimed_of(cid)["carbon_mg"] == chain["carbonMg"]
    assert gc["unclaimed_energy_mj"] == 0
    assert gc["issuer"]["claims_contract"] == deployment.address("CertificateClaims")
    for who in (ben, ben2):
        b = api.get(f"/api/v1/beneficiaries/{who}").json()
        assert (b["claimed_energy_mj"], b["claimed_carbon_mg"]) == operator.claimed_for(who)
    client.revoke(cid, "audit failed")
    ix[0].sync()
    one = api.get(f"/api/v1/claims/{first}").json()
    assert one["status"] == "claimed, certificate revoked since"
    assert one["certificate_revoked"] is True
    assert one["certificate_revoked_reason"] == "audit failed"
    b = api.get(f"/api/v1/beneficiaries/{ben}").json()
    assert b["valid_claimed_energy_mj"] == 0 and b["revoked_claim_count"] == 1
    assert b["claimed_energy_mj"] == on_chain["energy_mj"]  # the record stays


def test_the_granular_export_of_a_certificate(world, indexed_api, deployment):
    api = indexed_api()
    gc = api.get(f"/api/v1/certificates/{world['cert_id']}/granular").json()
    chain = world["client"].get_certificate(world["cert_id"])
    assert gc["energy_mj"] == chain["energyMj"] and gc["carbon_mg"] == chain["carbonMg"]
    assert gc["energy_wh"] == chain["energyMj"] // 3_600_000
    assert gc["interval"]["start_s"] == chain["epochStart"]
    assert gc["interval"]["duration_s"] == deployment.epoch_length_s
    assert gc["issuer"]["chain_id"] == world["client"].w3.eth.chain_id
    assert gc["issuer"]["contract"] == deployment.green_proof
    assert gc["device"]["node_id"] == chain["nodeId"]
    assert gc["device"]["max_power_mw"] == chain["maxPowerMw"]
    assert gc["intensity"]["basis"] == "location-based"
    assert gc["intensity"]["value_mg_per_kwh"] == chain["intensityMgPerKwh"]
    assert gc["status"] == "unclaimed" and gc["unclaimed_energy_mj"] == chain["energyMj"]
    assert api.get("/api/v1/certificates/99/granular").status_code == 404
    assert api.get("/api/v1/claims/1").status_code == 404


def test_the_granular_csv_of_ecoai_report(world, tmp_path, indexed_api, deployment, capsys):
    from ecoai_chain.cli import main as ecoai

    indexed_api()  # indexes into tmp_path/index.db
    db = f"sqlite:///{tmp_path}/index.db"
    manifest = str(tmp_path / "deployment.json")
    assert ecoai(["report", "--format", "granular-csv", "--index-db", db,
                  "--deployment", manifest]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    assert header[:2] == ["certificate_id", "claim_id"] and "intensity_basis" in header
    row = dict(zip(header, lines[1].split(","), strict=False))
    chain = world["client"].get_certificate(world["cert_id"])
    assert int(row["energy_mj"]) == chain["energyMj"] and int(row["carbon_mg"]) == chain["carbonMg"]
    assert row["status"] == "unclaimed" and row["issuer_contract"] == deployment.green_proof
    assert ecoai(["report", "--format", "granular-csv", "--index-db", db,
                  "--certificate", "99"]) == 1
    assert "certificate 99 is not in the index" in capsys.readouterr().err
    assert ecoai(["report", "--format", "granular-csv"]) == 1
    assert "--index-db" in capsys.readouterr().err


def test_every_export_field_is_documented_with_a_description(tmp_path):
    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path}/empty.db"))
    schema = TestClient(app).get("/openapi.json").json()
    comps = schema["components"]["schemas"]
    for name in ("GranularCertificate", "GranularClaim", "Interval", "IntensityBasis", "Issuer",
                 "Device", "ClaimRef", "RetirementOut", "BeneficiaryOut"):
        for field, spec in comps[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
