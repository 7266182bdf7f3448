"""`ecoai retire` / `ecoai claim` on anvil: the call is printed before it is sent, bad input
is one clear line naming the field."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.claims_cli import parse_eco
from ecoai_chain.cli import main as ecoai
from ecoai_chain.errors import ValidationError

pytestmark = pytest.mark.chain
ECO = 10**18


@pytest.mark.parametrize("text, units", [("1", ECO), ("0.5", ECO // 2),
                                         ("0.000000000000000001", 1), ("2.10", 21 * ECO // 10)])
def test_parse_eco_is_exact(text, units):
    assert parse_eco(text) == units


@pytest.mark.parametrize("text", ["0", "-1", "1e-19", "abc", "NaN", "inf", "0.0000000000000000001"])
def test_parse_eco_refuses_naming_the_field(text):
    with pytest.raises(ValidationError) as e:
        parse_eco(text)
    assert e.value.field == "amount"


def test_retire_prints_the_call_then_sends_it(admin_client, dev_accounts, tmp_path, capsys):
    eco = admin_client.eco_credit
    admin_client.send(eco.functions.grantRole(eco.functions.MINTER_ROLE().call(),
                                              dev_accounts[0].address))
    admin_client.send(eco.functions.mint(dev_accounts[1].address, 2 * ECO))
    manifest = admin_client.deployment.save(tmp_path / "deployment.json")
    ben = dev_accounts[4].address
    args = ["retire", "1.25", "--beneficiary", ben, "--purpose", "scope 2",
            "--manifest", str(manifest), "--dev-account", "1"]
    assert ecoai([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"EcoCredit.retire({125 * ECO // 100}, {ben}, 'scope 2')" in out
    assert admin_client.retirement_count() == 0
    assert ecoai(args) == 0
    assert "retirement 1: 1.25 ECO retired" in capsys.readouterr().out
    assert admin_client.eco_balance(dev_accounts[1].address) == 2 * ECO - 125 * ECO // 100
    assert ecoai([*args[:1], "1.25", "--beneficiary", "0x12", *args[4:]]) == 1
    assert "error: beneficiary: must be a 0x-prefixed" in capsys.readouterr().err


def test_claim_prints_the_call_and_a_refusal_is_one_named_line(ready, vector_cert, tmp_path,
                                                               capsys, dev_accounts):
    from ecoai_chain.chain.devnet import set_chain_time
    from ecoai_chain.chain.eip712 import sign_certificate

    client = ready["client"]
    cert, proof = vector_cert(0)
    sig = sign_certificate(ready["attestors"][0], client.w3.eth.chain_id,
                           client.deployment.green_proof, cert)
    cid = client.submit_certificate(cert, proof, sig)
    manifest = client.deployment.save(tmp_path / "deployment.json")
    ben = dev_accounts[4].address
    args = ["claim", str(cid), "--beneficiary", ben, "--purpose", "scope 2",
            "--manifest", str(manifest), "--dev-account", "1"]  # dev 1: node 1's operator
    assert ecoai(args) == 1  # still in its challenge window
    captured = capsys.readouterr()
    record = client.describe_record(client.get_certificate(cid))
    assert record.startswith(f"record(node {cert['nodeId']}, epoch {cert['epochStart']}, hash 0x")
    assert f"CertificateClaims.claimCertificate({cid}, {record}, {ben}, 'scope 2')" in captured.out
    assert "CertificateClaimsStillVesting" in captured.err and "Traceback" not in captured.err
    set_chain_time(client.w3, client.get_certificate(cid)["releaseAt"], at_least=True)
    client.release_rewards([cid])
    assert ecoai([*args, "--energy-mj", "1000", "--dry-run"]) == 0
    assert f"claimCertificatePart({cid}, {record}, 1000, {ben}" in capsys.readouterr().out
    assert client.claim_count() == 0
    assert ecoai(args) == 0
    assert f"claim 1: {cert['energyMj']} mJ" in capsys.readouterr().out
    assert client.claimed_of(cid)["complete"] is True
