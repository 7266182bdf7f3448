"""Retiring Eco Credits from Python (GreenProofClient.retire / retire_with_permit) on anvil:
supply and balances after a retirement, the record and its totals, a second retirement of the
same credits refused."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.errors import ContractRevert

pytestmark = pytest.mark.chain
ECO = 10**18


@pytest.fixture
def funded(admin_client: GreenProofClient, dev_accounts):
    """The admin (EcoCredit's DEFAULT_ADMIN_ROLE in a plain deployment) makes itself a minter
    and gives dev 1 three ECO to retire."""
    eco = admin_client.eco_credit
    admin_client.send(eco.functions.grantRole(eco.functions.MINTER_ROLE().call(),
                                              dev_accounts[0].address))
    admin_client.send(eco.functions.mint(dev_accounts[1].address, 3 * ECO))
    return admin_client.with_account(dev_accounts[1])


def test_retire_burns_and_records(funded, dev_accounts):
    holder, beneficiary = dev_accounts[1].address, dev_accounts[4].address
    supply = funded.total_supply()
    rid = funded.retire(ECO, beneficiary, "GHG inventory 2026, scope 2")
    assert rid == 1 and funded.retirement_count() == 1
    assert funded.eco_balance(holder) == 2 * ECO
    assert funded.total_supply() == supply - ECO
    record = funded.get_retirement(rid)
    assert record["holder"] == holder and record["beneficiary"] == beneficiary
    assert record["amount_units"] == ECO
    assert record["purpose_hash"] == "0x" + keccak(text="GHG inventory 2026, scope 2").hex()
    assert funded.retired_for(beneficiary) == ECO


def test_the_same_credits_cannot_be_retired_twice(funded, dev_accounts):
    beneficiary = dev_accounts[4].address
    funded.retire(3 * ECO, beneficiary, "all of it")
    with pytest.raises(ContractRevert) as e:
        funded.retire(3 * ECO, beneficiary, "again")
    assert e.value.name == "ERC20InsufficientBalance"
    assert funded.retirement_count() == 1 and funded.retired_for(beneficiary) == 3 * ECO
    assert funded.total_supply() == 0


def test_retire_with_permit_sent_by_a_relayer(funded, dev_accounts):
    owner, relayer = dev_accounts[1], funded.with_account(dev_accounts[2])
    deadline = funded.w3.eth.get_block("latest")["timestamp"] + 3600
    rid = relayer.retire_with_permit(owner, 2 * ECO, dev_accounts[3].address, "permit",
                                     deadline)
    assert funded.get_retirement(rid)["holder"] == owner.address
    assert funded.eco_balance(owner.address) == ECO
    assert funded.eco_balance(dev_accounts[2].address) == 0


def test_bad_retirements_are_refused_with_named_errors(funded, dev_accounts):
    with pytest.raises(ContractRevert) as e:
        funded.retire(0, dev_accounts[4].address, "")
    assert e.value.name == "EcoCreditZeroRetirement"
    with pytest.raises(ContractRevert) as e:
        funded.get_retirement(7)
    assert e.value.name == "EcoCreditUnknownRetirement" and e.value.args_ == (7,)
