"""Gas of Groth16 batch verification (contracts/Groth16BatchVerifier.sol) on a real anvil.

Per proof, for batches of N = 1, 8, 32, 128 valid real proofs, beside the generated single
verifier (Groth16Verifier.verifyProof) measured in the same run, both as transactions with ample
gas (estimate_gas undershoots verifiers that return false when a precompile runs dry):
* tx: the whole transaction's gasUsed (21,000 intrinsic and the calldata included);
* exec: tx minus the 21,000 and the calldata's gas (what the verifier's code spends).
The proofs: the 15 committed ones (tests/vectors/contract_proofs.json), then re-randomised
copies (ecoai_chain/zk/batch.py `rerandomize`: distinct valid proofs of the same statements).
Report only; nothing is asserted but that every measured batch is valid.
Run: python bench/bench_batch_verify.py
"""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import proof_struct
from ecoai_chain.chain.deployment import deploy_contract
from ecoai_chain.chain.devnet import Anvil, dev_private_key
from ecoai_chain.chain.tx import send_tx
from ecoai_chain.zk.batch import rerandomize

ROOT = Path(__file__).resolve().parents[1]
INTRINSIC = 21_000
SIZES = (1, 8, 32, 128)


def calldata_gas(data: bytes) -> int:
    return sum(4 if b == 0 else 16 for b in data)


def proofs(n: int) -> list[tuple[dict, list[int]]]:
    """n valid (snarkjs proof, public signals): the committed ones, then re-randomised copies."""
    vec = json.loads((ROOT / "tests" / "vectors" / "contract_proofs.json").read_text())
    base = [(v["snarkjs_proof"], [int(x) for x in v["public_signals"]])
            for v in [*vec["certificates"], *vec["ceiling_cases"].values()]]
    out = list(base[:n])
    while len(out) < n:
        proof, signals = base[len(out) % len(base)]
        out.append((rerandomize(proof, 1_000_003 + len(out)), signals))
    return out


def measure(w3: Web3, account, fn) -> tuple[int, int]:
    """(tx gasUsed, execution gas) of sending the view call ``fn`` as a transaction."""
    assert fn.call() is True, "the benchmark measures valid proofs only"
    tx = fn.build_transaction({"from": account.address})
    receipt = send_tx(w3, account, tx, gas=28_000_000)
    used = receipt["gasUsed"]
    return used, used - INTRINSIC - calldata_gas(bytes.fromhex(tx["data"][2:]))


def main() -> None:
    items = proofs(max(SIZES))
    structs = [proof_struct(p) for p, _ in items]
    with Anvil(extra_args=["--gas-limit", "30000000"]) as anvil:
        w3 = Web3(HTTPProvider(anvil.rpc_url, request_kwargs={"timeout": 120}))
        account = Account.from_key(dev_private_key(0))
        single, _ = deploy_contract(w3, account, load_artifact("Groth16Verifier"))
        batch, _ = deploy_contract(w3, account, load_artifact("Groth16BatchVerifier"))
        a, b, c = structs[0]
        s_tx, s_exec = measure(w3, account, single.functions.verifyProof(a, b, c, items[0][1]))
        rows = [("Groth16Verifier.verifyProof (single)", 1, s_tx, s_exec)]
        for n in SIZES:
            fn = batch.functions.verifyBatch([list(s) for s in structs[:n]],
                                             [sig for _, sig in items[:n]])
            rows.append((f"Groth16BatchVerifier.verifyBatch N={n}", n, *measure(w3, account, fn)))
    print(f"{'call':<42} {'N':>4} {'tx/proof':>10} {'exec/proof':>11} {'tx ratio':>9}")
    for name, n, tx_gas, exec_gas in rows:
        print(f"{name:<42} {n:>4} {tx_gas // n:>10,} {exec_gas // n:>11,} "
              f"{tx_gas / n / s_tx:>9.3f}")
    print(f"\nsingle verifier: {s_tx:,} gas as a transaction, {s_exec:,} execution; "
          f"ratios are per-proof tx gas over the single verifier's")


if __name__ == "__main__":
    main()
