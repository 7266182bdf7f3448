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
