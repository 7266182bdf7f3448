"""Indexer fixtures: real anvil, real contracts (EcoCredit, bench event emitter), real SQLite."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.devnet import free_port
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import Indexer, IndexerConfig
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore


# --- a real, throwaway PostgreSQL server (initdb + pg_ctl; as root it runs as `postgres`) ---
def pg_bin_dir() -> Path | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(d, "initdb").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PgServer:
    def __init__(self) -> None:
        self.bin = pg_bin_dir()
        if self.bin is None:
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
        self.root = Path(tempfile.mkdtemp(prefix="ecoai-pg-"))
        self.data, self.sock = self.root / "data", self.root / "sock"
        self.sock.mkdir()
        self.port = free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        res = subprocess.run([*self._as_user, *args], capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {res.stderr.strip() or res.stdout.strip()}")

    def start(self) -> PgServer:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")
        opts = (f"-p {self.port} -k {self.sock} -c listen_addresses='' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-t", "60",
                  "-l", str(self.root / "log"), "start")
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{db}?host={self.sock}&port={self.port}"

    def create_db(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host=str(self.sock), port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


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


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = PgServer().start()
    except RuntimeError as e:
        pytest.skip(f"PostgreSQL cannot run here: {e}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Every follower test runs against a real SQLite file and a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/index.db"
    server = request.getfixturevalue("pg_server")
    return server.create_db(f"t_{uuid.uuid4().hex[:12]}")


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
