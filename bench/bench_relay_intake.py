"""The relayer's intake proof check: on chain (eth_call to Groth16Verifier) vs in Python.

The 1,000-node simulation (bench/sim_network.py) found the relayer's local Groth16 check
bounding its intake at 7.8 items/s. This measures the check alone, both ways, in the same run:
the 12 real proofs of tests/vectors/contract_proofs.json, each checked ``--rounds`` times, by 1
and by ``--threads`` threads (the relayer's HTTP server admits posts concurrently), on a fresh
anvil with the contracts deployed by `deploy_all`. Prints checks/s and the ratio chain / local.
Report only; nothing is asserted.

Run: python bench/bench_relay_intake.py [--rounds 4] [--threads 4]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "vectors" / "contract_proofs.json"


def _rate(check, items: list, rounds: int, threads: int) -> float:
    work = items * rounds
    t0 = time.perf_counter()
    if threads == 1:
        results = [check(p, s) for p, s in work]
    else:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda ps: check(*ps), work))
    seconds = time.perf_counter() - t0
    if not all(results):
        raise SystemExit("a good vector proof failed its check: the bench measures nothing")
    return len(work) / seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    a = ap.parse_args(argv)

    from eth_account import Account
    from web3 import HTTPProvider, Web3

    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import deploy_all
    from ecoai_chain.chain.devnet import Anvil, dev_private_key
    from ecoai_chain.core.certificate import Certificate
    from ecoai_chain.relay.proofcheck import make_proof_check
    from ecoai_chain.zk.artifacts import zk_artifacts
    from ecoai_chain.zk.verifier import load_vkey

    vec = json.loads(VECTORS.read_text())
    items = [(c["snarkjs_proof"], Certificate.from_mapping(
        {k: (v if k == "workloadClass" else int(v)) for k, v in c["cert"].items()}
    ).public_signals()) for c in vec["certificates"]]
    vkey = load_vkey(zk_artifacts().vkey)
    with Anvil() as anvil:
        w3 = Web3(HTTPProvider(anvil.rpc_url))
        admin = Account.from_key(dev_private_key(0))
        client = GreenProofClient(w3, deploy_all(w3, admin, vec["epoch_length_s"]), admin)
        rows = []
        for threads in sorted({1, a.threads}):
            rates = {kind: _rate(make_proof_check(kind, client, vkey), items, a.rounds, threads)
                     for kind in ("local", "chain")}
            rows.append((threads, rates))
    print(f"intake proof check, {len(items)} vector proofs x {a.rounds} rounds "
          f"(checks per second; ratio = chain / local, same run)")
    print(f"{'threads':>8} {'local':>10} {'chain':>10} {'ratio':>8}")
    for threads, r in rows:
        print(f"{threads:>8} {r['local']:>10.1f} {r['chain']:>10.1f} "
              f"{r['chain'] / r['local']:>7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
