"""BaselineSet events are indexed as history (the API re-scores a certificate with the baseline
in force at its epoch start, by effectiveFrom), and a reorg removes the orphaned ones -- on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.chain.tx import deploy
from ecoai_chain.indexer.follower import IndexerConfig
from ecoai_chain.indexer.models import BaselineChange
from ecoai_chain.indexer.store import T

pytestmark = pytest.mark.chain


def _baselines(store) -> list[tuple[str, str, int]]:
    t = T[BaselineChange]
    with store.engine.connect() as c:
        rows = c.execute(select(t.c.workload_class, t.c.baseline_ng_per_work, t.c.block_number,
                                t.c.effective_from_s)
                         .order_by(t.c.block_number, t.c.log_index)).all()
    return [tuple(r) for r in rows]


def test_baseline_history_is_indexed_and_reorged(w3, dev_accounts, make_indexer, raw_w3):
    admin = dev_accounts[0]
    placeholder = deploy(w3, admin, load_artifact("CertificateEventEmitter",
                                                  "bench/CertificateEventEmitter.sol"))
    start = w3.eth.block_number
    dep = deploy_all(w3, admin, 3600, verifier=placeholder.address)
    client = GreenProofClient(w3, dep, admin)
    t = client.effective_soon_s()  # baselines are scheduled from now on
    first = client.set_baseline("llm-inference", 5_000_000, t)["blockNumber"]
    huge = 2**64 - 1  # the contract's maximum, not a BIGINT: stored exactly as text
    second = client.set_baseline("llm-inference", huge, t + 1)["blockNumber"]
    cfg = IndexerConfig(addresses=[dep.green_proof], abis=[client.green_proof.abi],
                        start_block=start, confirmations=0, chain_id=w3.eth.chain_id)
    ix = make_indexer(cfg)
    ix.sync()
    assert _baselines(ix.store) == [("llm-inference", "5000000", first, t),
                                    ("llm-inference", str(huge), second, t + 1)]
    snap = raw_w3.provider.make_request("evm_snapshot", [])["result"]
    third = client.set_baseline("image-training", 7, t)["blockNumber"]
    ix.sync()
    assert _baselines(ix.store)[-1] == ("image-training", "7", third, t)
    raw_w3.provider.make_request("evm_revert", [snap])
    raw_w3.provider.make_request("anvil_mine", [2])
    ix.sync()
    assert [b[0] for b in _baselines(ix.store)] == ["llm-inference", "llm-inference"]
