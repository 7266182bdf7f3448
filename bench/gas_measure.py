"""One tree's GreenProof gas, measured on a fresh anvil: the half of bench/bench_gas.py that runs
inside the tree it measures (today's baseline built from git, or the current checkout).

Run with that tree first on PYTHONPATH: ``ecoai_chain`` (client, deployment, artifacts, prover)
is imported from it, so each tree is deployed and driven by its own code and vectors, through
the client API (`GreenProofClient`) both share. Writes one JSON document (``--out``).

The chain: ``--nodes`` nodes (one operator and one attestor account each), the parameters of
the tree's tests/vectors/contract_proofs.json, and the real proofs of bench/gas_proofs.py.
Steady state first, as an operator is after its first week: every node lands two warm-up
certificates (epochs 0 and 1; node 1's first is the "first" row, a node's first certificate),
then, once they vest, the epoch-0 ones are released, so each operator holds credits while its
epoch-1 certificate stays in escrow. That release is measured as its own rows, the "first
release" (each operator's first mint: its balance slot is written from zero):
``first_release_single`` (node 1's alone) and ``first_release_batch`` (the other nodes' in one
call, grouped by operator). From that snapshot, reverted after each: one ``submitCertificate``
(node 1, epoch 2), then ``submitCertificates`` of the first N of the remaining certificates
taken epoch by epoch (N = 8 and 32: distinct nodes; 128: each of the 32 nodes four times), each
followed by one ``releaseRewards`` of its ids, grouped by operator, once they vest: a steady-
state release (the operator's balance and escrow already non-zero). Each transaction is traced
(``debug_traceTransaction``): its calls into the verifier contracts (callTracer) and its
SSTOREs (struct logs, key from the stack) give the split; a slot keyed by an operator's
address (``keccak(operator . p) + k``) is reward accrual (escrow), every other SSTORE is
storage. Report only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import httpx

BATCHES = (8, 32, 128)
WARM_UP_EPOCHS = 2  # per node: the first released before the measured runs, the second vesting
INTRINSIC = 21_000
SSTORE = re.compile(rb'"op"\s*:\s*"SSTORE"[^}]*?"gasCost"\s*:\s*(\d+)'
                    rb'[^}]*?"stack"\s*:\s*\[([^\]]*)\]')
GAS_LIMIT = 200_000_000  # anvil's block: the baseline's batch of 128 is ~50M gas


# Opcode classes of the profile (struct-log gasCost summed over every frame). CALL-like steps
# are left out: their logged cost includes the gas they forward, which the callee's own steps
# (or a precompile's price) already account for; what precompiles and call access cost is the
# remainder (execution gas minus the classes), reported as "calls_precompiles_refunds".
OP_CLASS = {b"SLOAD": "sload", b"SSTORE": "sstore", b"KECCAK256": "keccak",
            b"LOG0": "log", b"LOG1": "log", b"LOG2": "log", b"LOG3": "log", b"LOG4": "log",
            b"MLOAD": "memory", b"MSTORE": "memory", b"MSTORE8": "memory", b"MCOPY": "memory",
            b"CALLDATACOPY": "calldata_copy", b"CALLDATALOAD": "calldata_copy",
            b"RETURNDATACOPY": "calldata_copy", b"CODECOPY": "calldata_copy"}
CALL_OPS = {b"CALL", b"STATICCALL", b"DELEGATECALL", b"CALLCODE", b"CREATE", b"CREATE2"}
STEP = re.compile(rb'"pc"\s*:\s*(\d+)[^{}]*?"op"\s*:\s*"([A-Z0-9]+)"[^{}]*?"gasCost"\s*:\s*'
                  rb'(\d+)[^{}]*?"depth"\s*:\s*(\d+)')
PRECOMPILES = {f"0x{i:040x}" for i in range(1, 0x12)}


def _frames(call: dict) -> list[str]:
    """The callees that run code, in the order their first steps appear (pre-order, precompiles
    left out: they have no steps), each as "from>to" so a self-call can be told apart."""
    out = []
    for f in call.get("calls", []):
        to = (f.get("to") or "").lower()
        if to in PRECOMPILES:
            continue
        out.append(f"{(f.get('from') or '').lower()}>{to}")
        out.extend(_frames(f))
    return out


def opcode_profile(raw: bytes, calls: dict, names: dict[str, str],
                   by_pc: dict[tuple[str, int], int] | None = None) -> dict[str, dict[str, int]]:
    """Gas by contract and opcode class over a struct-log trace (raw JSON bytes), CALL-like
    steps excluded. ``names``: address (lower case) -> label; a contract calling itself is
    "<label> (self-call)". ``by_pc``, if given, also gets gas per (contract label, pc)."""
    out: dict[str, dict[str, int]] = {}
    steps = STEP.findall(raw)
    if len(steps) != raw.count(b'"op"'):
        raise RuntimeError("struct log layout not understood: steps missed by the profile")
    pending = iter(_frames(calls))
    top = (calls.get("to") or "").lower()
    stack = [names.get(top, top)]
    for pc, op, cost, depth in steps:
        d = int(depth)
        while d > len(stack):
            caller, callee = next(pending).split(">")
            label = names.get(callee, callee)
            stack.append(f"{label} (self-call)" if caller == callee else label)
        del stack[d:]
        if op in CALL_OPS:
            continue
        k = OP_CLASS.get(op, "stack_arith_jump")
        if by_pc is not None:
            key = (stack[-1].removesuffix(" (self-call)"), int(pc))
            by_pc[key] = by_pc.get(key, 0) + int(cost)
        per = out.setdefault(stack[-1], {})
        per[k] = per.get(k, 0) + int(cost)
    return out


def calldata_gas(data: bytes) -> int:
    return sum(4 if b == 0 else 16 for b in data)


class Tracer:
    """``debug_traceTransaction`` on anvil: verifier calls and SSTORE gas of one tx."""

    def __init__(self, rpc_url: str, verifiers: set[str], operators: list[str]) -> None:
        from eth_utils import keccak

        self.http = httpx.Client(timeout=600)
        self.url = rpc_url
        self.verifiers = {v.lower() for v in verifiers}
        self.names: dict[str, str] = {}  # address -> contract label, for the profile
        self.hotspots = os.environ.get("GAS_HOTSPOTS") == "1"  # gas by source line too
        # Slots of mappings keyed by an operator (any declaration slot p < 256; a struct value
        # up to 4 words): where escrowed / accrued rewards live, whatever the layout.
        self.reward_slots = set()
        for op in operators:
            key = bytes(12) + bytes.fromhex(op[2:])
            for p in range(256):
                base = int.from_bytes(keccak(key + p.to_bytes(32, "big")), "big")
                self.reward_slots.update(base + k for k in range(4))

    def _raw(self, method: str, params: list) -> bytes:
        r = self.http.post(self.url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                           "params": params})
        r.raise_for_status()
        if r.content.startswith(b'{"jsonrpc":"2.0","id":1,"error"') or b'"result"' not in \
                r.content[:200]:
            raise RuntimeError(f"{method}: {r.content[:300]!r}")
        return r.content

    def _rpc(self, method: str, params: list) -> Any:
        r = self.http.post(self.url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                           "params": params})
        r.raise_for_status()
        doc = r.json()
        if "error" in doc:
            raise RuntimeError(f"{method}: {doc['error']}")
        return doc["result"]

    def split(self, tx_hash: str) -> dict[str, int]:
        calls = self._rpc("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])
        verification = self._verifier_gas(calls)
        # Struct logs of a batch of 128 run to ~10^6 steps with their stacks (hundreds of MB):
        # scanned as bytes for the SSTOREs (gas cost; key = top of the stack), not parsed.
        raw = self._raw("debug_traceTransaction", [tx_hash, {
            "disableMemory": True, "disableStorage": True, "enableReturnData": False}])
        storage = reward = 0
        by_pc: dict[tuple[str, int], int] | None = {} if self.hotspots else None
        profile = opcode_profile(raw, calls, self.names, by_pc)
        if by_pc:
            import gas_hotspots  # bench/, beside this file

            profile["_hotspots"] = gas_hotspots.by_line(by_pc, 40)
        sstores = SSTORE.findall(raw)
        if len(sstores) != raw.count(b'"SSTORE"'):
            raise RuntimeError("struct log layout not understood: SSTORE steps missed")
        for cost, stack in sstores:
            slot = int(stack.rsplit(b",", 1)[-1].strip().strip(b'"'), 16)
            if slot in self.reward_slots:
                reward += int(cost)
            else:
                storage += int(cost)
        steps = raw.count(b'"pc"')
        return {"verification": verification, "storage": storage, "reward_escrow": reward,
                "steps": steps, "profile": profile}

    def _verifier_gas(self, frame: dict) -> int:
        if (frame.get("to") or "").lower() in self.verifiers:
            return int(frame["gasUsed"], 16)
        return sum(self._verifier_gas(f) for f in frame.get("calls", []))


def _load_set(vec: dict, nodes: int, epochs: int) -> tuple[list[list[dict]], dict]:
    import gas_proofs  # bench/, beside this file
    import proof_cache

    cost = gas_proofs.ensure(vec, nodes, epochs)
    d = Path(cost["dir"])
    grid = [[{"spec": gas_proofs.spec(vec, i, k),
              "vector": proof_cache.load(d, gas_proofs.name(i, k))}
             for i in range(nodes)] for k in range(epochs)]
    return grid, cost


def _cert(v: dict) -> dict:
    return {k: (x if k == "workloadClass" else int(x)) for k, x in v["cert"].items()}


def measure(vec: dict, nodes: int, epochs: int) -> dict[str, Any]:
    from eth_account import Account
    from web3 import HTTPProvider, Web3

    from ecoai_chain.chain.client import GreenProofClient, proof_struct
    from ecoai_chain.chain.deployment import deploy_all
    from ecoai_chain.chain.devnet import Anvil, dev_private_key, set_chain_time
    from ecoai_chain.chain.eip712 import sign_certificate

    grid, cost = _load_set(vec, nodes, epochs)
    out: dict[str, Any] = {"proofs": cost, "nodes": nodes, "rows": {}, "verifier_alone": {}}
    args = ["--timestamp", str(vec["chain_start_s"]), "--accounts", str(2 * nodes + 2),
            "--gas-limit", str(GAS_LIMIT), "--hardfork", "prague", "--steps-tracing"]
    with Anvil(extra_args=args) as anvil:
        w3 = Web3(HTTPProvider(anvil.rpc_url, request_kwargs={"timeout": 600}))
        acct = [Account.from_key(dev_private_key(i)) for i in range(2 * nodes + 2)]
        admin_acct, other = acct[0], acct[-1]
        ops, atts = acct[1:1 + nodes], acct[1 + nodes:1 + 2 * nodes]
        d = deploy_all(w3, admin_acct, vec["epoch_length_s"])
        c = GreenProofClient(w3, d, admin_acct)
        t = vec["params_effective_from_s"]
        for e in vec["intensities"]:
            c.set_region_intensity(e["region"], e["intensity_mg_per_kwh"], e["effective_from"])
        c.set_baseline(vec["workload_class"], int(vec["baseline_ng_per_work"]), t)
        c.set_efficiency_ceiling(vec["workload_class"],
                                 int(vec["efficiency_ceiling_work_per_kwh"]), t)
        window_s = 3600
        c.set_challenge_window(window_s, t)
        set_chain_time(w3, t)
        for i in range(nodes):
            s = grid[0][i]["spec"]
            node_id = c.with_account(ops[i]).register_node(
                atts[i].address, s["region"], s["max_power_mw"], f"ipfs://bench-{i + 1}")
            c.activate_node(node_id)
        last = max(doc["spec"]["epoch_start_s"] for row in grid for doc in row)
        set_chain_time(w3, last + vec["epoch_length_s"])
        tracer = Tracer(anvil.rpc_url, {a.address for n, a in d.contracts.items()
                                        if "Verifier" in n}, [o.address for o in ops])
        tracer.names = {a.address.lower(): n for n, a in d.contracts.items()}

        def signed(v: dict) -> tuple[dict, dict, bytes]:
            cert = _cert(v)
            sig = sign_certificate(atts[cert["nodeId"] - 1], d.chain_id, d.green_proof, cert)
            return cert, v["proof"], sig

        landed_event = c.green_proof.events.CertificateSubmitted()

        def row(receipt: Any, n: int) -> dict[str, int]:
            from web3.logs import DISCARD

            tx = w3.eth.get_transaction(receipt["transactionHash"])
            # Every item must land for a per-certificate figure (a contract that skips bad
            # items would otherwise be measured on fewer).
            landed = len(landed_event.process_receipt(receipt, errors=DISCARD))
            r = {"n": n, "landed": landed, "total": int(receipt["gasUsed"]),
                 "calldata": INTRINSIC + calldata_gas(bytes(tx["input"])),
                 **tracer.split(receipt["transactionHash"].to_0x_hex())}
            return r

        def release(ids: list[int], r: dict[str, Any]) -> None:
            """releaseRewards of ``ids`` into row ``r`` (its gas and split, or why it failed)."""
            try:
                c.release_rewards(ids)
                r["release"] = int(c.last_receipt["gasUsed"])
                r["release_trace"] = tracer.split(c.last_receipt["transactionHash"].to_0x_hex())
            except Exception as e:  # noqa: BLE001 - a changed API is reported, not fatal
                r["release_error"] = f"{type(e).__name__}: {e}"[:300]

        def advance_past_window() -> None:
            set_chain_time(w3, int(w3.eth.get_block("latest")["timestamp"]) + window_s + 1)

        # Warm-up: every node's certificates of epochs 0 and 1 (node 1's first is the "cold"
        # figure); then the epoch-0 ones released, each operator's first mint (first release).
        first_ids = []
        for k in range(WARM_UP_EPOCHS):
            for i in range(nodes):
                cid = c.submit_certificate(*signed(grid[k][i]["vector"]))
                if k == 0:
                    first_ids.append(cid)
                    if i == 0:
                        out["rows"]["first"] = row(c.last_receipt, 1)
        advance_past_window()
        out["rows"]["first_release_single"] = r1 = {"n": 1}
        release(first_ids[:1], r1)
        if nodes > 1:
            out["rows"]["first_release_batch"] = rn = {"n": nodes - 1}
            release(first_ids[1:], rn)  # node i is operator i's: grouped by operator already
        rest_vectors = [doc["vector"] for row_ in grid[WARM_UP_EPOCHS:] for doc in row_]
        rest = [signed(v) for v in rest_vectors]

        def reverted(run) -> None:
            snap = w3.provider.make_request("evm_snapshot", [])["result"]
            try:
                run()
            finally:
                w3.provider.make_request("evm_revert", [snap])

        def submit_and_release(name: str, items: list) -> None:
            t0 = time.perf_counter()
            if name == "single":
                ids = [c.submit_certificate(*items[0])]
            else:
                ids = c.submit_batch(*map(list, zip(*items, strict=True)))
            r = row(c.last_receipt, len(items))
            advance_past_window()
            # Grouped by operator (as an operator releasing its own would call it): a contract
            # that mints once per run of one operator's ids is measured with its runs.
            by_operator = [i for _, i in sorted(zip((x[0]["nodeId"] for x in items), ids,
                                                    strict=True))]
            release(by_operator, r)
            r["seconds"] = round(time.perf_counter() - t0, 1)
            out["rows"][name] = r

        reverted(lambda: submit_and_release("single", rest[:1]))
        # One operator releasing several of its certificates in one call (node 1's measured
        # epochs, submitted alone): with "single" (one operator, one certificate) and a batch
        # (n operators, one each) it separates a release's cost per transaction, per operator
        # (the mint) and per certificate (bench_gas.py's release cadence figures).
        own = [x for x in rest if x[0]["nodeId"] == 1]

        def release_run() -> None:
            ids = [c.submit_certificate(*x) for x in own]
            advance_past_window()
            r = {"n": len(ids)}
            release(ids, r)
            out["rows"]["release_run"] = r

        if len(own) >= 2:
            reverted(release_run)
        for n in BATCHES:
            if len(rest) < n:
                out["rows"][f"batch_{n}"] = {
                    "n": n, "unreachable": f"only {len(rest)} certificates with proofs "
                                           f"beyond the warm-ups ({nodes} nodes x "
                                           f"{epochs - WARM_UP_EPOCHS} epochs)"}
                continue
            reverted(lambda n=n: submit_and_release(f"batch_{n}", rest[:n]))
        out["verifier_alone"] = _verifier_alone(w3, other, d, rest_vectors, proof_struct)
        out["contracts"] = sorted(d.contracts)  # e.g. whether a batch verifier is wired in
    return out


def _verifier_alone(w3, account, d, vectors: list[dict], proof_struct) -> dict[str, Any]:
    """The tree's verifiers called directly, as transactions with ample gas (estimates
    undershoot verifiers that return false when a precompile runs dry): execution gas, i.e.
    minus intrinsic and calldata."""
    from ecoai_chain.chain.artifacts import load_artifact
    from ecoai_chain.chain.deployment import deploy_contract
    from ecoai_chain.chain.tx import send_tx
    from ecoai_chain.errors import EcoAIError

    def exec_gas(fn) -> int | None:
        if fn.call() is not True:
            return None
        tx = fn.build_transaction({"from": account.address})
        used = int(send_tx(w3, account, tx, gas=GAS_LIMIT // 2)["gasUsed"])
        return used - INTRINSIC - calldata_gas(bytes.fromhex(tx["data"][2:]))

    structs = [proof_struct(v["proof"]) for v in vectors]
    signals = [[int(x) for x in v["public_signals"]] for v in vectors]
    single = w3.eth.contract(address=d.verifier, abi=load_artifact("Groth16Verifier").abi)
    a, b, c = structs[0]
    out: dict[str, Any] = {"verifyProof": exec_gas(single.functions.verifyProof(a, b, c,
                                                                               signals[0]))}
    try:
        art = load_artifact("Groth16BatchVerifier")
    except EcoAIError:
        return out
    wired = [ref.address for name, ref in d.contracts.items() if "BatchVerifier" in name]
    addr = wired[0] if wired else deploy_contract(w3, account, art)[0].address
    batch = w3.eth.contract(address=addr, abi=art.abi)
    for n in BATCHES:
        if len(structs) >= n:
            fn = batch.functions.verifyBatch([list(s) for s in structs[:n]], signals[:n])
            out[f"verifyBatch_{n}"] = exec_gas(fn)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vectors", type=Path, required=True)
    ap.add_argument("--nodes", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=6,
                    help=f"per node, the first {WARM_UP_EPOCHS} warm-ups")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    doc = measure(json.loads(a.vectors.read_text()), a.nodes, a.epochs)
    a.out.write_text(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
