"""A real chain world for API tests, built once per session: anvil, GreenProof + EcoCredit
deployed by `deploy_all`, nodes registered/activated/suspended and region intensities set
through GreenProof itself, Eco Credit mints and transfers, certificate events -- all indexed
by the real indexer into a real SQLite file.

Certificate events here come from the bench emitter (same CertificateSubmitted signature,
followed as a third contract): 42 of them in a few blocks, with no calldata, so /proof reports
``available: false`` and /verify fails signature/proof for them. Real GreenProof certificates
(real proofs, signatures, calldata) are exercised in test_real_certificates.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import HTTPProvider, Web3

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.chain.devnet import Anvil, dev_private_key
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.core.bytes32 import encode_bytes32
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer, IndexerConfig
from ecoai_chain.indexer.manifest import config_from_deployment
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore

ECO = 10**18
EPOCH0 = 1_700_006_400  # a multiple of 3600
CEILING_WORK_PER_KWH = 50_000_000


def b32(s: str) -> bytes:
    return encode_bytes32(s)


@dataclass
class World:
    anvil: Anvil
    w3: Web3
    db_url: str
    accounts: list
    green_proof: object
    eco: object
    emitter: object
    indexer: Indexer

    def tx(self, fn, account=None):
        account = account or self.accounts[0]
        tx = fn.build_transaction({"from": account.address})
        tx["gas"] = max(tx["gas"] * 2, 300_000)  # see tests/indexer/conftest.py
        return send_tx(self.w3, account, tx)


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    accounts = [Account.from_key(dev_private_key(i)) for i in range(6)]
    admin, op1, op2, att1, att2, holder = accounts
    db_url = f"sqlite:///{tmp_path_factory.mktemp('api')}/index.db"
    # The chain starts a day before the emitted epochs: parameters apply from now on only.
    with Anvil(extra_args=["--timestamp", str(EPOCH0 - 86_400)]) as node:
        w3 = Web3(HTTPProvider(node.rpc_url, request_kwargs={"timeout": 30}))
        emitter = deploy(w3, admin, load_artifact("CertificateEventEmitter",
                                                  "bench/CertificateEventEmitter.sol"))
        start = w3.eth.block_number
        dep = deploy_all(w3, admin, 3600, verifier=emitter.address)
        gp = w3.eth.contract(address=dep.green_proof, abi=load_artifact("GreenProof").abi)
        eco = w3.eth.contract(address=dep.eco_credit, abi=load_artifact("EcoCredit").abi)
        world = World(node, w3, db_url, accounts, gp, eco, emitter, None)  # type: ignore[arg-type]
        # Parameters take effect from now on only (a little ahead: the next blocks' time).
        soon = w3.eth.get_block("latest")["timestamp"] + 30
        world.tx(gp.functions.setRegionIntensity(b32("KR"), 415_000, soon))
        world.tx(gp.functions.setRegionIntensity(b32("DE"), 380_000, soon))
        # The bench emitter's certificates (llm-inference, ~1.8e6 work/kWh) are within it.
        world.tx(gp.functions.setEfficiencyCeiling(b32("llm-inference"), CEILING_WORK_PER_KWH,
                                                   soon))
        world.tx(gp.functions.registerNode(att1.address, b32("KR"), 700_000_000, "ipfs://n1"), op1)
        world.tx(gp.functions.registerNode(att2.address, b32("DE"), 400_000_000, "ipfs://n2"), op2)
        world.tx(gp.functions.activateNode(1))
        world.tx(gp.functions.activateNode(2))
        world.tx(gp.functions.suspendNode(2, "audit pending"))
        world.tx(emitter.functions.emitCertificates(1, EPOCH0, 30))    # ids 1..30, node 1
        world.tx(emitter.functions.emitCertificates(2, EPOCH0, 12))    # ids 31..42, node 2
        minter = eco.functions.MINTER_ROLE().call()
        world.tx(eco.functions.grantRole(minter, admin.address))
        world.tx(eco.functions.mint(op1.address, 7 * ECO))
        world.tx(eco.functions.mint(op2.address, 3 * ECO))
        world.tx(eco.functions.transfer(holder.address, 2 * ECO), op1)
        cfg = IndexerConfig(
            addresses=[dep.green_proof, dep.eco_credit, emitter.address],
            abis=[gp.abi, eco.abi], start_block=start, confirmations=0,
            chain_id=w3.eth.chain_id, submit_abi=gp.abi, green_proof=dep.green_proof)
        rpc = JsonRpc(node.rpc_url)
        world.indexer = Indexer(rpc, IndexStore(make_engine(db_url)), cfg)
        world.indexer.sync()
        yield world
        rpc.close()


@pytest.fixture(scope="session")
def client(world):
    from fastapi.testclient import TestClient

    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings

    app = create_app(ApiSettings(db_url=world.db_url, cors_origins=["https://dao.example"],
                                 verify_rate_per_min=60, verify_burst=3))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def pg_world_url(world, pg_server):
    """The same world indexed into a real PostgreSQL database (the session's ``pg_server``)."""
    url = pg_server.create_db("api_world")
    rpc = JsonRpc(world.anvil.rpc_url)
    Indexer(rpc, IndexStore(make_engine(url)), world.indexer.cfg).sync()
    rpc.close()
    return url


@pytest.fixture
def indexed_api(tmp_path, anvil, deployment):
    """indexed_api(indexer=None) -> TestClient: index the test's own chain (``anvil`` with
    ``deployment``, as far as it is now) into tmp_path/index.db and serve it, the manifest saved
    as tmp_path/deployment.json; the list ``indexer`` receives the Indexer (to index again)."""

    def serve(indexer: list | None = None) -> TestClient:
        manifest = deployment.save(tmp_path / "deployment.json")
        db_url = f"sqlite:///{tmp_path}/index.db"
        ix = Indexer(JsonRpc(anvil.rpc_url), IndexStore(make_engine(db_url)),
                     config_from_deployment(deployment, confirmations=0))
        ix.sync()
        if indexer is not None:
            indexer.append(ix)
        return TestClient(create_app(ApiSettings(db_url=db_url, manifest=str(manifest))))

    return serve
