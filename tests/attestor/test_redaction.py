"""An RPC URL's secrets (userinfo, a project key in the path) never reach a log record or
the store: one redaction function (`ecoai_chain.redact`), checked through a real store, a
real HTTP transport to a closed port, and every log record at DEBUG."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from eth_account import Account
from hypothesis import given
from hypothesis import strategies as st

from attestor.health import JobHealth, job_errors
from attestor.metrics import Metrics
from attestor.scheduler import Daemon
from attestor.store import EpochRecord, Store
from attestor.submitter import Submitter
from ecoai_chain.errors import ChainError
from ecoai_chain.redact import redact, redact_url

KEY = "0123456789abcdef0123456789abcdef"
PASSWORD = "s3cret-Passw0rd"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("url,want", [
    (f"https://alice:{PASSWORD}@rpc.example.org/v3/{KEY}", "https://***@rpc.example.org/v3/***"),
    (f"https://eth-mainnet.g.alchemy.com/v2/{KEY}", "https://eth-mainnet.g.alchemy.com/v2/***"),
    (f"https://rpc.example.org:8545/?apikey={KEY}", "https://rpc.example.org:8545/?apikey=***"),
    ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
    ("https://rpc.example.org/eth/mainnet", "https://rpc.example.org/eth/mainnet"),
])
def test_redact_url(url, want):
    assert redact_url(url) == want


def test_redact_removes_a_known_urls_secrets_quoted_without_the_host():
    url = f"https://rpc.example.org/v3/{KEY}"
    text = f"HTTPSConnectionPool(host='rpc.example.org'): Max retries exceeded with url: /v3/{KEY}"
    assert KEY not in redact(text, [url]) and "/v3/***" in redact(text, [url])
    assert PASSWORD not in redact(f"GET https://bob:{PASSWORD}@h/x failed")


@given(st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=16,
               max_size=64).filter(lambda k: any(c.isdigit() for c in k)),
       st.text("abcdefghijklmnopqrstuvwxyz0123456789!$%^*", min_size=6, max_size=30))
def test_property_secrets_never_survive(key, password):
    url = f"https://user:{password}@rpc.example.org/v3/{key}"
    for text in (url, f"error at {url}: boom", f"with url: /v3/{key} (x)"):
        out = redact(text, [url])
        assert key not in out and f":{password}@" not in out


def test_no_log_record_or_stored_error_holds_the_rpc_secret(tmp_path, caplog):
    from web3 import Web3

    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import ContractRef, Deployment
    from ecoai_chain.chain.rpc import http_web3

    url = f"http://alice:{PASSWORD}@127.0.0.1:{closed_port()}/v3/{KEY}"
    addr = Web3.to_checksum_address("0x" + "11" * 20)
    dep = Deployment(chain_id=31337, rpc_url=url, deployer=addr, block_number=0,
                     contracts={n: ContractRef(addr, 0) for n in ("GreenProof", "EcoCredit")},
                     epoch_length_s=40)
    client = GreenProofClient(http_web3(url, timeout_s=2), dep, None)
    store = Store(tmp_path / "a.db")
    store.add_epoch(EpochRecord(epoch_start_s=1000, state="proved", node_id=1, window_s=10,
                                slot_count=4, public_json=json.dumps({})))
    metrics = Metrics()
    submitter = Submitter(store, client, Account.create(), metrics, backoff_s=0.0,
                          backoff_max_s=0.0)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("ecoai.attestor").addHandler(caplog.handler)  # even if propagate=False
    try:
        daemon = Daemon(None, None, submitter, lambda: 1, 1.0, 1.0,
                        health=JobHealth(store, metrics))
        daemon._chain()
        with pytest.raises(ChainError) as e:
            _ = client.w3.eth.block_number
        raise_text = str(e.value)
    finally:
        logging.getLogger("ecoai.attestor").removeHandler(caplog.handler)
    rec = store.get_epoch(1000)
    assert rec.last_error and "127.0.0.1" in rec.last_error  # the error is still useful...
    texts = [rec.last_error, raise_text, str(client.w3.provider), json.dumps(job_errors(store))]
    texts += [r.getMessage() + json.dumps(getattr(r, "fields", {}), default=str)
              for r in caplog.records]
    assert any("eth_" in t for t in texts)
    for t in texts:  # ...but never holds a secret
        assert KEY not in t and PASSWORD not in t, t
    store.close()
