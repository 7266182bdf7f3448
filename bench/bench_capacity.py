"""Capacity model: what hourly certificates from 1,000 / 10,000 / 100,000 nodes take of a chain.

Gas per certificate is MEASURED in this run, on a real anvil with the committed real proofs
(tests/vectors/contract_proofs.json): one ``submitCertificate``, and ``submitCertificates``
batches of 1, 2, 4 and 8 (each from the same snapshot, reverted after: a node past its first
certificate, as in steady state). A batch costs ``fixed + N x per_item`` (every item repeats
the same checks, signature, proof and storage; only the transaction overhead is shared); the
fit from the measured batches of 1 and 8 gives 32 and 128, printed as extrapolated, with the
measured batch of 4 beside its prediction as a check of the fit.

Then, for hourly epochs (one certificate per node per hour): certificates/hour, gas/s, and the
share of the chain's capacity (``--gas-per-block`` / ``--block-time-s``, default Ethereum L1:
36M gas per 12 s), and the most nodes that capacity could carry. Report only; nothing is
asserted.      Run: python bench/bench_capacity.py [--gas-per-block N] [--block-time-s S]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODES = (1_000, 10_000, 100_000)
MODES = (1, 8, 32, 128)  # 1 = submitCertificate alone
EPOCH_S = 3600


def _setup(w3, vec):
    from eth_account import Account

    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import deploy_all
    from ecoai_chain.chain.devnet import dev_private_key
    from tests.vector_chain import past_vector_epochs, schedule_vector_params

    acct = [Account.from_key(dev_private_key(i)) for i in range(5)]
    admin = GreenProofClient(w3, deploy_all(w3, acct[0], vec["epoch_length_s"]), acct[0])
    for node, operator, attestor in zip(vec["nodes"], acct[1::2], acct[2::2], strict=False):
        admin.with_account(operator).register_node(attestor.address, node["region"],
                                                   node["max_power_mw"], "ipfs://bench")
        admin.activate_node(node["node_id"])
    schedule_vector_params(admin, vec)
    past_vector_epochs(w3, vec)
    return admin, {1: acct[2], 2: acct[4]}


def measure(vec: dict) -> dict[str, int]:
    """Gas used: the node's first certificate, one certificate alone, and batches 1/2/4/8."""
    from web3 import HTTPProvider, Web3

    from ecoai_chain.chain.devnet import Anvil
    from ecoai_chain.chain.eip712 import sign_certificate

    with Anvil(extra_args=["--timestamp", str(vec["chain_start_s"])]) as anvil:
        w3 = Web3(HTTPProvider(anvil.rpc_url, request_kwargs={"timeout": 120}))
        admin, attestors = _setup(w3, vec)
        items = []
        for c in vec["certificates"]:
            cert = {k: (v if k == "workloadClass" else int(v)) for k, v in c["cert"].items()}
            sig = sign_certificate(attestors[cert["nodeId"]], w3.eth.chain_id,
                                   admin.deployment.green_proof, cert)
            items.append((cert, c["proof"], sig))
        node1 = [i for i in items if i[0]["nodeId"] == 1]
        admin.submit_certificate(*node1[0])
        out = {"first_certificate": int(admin.last_receipt["gasUsed"])}
        rest = node1[1:]

        def reverted(run) -> int:
            snap = w3.provider.make_request("evm_snapshot", [])["result"]
            run()
            gas = int(admin.last_receipt["gasUsed"])
            assert w3.provider.make_request("evm_revert", [snap])["result"] is True
            return gas

        out["single"] = reverted(lambda: admin.submit_certificate(*rest[0]))
        for n in (1, 2, 4, 8):
            out[f"batch_{n}"] = reverted(
                lambda n=n: admin.submit_batch(*map(list, zip(*rest[:n], strict=True))))
        return out


def per_certificate(gas: dict[str, int]) -> tuple[dict[int, float], dict[int, str], float, float]:
    """Gas per certificate per mode, how each was obtained, and the fit (fixed, per item)."""
    per_item = (gas["batch_8"] - gas["batch_1"]) / 7
    fixed = gas["batch_1"] - per_item
    out, how = {1: float(gas["single"])}, {1: "measured"}
    for n in MODES[1:]:
        if f"batch_{n}" in gas:
            out[n], how[n] = gas[f"batch_{n}"] / n, "measured"
        else:
            out[n], how[n] = (fixed + n * per_item) / n, "extrapolated"
    return out, how, fixed, per_item


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gas-per-block", type=int, default=36_000_000)
    ap.add_argument("--block-time-s", type=float, default=12.0)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    vec = json.loads((ROOT / "tests" / "vectors" / "contract_proofs.json").read_text())
    gas = measure(vec)
    cert_gas, how, fixed, per_item = per_certificate(gas)
    capacity = args.gas_per_block / args.block_time_s

    print("Gas measured on anvil (real proofs, GreenProof as on this branch):")
    print(f"  first certificate of a node (cold storage) {gas['first_certificate']:>12,}")
    print(f"  submitCertificate alone (steady state)     {gas['single']:>12,}")
    for n in (1, 2, 4, 8):
        print(f"  submitCertificates, batch of {n:<3}            {gas[f'batch_{n}']:>12,}"
              f"  ({gas[f'batch_{n}'] / n:,.0f} each)")
    print(f"  fit: batch(N) = {fixed:,.0f} + N x {per_item:,.0f}; batch of 4 predicted "
          f"{fixed + 4 * per_item:,.0f}, measured {gas['batch_4']:,}")
    print(f"\nChain: {args.gas_per_block:,} gas per {args.block_time_s:g} s block = "
          f"{capacity:,.0f} gas/s; hourly epochs (one certificate per node per hour)\n")
    head = (f"{'nodes':>8} {'mode':>10} {'gas/cert':>10} {'':>12} {'certs/hour':>11} "
            f"{'gas/s':>12} {'share':>8} {'tx fits a block':>16}")
    print(head)
    print("-" * len(head))
    for nodes in NODES:
        for n in MODES:
            per = cert_gas[n]
            gas_s = nodes * per / EPOCH_S
            tx_gas = gas["single"] if n == 1 else fixed + n * per_item
            mode = "single" if n == 1 else f"batch {n}"
            print(f"{nodes:>8,} {mode:>10} {per:>10,.0f} {how[n]:>12} {nodes:>11,} "
                  f"{gas_s:>12,.0f} {gas_s / capacity:>7.1%} "
                  f"{'yes' if tx_gas <= args.gas_per_block else 'no':>16}")
    print("\nMost nodes the whole chain could carry (100 % of its gas):")
    for n in MODES:
        mode = "single" if n == 1 else f"batch {n}"
        print(f"  {mode:>10}: {capacity * EPOCH_S / cert_gas[n]:>12,.0f}")


if __name__ == "__main__":
    main()
