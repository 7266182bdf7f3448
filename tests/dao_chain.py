"""A governed deployment on a real anvil, built once per test session and reset per test
(evm_snapshot / evm_revert; the fixtures are registered for every test by tests/conftest.py):
GreenProof + EcoCredit deployed, genesis nodes and parameters set with plain roles, real
certificates (tests/vectors) accepted so the two operators hold Eco Credits and delegate them,
then every role handed to the EcoTimelock / EcoGovernor (ecoai_chain.chain.governance)."""

from __future__ import annotations

import pytest
from eth_account import Account

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import GovernanceConfig, deploy_all
from ecoai_chain.chain.devnet import Anvil, dev_private_key, set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.chain.governance import hand_over_to_dao
from ecoai_chain.dao.client import DaoClient
from tests.vector_chain import ANVIL_ARGS, VECTORS, past_vector_epochs, schedule_vector_params

DAO_SETTINGS = dict(voting_delay_s=10, voting_period_s=100, timelock_delay_s=60, quorum_percent=4)


def accounts(n: int = 8) -> list:
    return [Account.from_key(dev_private_key(i)) for i in range(n)]


def advance(w3, seconds: int) -> None:
    """Move the chain's clock (anvil): the Governor and timelock read block.timestamp."""
    w3.provider.make_request("evm_increaseTime", [seconds])
    w3.provider.make_request("evm_mine", [])


def genesis(w3, certificates: int = 3):
    """Deployed with plain roles, nodes 1 and 2 of the vectors active, parameters set, and
    ``certificates`` of node 1's plus two of node 2's accepted and their rewards released.
    Returns (deployment, accounts)."""
    acc = accounts()
    admin = acc[0]
    dep = deploy_all(w3, admin, VECTORS["epoch_length_s"])
    client = GreenProofClient(w3, dep, admin)
    pairs = [(acc[1], acc[2]), (acc[3], acc[4])]
    for node, (operator, attestor) in zip(VECTORS["nodes"], pairs, strict=True):
        client.with_account(operator).register_node(attestor.address, node["region"],
                                                    node["max_power_mw"], "")
        client.activate_node(node["node_id"])
    schedule_vector_params(client)
    past_vector_epochs(w3)
    per_node = {1: certificates, 2: 2}
    ids = []
    for item in VECTORS["certificates"]:
        cert = {k: (v if k == "workloadClass" else int(v)) for k, v in item["cert"].items()}
        if per_node[cert["nodeId"]] == 0:
            continue
        per_node[cert["nodeId"]] -= 1
        attestor = pairs[cert["nodeId"] - 1][1]
        sig = sign_certificate(attestor, w3.eth.chain_id, dep.green_proof, cert)
        ids.append(client.submit_certificate(cert, item["proof"], sig))
    # Rewards vest, and only released credits vote: release them after the challenge window.
    set_chain_time(w3, max(client.get_certificate(i)["releaseAt"] for i in ids))
    client.release_rewards(ids)
    return dep, acc


@pytest.fixture(scope="session")
def dao_chain():
    """The governed chain after the hand-over; tests take it through `dao`, which reverts it."""
    from web3 import HTTPProvider, Web3

    with Anvil(extra_args=ANVIL_ARGS) as node:
        w3 = Web3(HTTPProvider(node.rpc_url, request_kwargs={"timeout": 30}))
        dep, acc = genesis(w3)
        for voter in (acc[1], acc[3]):
            DaoClient(w3, dep, voter).delegate()
        guardian = acc[5]
        governed = hand_over_to_dao(w3, acc[0], dep, GovernanceConfig(guardian.address,
                                                                      **DAO_SETTINGS))
        yield {"w3": w3, "plain": dep, "deployment": governed, "accounts": acc,
               "deployer": acc[0], "voters": (acc[1], acc[3]), "guardian": guardian,
               "stranger": acc[6]}


@pytest.fixture
def dao(dao_chain):
    """The shared governed chain, reverted to its post-hand-over state after the test."""
    w3 = dao_chain["w3"]
    snap = w3.provider.make_request("evm_snapshot", [])["result"]
    yield dao_chain
    w3.provider.make_request("evm_revert", [snap])
