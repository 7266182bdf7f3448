"""Shared fixtures and factories: a real anvil chain, dev accounts, web3, contracts deployed with
deploy_all, and certificates with real Groth16 proofs (tests/vectors/contract_proofs.json).

Fixtures defined in helper modules are registered here, for every test, so that a session
fixture has one instance per run (a test module importing one would get its own copy):
``pg_server`` / ``db_url`` (tests/postgres.py) and the governed chain ``dao_chain`` / ``dao``
(tests/dao_chain.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.chain.devnet import Anvil, dev_private_key
from tests.dao_chain import dao, dao_chain  # noqa: F401 - fixtures, see the docstring
from tests.postgres import db_url, pg_server  # noqa: F401 - fixtures, see the docstring
from tests.vector_chain import ANVIL_ARGS, past_vector_epochs, schedule_vector_params


@pytest.fixture(scope="session")
def anvil_session():
    """One real anvil for the whole session (fast); tests must not assume a fresh state."""
    with Anvil() as node:
        yield node


def _web3(node: Anvil):
    from web3 import HTTPProvider, Web3

    return Web3(HTTPProvider(node.rpc_url, request_kwargs={"timeout": 30}))


def _dev_accounts() -> list:
    from eth_account import Account

    return [Account.from_key(dev_private_key(i)) for i in range(5)]


def _node_accounts(accounts: list) -> list:
    """(operator, attestor) of the vectors' nodes 1 and 2: dev accounts 1 / 2 and 3 / 4."""
    return [(accounts[1], accounts[2]), (accounts[3], accounts[4])]


def _prepare_vector_nodes(admin_client: GreenProofClient, accounts: list, vectors: dict) -> None:
    """Register and activate the vectors' nodes, schedule their parameters, move the clock
    past every vector epoch."""
    pairs = _node_accounts(accounts)
    for node, (operator, attestor) in zip(vectors["nodes"], pairs, strict=False):
        node_id = admin_client.with_account(operator).register_node(
            attestor.address, node["region"], node["max_power_mw"], f"ipfs://node-{node['node_id']}"
        )
        assert node_id == node["node_id"]
        admin_client.activate_node(node_id)
    schedule_vector_params(admin_client, vectors)
    past_vector_epochs(admin_client.w3, vectors)


@pytest.fixture(scope="session")
def ready_chain(proof_vectors):
    """(anvil, deployment): one chain, deployed and prepared as `ready` describes once per
    session, for every test that asks for `ready`; the `anvil` fixture snapshots it before each
    such test and reverts it after (evm_snapshot / evm_revert: state, blocks and clock)."""
    accounts = _dev_accounts()
    with Anvil(extra_args=ANVIL_ARGS) as node:
        w3 = _web3(node)
        dep = deploy_all(w3, accounts[0], proof_vectors["epoch_length_s"])
        _prepare_vector_nodes(GreenProofClient(w3, dep, accounts[0]), accounts, proof_vectors)
        yield node, dep


@pytest.fixture
def anvil(request):
    """A fresh real anvil for one test (starts in well under a second). Its clock starts at the
    vectors' ``chain_start_s``, a day before their epochs: DAO parameters are scheduled from
    now on only, so the `ready` fixture schedules them first and then moves the clock on.

    A test that asks for `ready` gets the session's `ready_chain` instead, reverted to its
    prepared state after the test: the same state a fresh chain would reach, without a fresh
    deployment per test."""
    if "ready" not in request.fixturenames:
        with Anvil(extra_args=ANVIL_ARGS) as node:
            yield node
        return
    node, _ = request.getfixturevalue("ready_chain")
    rpc = _web3(node).provider.make_request

    def next_base_fee() -> str:
        return rpc("eth_getBlockByNumber", ["pending", False])["result"]["baseFeePerGas"]

    snapshot, fee = rpc("evm_snapshot", [])["result"], next_base_fee()
    yield node
    assert rpc("evm_revert", [snapshot])["result"] is True, "the shared chain was not reverted"
    # evm_revert leaves two things as the test left them: the next block's base fee (a test
    # that raised it, e.g. anvil_setNextBlockBaseFeePerGas, made every later submission's
    # fee estimate too low) and the transaction pool
    rpc("anvil_setNextBlockBaseFeePerGas", [fee])
    rpc("anvil_dropAllTransactions", [])
    assert next_base_fee() == fee


@pytest.fixture
def w3(anvil):
    return _web3(anvil)


@pytest.fixture
def dev_accounts():
    return _dev_accounts()


VECTORS_DIR = Path(__file__).resolve().parent / "vectors"


@pytest.fixture(scope="session")
def proof_vectors() -> dict:
    path = VECTORS_DIR / "contract_proofs.json"
    return json.loads(path.read_text())


@pytest.fixture
def deployment(request, w3, dev_accounts, proof_vectors):
    """Verifier (generated), EcoCredit and GreenProof deployed by dev account 0 (the admin)
    (for a test that asks for `ready`: the deployment on the shared `ready_chain`)."""
    if "ready" in request.fixturenames:
        return request.getfixturevalue("ready_chain")[1]
    return deploy_all(w3, dev_accounts[0], proof_vectors["epoch_length_s"])


@pytest.fixture
def admin_client(w3, deployment, dev_accounts) -> GreenProofClient:
    return GreenProofClient(w3, deployment, dev_accounts[0])


@pytest.fixture
def ready(admin_client, dev_accounts):
    """Nodes of the vectors registered (operator = dev 1 / 3, attestor = dev 2 / 4) and active;
    intensities, baseline, efficiency ceiling and a one-hour challenge window scheduled from
    the vectors' ``params_effective_from_s``; the clock moved past every vector epoch: a
    certificate from the vectors can be submitted. Prepared once (`ready_chain`), reverted to
    after each test (`anvil`)."""
    pairs = _node_accounts(dev_accounts)
    return {
        "client": admin_client,
        "operators": [p[0] for p in pairs],
        "attestors": [p[1] for p in pairs],
    }


@pytest.fixture
def vector_cert(proof_vectors):
    """vector_cert(i) -> (certificate dict with int fields, proof dict) of vector ``i``."""

    def get(i: int | str) -> tuple[dict, dict]:
        """``i``: an index into the certificates, or a ceiling case ("forged", ...)."""
        item = (proof_vectors["ceiling_cases"][i] if isinstance(i, str)
                else proof_vectors["certificates"][i])
        cert = {k: (v if k == "workloadClass" else int(v)) for k, v in item["cert"].items()}
        return cert, item["proof"]

    return get
