"""The first real path through the harness: hardhat-compiled contract, deployed from Python
with web3 + eth-account to a real anvil, called, and its event read back."""

from __future__ import annotations

import pytest
from web3.exceptions import ContractLogicError

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.revert import RevertDecoder, revert_data_from_exception
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.errors import ChainError

pytestmark = pytest.mark.chain


def test_deploy_call_and_read_event(w3, dev_accounts):
    admin, minter, holder = dev_accounts[:3]
    eco = deploy(w3, admin, load_artifact("EcoCredit"), admin.address)
    assert eco.functions.symbol().call() == "ECO"
    assert eco.functions.decimals().call() == 18

    role = eco.functions.MINTER_ROLE().call()
    send_tx(w3, admin, eco.functions.grantRole(role, minter.address).build_transaction(
        {"from": admin.address}))
    receipt = send_tx(w3, minter, eco.functions.mint(holder.address, 5 * 10**18).build_transaction(
        {"from": minter.address}))

    (transfer,) = eco.events.Transfer().process_receipt(receipt)
    assert transfer.args["from"] == "0x" + "00" * 20
    assert transfer.args["to"] == holder.address
    assert transfer.args["value"] == 5 * 10**18
    assert eco.functions.balanceOf(holder.address).call() == 5 * 10**18
    # And the log is found again by a filtered query, as the indexer will do it.
    logs = eco.events.Transfer().get_logs(from_block=0, argument_filters={"to": holder.address})
    assert [log.args["value"] for log in logs] == [5 * 10**18]


def test_mint_without_role_reverts(w3, dev_accounts):
    admin, stranger = dev_accounts[0], dev_accounts[3]
    artifact = load_artifact("EcoCredit")
    eco = deploy(w3, admin, artifact, admin.address)
    with pytest.raises(ChainError):  # explicit gas: mined, then reverted
        send_tx(w3, stranger, eco.functions.mint(stranger.address, 1).build_transaction(
            {"from": stranger.address, "gas": 200_000}), gas=200_000)
    # The node's revert data names the custom error and its arguments.
    with pytest.raises(ContractLogicError) as err:
        eco.functions.mint(stranger.address, 1).call({"from": stranger.address})
    decoded = RevertDecoder(artifact.abi).decode(revert_data_from_exception(err.value))
    assert decoded.name == "EcoCreditUnauthorized"
    assert decoded.args_ == (stranger.address, eco.functions.MINTER_ROLE().call())
    assert eco.functions.balanceOf(stranger.address).call() == 0
