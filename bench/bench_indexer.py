"""Indexer throughput: 100k CertificateSubmitted events from a real anvil chain into SQLite.

The load comes from contracts/bench/CertificateEventEmitter.sol, which emits events with
exactly GreenProof's NodeRegistered / CertificateSubmitted signatures in loops (100k real
GreenProof certificates would need 100k Groth16 proofs). This measures the indexer's real path
-- batched eth_getLogs over JSON-RPC, ABI decoding, block headers, SQL writes with derived
node totals and daily aggregates -- but not calldata decoding (the emitter's transactions
are not submitCertificate calls, so there is none to fetch).

Baselines in the same run: the bare eth_getLogs fetch of the same range (RPC + JSON only) and
the decode-only rate, so the ratio shows what the SQL side costs.

    python bench/bench_indexer.py [--events 100000] [--db sqlite:///PATH | postgresql://...]
"""

from __future__ import annotations

import argparse
import tempfile
import time

from eth_account import Account
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.devnet import Anvil, dev_private_key
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.core.bytes32 import encode_bytes32
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.follower import EVENTS, Indexer, IndexerConfig
from ecoai_chain.indexer.rpc import JsonRpc
from ecoai_chain.indexer.store import IndexStore

PER_TX = 2_500
NODES = 40
REGIONS = ["KR", "DE", "FR", "US", "IN"]


def generate(w3: Web3, acct, events: int):
    emitter = deploy(w3, acct, load_artifact("CertificateEventEmitter",
                                             "bench/CertificateEventEmitter.sol"))
    start = w3.eth.block_number

    def tx(fn):
        t = fn.build_transaction({"from": acct.address, "gas": 29_000_000})
        return send_tx(w3, acct, t)

    per_region = NODES // len(REGIONS)
    for i, region in enumerate(REGIONS):
        tx(emitter.functions.registerNodes(1 + i * per_region, per_region,
                                           encode_bytes32(region)))
    sent, k = 0, 0
    while sent < events:
        n = min(PER_TX, events - sent)
        node = 1 + k % NODES
        tx(emitter.functions.emitCertificates(node, 1_700_006_400 + k * 3600 * PER_TX, n))
        sent += n
        k += 1
    return emitter, start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    acct = Account.from_key(dev_private_key(0))
    with Anvil(extra_args=["--gas-limit", "30000000"]) as node, \
            tempfile.TemporaryDirectory() as tmp:
        w3 = Web3(HTTPProvider(node.rpc_url, request_kwargs={"timeout": 120}))
        t0 = time.perf_counter()
        emitter, start = generate(w3, acct, args.events)
        gen_s = time.perf_counter() - t0
        head = w3.eth.block_number
        print(f"chain load: {args.events:,} CertificateSubmitted + {NODES} NodeRegistered in "
              f"{head - start} blocks, generated in {gen_s:.1f} s")

        cfg = IndexerConfig(addresses=[emitter.address], abis=[emitter.abi],
                            start_block=start + 1, confirmations=0, chain_id=31337)
        rpc = JsonRpc(node.rpc_url, timeout_s=120)
        url = args.db or f"sqlite:///{tmp}/bench.db"
        ix = Indexer(rpc, IndexStore(make_engine(url)), cfg)

        # Baseline 1: the bare fetch, same ranges the indexer will settle on (5k logs each).
        t0 = time.perf_counter()
        raw: list[dict] = []
        topics = ix.decoder.topics(*EVENTS)
        step = max(1, (head - start) // max(1, args.events // 5_000))
        for b in range(start + 1, head + 1, step):
            raw += rpc.get_logs(cfg.addresses, topics, b, min(b + step - 1, head))
        fetch_s = time.perf_counter() - t0
        # Baseline 2: decode only.
        t0 = time.perf_counter()
        decoded = [ix.decoder.decode(r) for r in raw]
        decode_s = time.perf_counter() - t0
        assert len(decoded) == args.events + NODES

        t0 = time.perf_counter()
        n = ix.sync()
        index_s = time.perf_counter() - t0
        assert n == args.events + NODES, n
        rpc.close()

    rate = n / index_s
    print(f"baseline eth_getLogs fetch only : {len(raw) / fetch_s:>10,.0f} events/s "
          f"({fetch_s:.2f} s)")
    print(f"baseline ABI decode only        : {len(raw) / decode_s:>10,.0f} events/s "
          f"({decode_s:.2f} s)")
    print(f"indexer end to end ({url.split(':')[0]:>10}) : {rate:>10,.0f} events/s "
          f"({index_s:.2f} s for {n:,} events)")
    print(f"ratio indexer / fetch-only      : {rate / (len(raw) / fetch_s):.2f}")
    print(f"target >= 2,000 events/s        : {'met' if rate >= 2000 else 'NOT met'}")


if __name__ == "__main__":
    main()
