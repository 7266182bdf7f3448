"""ZK benchmarks for one 64-slot epoch (figures printed, never asserted).

    .venv/bin/python bench/bench_zk.py [--proofs 3] [--batch 8]

* witness + proof time, long-lived node worker vs `snarkjs groth16 fullprove` per proof
  (the ratio is the worker's speed-up; the worker is the Prover default), and the opt-in
  groth16py mode (node worker for the witness, arkworks for the proof) when groth16py is
  installed (extra `fast-prover`);
* Python (py-ecc) verify, single and batch, beside `snarkjs groth16 verify` in the same run;
* Poseidon hashes/s (arity 2, 3 and 8) and a full epoch commitment (64 salts + leaves + tree).
Targets on the 2-core dev machine: prove <= 3 s, single verify <= 0.5 s, batch >= 5 proofs/s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecoai_chain.zk.artifacts import zk_artifacts  # noqa: E402
from ecoai_chain.zk.poseidon import poseidon  # noqa: E402
from ecoai_chain.zk.prover import Prover, snarkjs_verify  # noqa: E402
from ecoai_chain.zk.verifier import load_vkey, verify_batch, verify_groth16  # noqa: E402
from ecoai_chain.zk.witness import EpochInput  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def proc_cpu_s(pid: int) -> float:
    """utime + stime of a live process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def epoch(i: int) -> EpochInput:
    return EpochInput(
        node_id=1,
        epoch_start_s=3600 * (i + 1),
        window_s=60,
        slot_energy_mj=[18_000_000 + 1_000 * k + i for k in range(60)],
        slot_work=[90_000 + k for k in range(60)],
        intensity_mg_per_kwh=415_000,
        max_power_mw=700_000,
        seed=bytes([i]) * 32,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--proofs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=8)
    args = ap.parse_args()
    art = zk_artifacts()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2-core machine)")
    print(f"circuit: {art.manifest['constraints']} constraints, 2^{art.manifest['power']}")

    # Poseidon
    for arity in (2, 3, 8):
        n = 2000 if arity < 8 else 500
        t = time.perf_counter()
        for i in range(n):
            poseidon(list(range(i, i + arity)))
        dt = time.perf_counter() - t
        print(f"poseidon({arity}): {n / dt:,.0f} hashes/s")
    t = time.perf_counter()
    ep = epoch(0)
    ep.public_values()
    print(
        f"epoch commitment (64 salts + 64 leaves + 9 tree nodes): {time.perf_counter() - t:.3f} s"
    )

    # Proving: worker vs subprocess (vs groth16py), interleaved (A B C A B C ...) so all see
    # the same load
    epochs = [epoch(i) for i in range(args.proofs + 1)]
    bundles = []
    worker_t, witness_t, prove_t, sub_t, worker_cpu, sub_cpu = [], [], [], [], [], []
    g16_t, g16_wit, g16_prove, g16_cpu = [], [], [], []
    has_g16 = importlib.util.find_spec("groth16py") is not None
    with (
        Prover(mode="worker") as w,
        Prover(mode="subprocess") as s,
        Prover(mode="groth16py" if has_g16 else "worker") as g,
    ):
        w.prove(epochs[-1])  # warm-up: starts node, loads wasm/zkey
        if has_g16:
            g.prove(epochs[-1])  # warm-up: node witness worker + zkey import
        for e in epochs[: args.proofs]:
            t, c = time.perf_counter(), proc_cpu_s(w._proc.pid)
            bundles.append(w.prove(e))
            worker_t.append(time.perf_counter() - t)
            worker_cpu.append(proc_cpu_s(w._proc.pid) - c)
            witness_t.append(w.last_timings["witness_s"])
            prove_t.append(w.last_timings["prove_s"])
            t, c = time.perf_counter(), children_cpu_s()
            s.prove(e)
            sub_t.append(time.perf_counter() - t)
            sub_cpu.append(children_cpu_s() - c)
            if has_g16:
                # CPU: this (Python) process, where groth16py proves, plus the node worker
                c = time.process_time() + proc_cpu_s(g._proc.pid)
                t = time.perf_counter()
                gb = g.prove(e)
                g16_t.append(time.perf_counter() - t)
                g16_cpu.append(time.process_time() + proc_cpu_s(g._proc.pid) - c)
                g16_wit.append(g.last_timings["witness_roundtrip_s"])
                g16_prove.append(g.last_timings["prove_s"])
                assert snarkjs_verify(art.vkey, gb), "groth16py proof rejected by snarkjs"
    med = statistics.median
    print(
        f"prove (worker, warm): {med(worker_t):.2f} s/epoch  "
        f"[witness {med(witness_t):.2f} s + groth16 {med(prove_t):.2f} s]"
    )
    print(f"prove (snarkjs fullprove per proof): {med(sub_t):.2f} s/epoch")
    print(f"  worker speed-up: {med(sub_t) / med(worker_t):.2f}x  (target <= 3 s)")
    print(
        f"  CPU time per proof (load-independent): worker {med(worker_cpu):.2f} s, "
        f"subprocess {med(sub_cpu):.2f} s ({med(sub_cpu) / med(worker_cpu):.2f}x)"
    )
    runs = [f"{a:.1f}/{b:.1f}" for a, b in zip(worker_t, sub_t, strict=True)]
    print(f"  each run (worker / subprocess, s): {runs}")
    if has_g16:
        print(
            f"prove (groth16py, warm): {med(g16_t):.2f} s/epoch  "
            f"[witness via node worker {med(g16_wit):.2f} s + arkworks groth16 "
            f"{med(g16_prove):.2f} s]; CPU {med(g16_cpu):.2f} s/proof; "
            f"{med(worker_t) / med(g16_t):.2f}x the worker (target <= 3 s)"
        )
        print(f"  each run (groth16py, s): {[f'{x:.2f}' for x in g16_t]}")
    else:
        print("prove (groth16py): skipped, groth16py not installed (extra fast-prover)")

    # Verification
    vk = load_vkey(art.vkey)
    t = time.perf_counter()
    vk.alpha_beta  # noqa: B018 - one-off per key
    print(f"vkey load + e(alpha, beta) cache: {time.perf_counter() - t:.2f} s (once per key)")
    b0 = bundles[0]
    py_single = timed(lambda: verify_groth16(vk, b0, b0.public_signals), 3)
    ref_single = timed(lambda: verify_groth16(vk, b0, b0.public_signals, engine="py_ecc"), 2)
    sj_single = timed(lambda: snarkjs_verify(art.vkey, b0), 2)
    items = [
        (bundles[i % len(bundles)], bundles[i % len(bundles)].public_signals)
        for i in range(args.batch)
    ]
    t = time.perf_counter()
    ok = verify_batch(vk, items)
    batch_dt = time.perf_counter() - t
    assert ok
    print(f"verify (Python, fast bn254 engine, single): {med(py_single):.3f} s   (target <= 0.5 s)")
    print(f"verify (Python, py-ecc engine, single): {med(ref_single):.3f} s")
    print(f"verify (snarkjs groth16 verify, process per proof): {med(sj_single):.3f} s")
    print(
        f"  snarkjs / fast engine: {med(sj_single) / med(py_single):.1f}x; "
        f"py-ecc engine / fast engine: {med(ref_single) / med(py_single):.1f}x"
    )
    print(
        f"verify (Python fast engine, batch of {args.batch}): {batch_dt:.2f} s = "
        f"{args.batch / batch_dt:.2f} proofs/s  "
        f"(target >= 5/s; single = {1 / med(py_single):.2f}/s)"
    )
    print(
        json.dumps(
            {
                "prove_worker_s": med(worker_t),
                "prove_subprocess_s": med(sub_t),
                "prove_worker_cpu_s": med(worker_cpu),
                "prove_subprocess_cpu_s": med(sub_cpu),
                "prove_groth16py_s": med(g16_t) if has_g16 else None,
                "prove_groth16py_cpu_s": med(g16_cpu) if has_g16 else None,
                "witness_s": med(witness_t),
                "verify_py_s": med(py_single),
                "verify_snarkjs_s": med(sj_single),
                "verify_py_ecc_engine_s": med(ref_single),
                "batch_proofs_per_s": args.batch / batch_dt,
            }
        )
    )


if __name__ == "__main__":
    main()
