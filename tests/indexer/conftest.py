"""Indexer fixtures: real anvil, real contracts (EcoCredit, bench event emitter), real SQLite
and PostgreSQL (``db_url``, from tests/postgres.py through tests/conftest.py)."""

from __future__ import annotations

import pytest
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer, IndexerConfig
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore


class Load:
    """EcoCredit + CertificateEventEmitter on a fresh anvil, with helpers to make events."""

    def __init__(self, w3: Web3, accounts) -> None:
        self.w3, self.admin = w3, accounts[0]
        self.accounts = accounts
        self.eco = deploy(w3, self.admin, load_artifact("EcoCredit"), self.admin.address)
        role = self.eco.functions.MINTER_ROLE().call()
        self.tx(self.eco.functions.grantRole(role, self.admin.address))
        self.emitter = deploy(w3, self.admin, load_artifact("CertificateEventEmitter",
                                                           "bench/CertificateEventEmitter.sol"))
        self.start_block = w3.eth.block_number

    def tx(self, fn, account=None):
        account = account or self.admin
        tx = fn.build_transaction({"from": account.address})
        # anvil estimates at the latest block's number, where ERC20Votes updates an existing
        # checkpoint in place; the real tx runs in a new block and pushes a new one (+22k gas).
        tx["gas"] = max(tx["gas"] * 2, 200_000)
        return send_tx(self.w3, account, tx)

    def mint(self, to, value):
        return self.tx(self.eco.functions.mint(to, value))

    def transfer(self, sender, to, value):
        return self.tx(self.eco.functions.transfer(to, value), sender)

    def config(self, **kw) -> IndexerConfig:
        kw.setdefault("confirmations", 0)
        return IndexerConfig(
            addresses=[self.eco.address, self.emitter.address],
            abis=[self.eco.abi, self.emitter.abi], start_block=self.start_block,
            chain_id=self.w3.eth.chain_id, **kw)


@pytest.fixture
def load(w3, dev_accounts):
    return Load(w3, dev_accounts)


@pytest.fixture
def make_indexer(anvil, db_url):
    made = []

    def _make(cfg: IndexerConfig, url: str | None = None) -> Indexer:
        rpc = JsonRpc(anvil.rpc_url)
        made.append(rpc)
        return Indexer(rpc, IndexStore(make_engine(url or db_url)), cfg)

    yield _make
    for rpc in made:
        rpc.close()


@pytest.fixture
def raw_w3(anvil):
    return Web3(HTTPProvider(anvil.rpc_url))
