"""Gas report for GreenProof on a real anvil with real proofs (tests/vectors/contract_proofs.json).

Prints gas for: registration (with a bond), activation, one certificate (checks, proof
verification, storage, escrow), a batch of 10, the release of escrowed rewards (the mint), and
revocation inside the window (cancel + slash) and after release (clawback + slash); and the
breakdown of one certificate: the verifier alone (a Groth16Verifier.verifyProof transaction)
and the rest (checks, signature, storage, escrow, events). EcoCredit.mint is paid at release.
Baseline for the ratio: a plain ERC-20 transfer in the same run.
Per-certificate figures, single and batched, beside the baseline: bench/bench_gas.py.
Report only; nothing is asserted.   Run: python bench/bench_gas_ops.py
"""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import GreenProofClient, proof_struct
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.chain.devnet import Anvil, dev_private_key, set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.core.certificate import Certificate

ROOT = Path(__file__).resolve().parents[1]
INTRINSIC = 21_000


def calldata_gas(data: bytes) -> int:
    return sum(4 if b == 0 else 16 for b in data)


def main() -> None:
    vec = json.loads((ROOT / "tests" / "vectors" / "contract_proofs.json").read_text())
    certs = [
        ({k: (v if k == "workloadClass" else int(v)) for k, v in c["cert"].items()}, c["proof"])
        for c in vec["certificates"]
    ]
    node1 = [c for c in certs if c[0]["nodeId"] == 1]
    node2 = [c for c in certs if c[0]["nodeId"] == 2]
    rows: list[tuple[str, int, str]] = []
    # Parameters are scheduled from now on only: start the chain before the vectors' epochs.
    with Anvil(extra_args=["--timestamp", str(vec["chain_start_s"])]) as anvil:
        w3 = Web3(HTTPProvider(anvil.rpc_url, request_kwargs={"timeout": 60}))
        acct = [Account.from_key(dev_private_key(i)) for i in range(6)]
        admin, op1, att1, op2, att2, other = acct
        d = deploy_all(w3, admin, vec["epoch_length_s"])
        c = GreenProofClient(w3, d, admin)
        gas = lambda: c.last_receipt["gasUsed"]  # noqa: E731
        t = vec["params_effective_from_s"]
        for e in vec["intensities"]:
            c.set_region_intensity(e["region"], e["intensity_mg_per_kwh"], e["effective_from"])
        c.set_baseline(vec["workload_class"], int(vec["baseline_ng_per_work"]), t)
        rows.append(("setBaseline (a new schedule)", gas(), ""))
        c.set_efficiency_ceiling(vec["workload_class"],
                                 int(vec["efficiency_ceiling_work_per_kwh"]), t)
        c.set_challenge_window(3600, t)
        c.set_bond_per_mw(1000 * 10**18, t)
        c.set_slash_share(5_000, t)
        set_chain_time(w3, t)

        op_client = c.with_account(op1)
        op_client.register_node(
            att1.address, "KR", vec["nodes"][0]["max_power_mw"], "ipfs://node-1"
        )
        rows.append(
            ("registerNode (first node, 13-byte URI, bond)", op_client.last_receipt["gasUsed"],
             "")
        )
        op_client = c.with_account(op2)
        op_client.register_node(
            att2.address, "FR", vec["nodes"][1]["max_power_mw"], "ipfs://node-2"
        )
        rows.append(("registerNode (second node)", op_client.last_receipt["gasUsed"], ""))
        c.activate_node(1)
        rows.append(("activateNode", gas(), ""))
        c.activate_node(2)
        ends = [x[0]["epochStart"] + vec["epoch_length_s"] for x in certs]
        set_chain_time(w3, max(ends))

        def signed(cert, attestor):
            return sign_certificate(attestor, d.chain_id, d.green_proof, cert)

        # Breakdown pieces, measured before the first submission (same cold/warm conditions).
        cert, proof = node2[0]
        verifier = w3.eth.contract(address=d.verifier, abi=load_artifact("Groth16Verifier").abi)
        # The verifier's public inputs: the members packed by the table (circuit v2, 3 words).
        pub = Certificate.from_mapping(cert).public_signals()
        a, b, cc = proof_struct(proof)
        vfn = verifier.functions.verifyProof(a, b, cc, pub)
        assert vfn.call() is True
        # Not estimate_gas: the verifier returns false (no revert) when a precompile runs out of
        # gas, so the estimate's binary search settles far too low. A real transaction with
        # ample gas measures what verification costs.
        v_client = c.with_account(other)
        v_client._transact(vfn, gas=1_000_000)
        v_total = v_client.last_receipt["gasUsed"]
        v_data = calldata_gas(bytes.fromhex(vfn._encode_transaction_data()[2:]))
        verify_exec = v_total - INTRINSIC - v_data

        eco = c.eco_credit.functions
        c.submit_certificate(cert, proof, signed(cert, att2))
        single = gas()
        tx = w3.eth.get_transaction(c.last_receipt["transactionHash"])
        single_data = calldata_gas(bytes(tx["input"]))
        rows.append(("submitCertificate (node's first, 1 certificate)", single, "was 544k"))
        cert, proof = node2[1]
        c.submit_certificate(cert, proof, signed(cert, att2))
        rows.append(("submitCertificate (node's second)", gas(), "was 495k"))

        batch = node1[:10]
        ids = c.submit_batch(
            [x[0] for x in batch], [x[1] for x in batch], [signed(x[0], att1) for x in batch]
        )
        assert len(ids) == 10
        rows.append(("submitCertificates (batch of 10)", gas(), f"{gas() // 10:,} per certificate"))
        c.submit_batch([x[0] for x in batch], [x[1] for x in batch],
                       [signed(x[0], att1) for x in batch])
        rows.append(("submitCertificates (10 already landed: skipped)", gas(), ""))

        from gas_challenge import challenge_rows  # bench/gas_challenge.py

        rows += challenge_rows(c, ids[0])  # before ids[0] is revoked below

        c.revoke(ids[0], "bench")
        rows.append(("revokeCertificate (in window: cancel + slash)", gas(), "was 95k"))
        set_chain_time(w3, c.get_certificate(ids[-1])["releaseAt"])
        c.release_rewards([1])
        rows.append(("releaseRewards (1 certificate, first mint to holder)", gas(), ""))
        c.release_rewards([2])
        rows.append(("releaseRewards (1 certificate)", gas(), "the mint moved here"))
        c.release_rewards(ids[1:])
        rows.append(("releaseRewards (9 certificates)", gas(), f"{gas() // 9:,} per certificate"))
        c.revoke(ids[1], "bench")
        rows.append(("revokeCertificate (after release: clawback + slash)", gas(), ""))

        # A challenge left unanswered: a fresh vesting certificate (the ceiling vector at the
        # ceiling), challenged, its deadline passed, finalized.
        from gas_challenge import default_rows

        at = vec["ceiling_cases"]["at_ceiling"]
        at_cert = {k: (x if k == "workloadClass" else int(x)) for k, x in at["cert"].items()}
        end = at_cert["epochStart"] + vec["epoch_length_s"]
        if w3.eth.get_block("latest")["timestamp"] < end:
            set_chain_time(w3, end)
        rows += default_rows(c, c.submit_certificate(at_cert, at["proof"], signed(at_cert, att1)))

        holder = c.with_account(op2)
        holder._transact(eco.transfer(other.address, 1))
        transfer = holder.last_receipt["gasUsed"]

    print(f"{'operation':48} {'gas':>10}  note")
    for name, g, note in rows:
        print(f"{name:48} {g:>10,}  {note}")
    rest = single - INTRINSIC - single_data - verify_exec
    print("\nbreakdown of one certificate (submitCertificate, node's first):")
    for name, g in [
        ("intrinsic (21000)", INTRINSIC),
        ("calldata", single_data),
        ("Groth16Verifier.verifyProof execution", verify_exec),
        ("checks + EIP-712 + storage + escrow + events", rest),
    ]:
        print(f"  {name:50} {g:>9,}  ({100 * g / single:.0f}%)")
    print(f"  {'total':50} {single:>9,}")
    print(
        f"\nverifyProof alone as a transaction: {v_total:,} gas"
    )
    print(
        f"baseline: ERC-20 transfer {transfer:,} gas; one certificate = {single / transfer:.1f}x a transfer"  # noqa: E501
    )


if __name__ == "__main__":
    main()
