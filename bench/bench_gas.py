"""Gas per certificate, single and in batches of 8, 32 and 128, split into verification, storage
and reward, for the current GreenProof beside today's baseline (commit ac5fac4), both measured
in this run on fresh anvils with real proofs.

The baseline is built from git, not kept as old Solidity in the tree: ``git archive`` of the
baseline commit (contracts, hardhat config, package.json, its Python package, zk setup and
vectors) into bench/.cache/trees/<commit>/ (git-ignored), node_modules and .tools linked from
this checkout, compiled there with the same hardhat; a later run reuses that build
(``--fresh-baseline`` redoes it). Each tree is then measured by bench/gas_measure.py with its
own Python package first on the path: its deployment code, client, artifacts, vectors'
parameters and prover (bench/gas_proofs.py proves the 160 certificates the batches need with
that tree's zkey, cached by the zkey's sha256; the first run of a zkey proves them, ~6-8 s a
proof here). See bench/gas_measure.py for what is traced and how gas is attributed:

* verification: the transaction's calls into the Groth16 verifier contracts (callTracer);
* storage: its SSTOREs (struct-log trace), gross of refunds, except those below;
* reward: SSTOREs to slots keyed by an operator's address at submission (escrow / accrual)
  plus the ``releaseRewards`` transaction (the mint) of the same ids grouped by operator, per
  certificate;
* other: the rest of the submission (intrinsic + calldata, checks, EIP-712, events, calls).

The release is measured in steady state: each operator already holds credits (its first
certificate was released before the measured runs) and has another in escrow, as after its
first week. That first release, each operator's first mint (its balance slot written from
zero), is printed on its own line, "first release": one certificate alone, and the other
nodes' in one call.

"all-in" = submission + release (steady state), per certificate. Writes bench/out/gas.json
(git-ignored) for bench/bench_capacity.py. Report only; nothing is asserted.
Run: python bench/bench_gas.py [--baseline COMMIT] [--fresh-baseline] [--no-baseline]
(GAS_HOTSPOTS=1 also prints, for single and batch_32, the Solidity lines that cost the most:
bench/gas_hotspots.py)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out" / "gas.json"
BASELINE = "ac5fac4"  # today's contract (issue 16's starting point)
ARCHIVED = ("contracts", "hardhat.config.js", "package.json", "pyproject.toml", "ecoai_chain",
            "circuits/setup", "tests/vectors", "scripts")
LINKED = ("node_modules", ".tools")
MODES = ("single", "batch_8", "batch_32", "batch_128")


def _env(tree: Path) -> dict[str, str]:
    path = f"{ROOT / '.tools' / 'bin'}:{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}"
    return {**os.environ, "PYTHONPATH": str(tree), "ECOAI_ROOT": str(tree), "PATH": path}


def build_baseline(commit: str, fresh: bool) -> Path:
    """The baseline tree, archived from git and compiled (reused if already built)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{commit}^{{commit}}"],
                         capture_output=True, text=True, check=True).stdout.strip()
    tree = BENCH / ".cache" / "trees" / sha[:12]
    done = tree / ".built"
    if fresh and tree.exists():
        shutil.rmtree(tree)
    if done.is_file():
        return tree
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    t0 = time.perf_counter()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha, *ARCHIVED],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    for name in LINKED:
        (tree / name).symlink_to((ROOT / name).resolve())
    print(f"baseline {sha[:12]}: archived, compiling with hardhat ...", file=sys.stderr)
    compile_contracts(tree)
    done.write_text(f"{sha}\n")
    print(f"baseline {sha[:12]}: built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return tree


def compile_contracts(tree: Path) -> None:
    """`hardhat compile` in ``tree`` (incremental); its warnings shown only if it fails."""
    proc = subprocess.run(["npx", "--no-install", "hardhat", "compile", "--quiet"], cwd=tree,
                          env=_env(tree), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"hardhat compile failed in {tree}")


def measure_tree(tree: Path, label: str, nodes: int, epochs: int) -> dict[str, Any]:
    out = BENCH / "out" / f"gas-{label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    print(f"{label}: measuring {tree} ...", file=sys.stderr)
    subprocess.run([sys.executable, str(BENCH / "gas_measure.py"), "--vectors",
                    str(tree / "tests" / "vectors" / "contract_proofs.json"), "--nodes",
                    str(nodes), "--epochs", str(epochs), "--out", str(out)],
                   cwd=tree, env=_env(tree), check=True)
    doc = json.loads(out.read_text())
    doc["tree"], doc["seconds"] = str(tree), round(time.perf_counter() - t0, 1)
    return doc


def per_certificate(row: dict[str, Any]) -> dict[str, float] | None:
    """One measured mode's figures per certificate (None where it could not be measured)."""
    if "total" not in row or row.get("landed", row["n"]) != row["n"]:
        return None
    n = row["n"]
    release = row.get("release")
    escrow = row["reward_escrow"]
    out = {
        "submit": row["total"] / n,
        "verification": row["verification"] / n,
        "storage": row["storage"] / n,
        "reward_escrow": escrow / n,
        "release": None if release is None else release / n,
        "other": (row["total"] - row["verification"] - row["storage"] - escrow) / n,
        "calldata": row["calldata"] / n,
        "tx_gas": row["total"],
    }
    out["reward"] = None if release is None else out["reward_escrow"] + out["release"]
    out["all_in"] = None if release is None else out["submit"] + out["release"]
    return out


FIRST_RELEASE = ("first_release_single", "first_release_batch")


def first_release(rows: dict[str, Any]) -> dict[str, Any]:
    """The first-release rows per certificate: {row: {"n", "release"}} (release None where it
    failed or the row is missing, with "error" saying why)."""
    out = {}
    for name in FIRST_RELEASE:
        r = rows.get(name)
        if r is None:
            out[name] = {"n": None, "release": None, "error": "not measured"}
        elif "release" in r:
            out[name] = {"n": r["n"], "release": r["release"] / r["n"]}
        else:
            out[name] = {"n": r["n"], "release": None, "error": r.get("release_error")}
    return out


def _first_release_line(by_mode: dict[str, Any]) -> str:
    parts = []
    for name, f in by_mode["first_release"].items():
        if not f["n"]:
            continue
        what = "one certificate" if name == "first_release_single" else \
            f"{f['n']} operators' in one call"
        got = _fmt(f["release"]) if f["release"] is not None else f"failed: {f.get('error')}"
        parts.append(f"{what} {got}")
    return ", ".join(parts) or "not measured"


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _ratio(x: float | None, base: float | None) -> str:
    return "-" if x is None or not base else f"{x / base:.3f}"


# Issue 16's targets, all costs included (submission + release): printed, never asserted.
TARGETS = (("single", 300_000), ("batch_32", 100_000))


# A day of hourly epochs: how many certificates an operator's daily release call covers.
DAILY_CERTS = 24


def release_cadence(rows: dict[str, Any], batch: str = "batch_32") -> dict[str, Any] | None:
    """A release's cost split into per transaction (t), per operator (o: its mint) and per
    certificate (c), from three measured steady-state releases: "single" (1 operator, 1
    certificate) = t + o + c, "release_run" (1 operator, k certificates) = t + o + k c, and
    ``batch`` (n operators, 1 each) = t + n (o + c). Then what a certificate's share is when each
    operator releases a day of hourly certificates (DAILY_CERTS) in one call with n operators per
    call. None where a row is missing or failed."""
    try:
        r1 = rows["single"]["release"]
        k, rk = rows["release_run"]["n"], rows["release_run"]["release"]
        n, rn = rows[batch]["n"], rows[batch]["release"]
    except KeyError:
        return None
    c = (rk - r1) / (k - 1)
    o = (rn - r1) / (n - 1) - c
    t = r1 - o - c
    rc = {"per_tx": t, "per_operator": o, "per_certificate": c, "run_k": k, "batch_n": n}
    rc["daily_single"], rc["daily_batch"] = daily_share(rc, "single"), daily_share(rc, batch)
    return rc


def daily_share(rc: dict[str, Any], mode: str) -> float:
    """A certificate's release share in ``mode`` when each operator releases DAILY_CERTS
    certificates per call, with as many operators per call as the mode's batch has nodes."""
    n = 1 if mode == "single" else int(mode.split("_")[1])
    return rc["per_tx"] / (n * DAILY_CERTS) + rc["per_operator"] / DAILY_CERTS \
        + rc["per_certificate"]


PROFILE_CLASSES = ("sload", "sstore", "log", "keccak", "memory", "calldata_copy",
                   "stack_arith_jump")


def profile_per_certificate(row: dict[str, Any]) -> dict[str, float] | None:
    """The submission's execution gas by opcode class, per certificate; the rest (precompiles,
    call access, refunds) as calls_precompiles_refunds; intrinsic + calldata apart."""
    prof = dict(row.get("profile") or {})
    if not prof or "total" not in row:
        return None
    n = row["n"]
    hot = prof.pop("_hotspots", None)
    out: dict[str, Any] = {"by_contract": {
        label: {k: per.get(k, 0) / n for k in PROFILE_CLASSES} for label, per in prof.items()}}
    total = {k: sum(per.get(k, 0) for per in prof.values()) for k in PROFILE_CLASSES}
    out.update({k: v / n for k, v in total.items()})
    execution = row["total"] - row["calldata"]
    out["calls_precompiles_refunds"] = (execution - sum(total.values())) / n
    out["intrinsic_calldata"] = row["calldata"] / n
    if hot:
        out["hotspots"] = [{**h, "gas": h["gas"] / n} for h in hot]
    return out


def report(trees: dict[str, dict[str, Any]]) -> dict[str, Any]:
    figures = {label: {m: per_certificate(doc["rows"][m]) for m in MODES}
               for label, doc in trees.items()}
    for label, doc in trees.items():
        figures[label]["first_release"] = first_release(doc["rows"])
        rc = figures[label]["release_cadence"] = release_cadence(doc["rows"])
        for m in MODES:
            f = figures[label][m]
            if f is not None:
                f["all_in_daily"] = None if rc is None else f["submit"] + daily_share(rc, m)
        figures[label]["profile"] = {m: profile_per_certificate(doc["rows"][m])
                                     for m in ("single", "batch_32") if m in doc["rows"]}
    cols = ("submit", "verification", "storage", "reward", "other", "all_in")
    print("\nGas per certificate (reward = escrow at submission + releaseRewards mint; "
          "all_in = submission + release; ratio = current / baseline)")
    head = f"{'mode':<10} {'contract':<9}" + "".join(f"{c:>14}" for c in cols)
    print(head)
    print("-" * len(head))
    for m in MODES:
        for label, doc in trees.items():
            f = figures[label][m]
            if f is None:
                r = doc["rows"][m]
                why = r.get("unreachable") or f"only {r.get('landed')} of {r['n']} items landed"
                print(f"{m:<10} {label:<9}  not measured: {why}")
                continue
            print(f"{m:<10} {label:<9}" + "".join(f"{_fmt(f[c]):>14}" for c in cols))
        base, cur = figures.get("baseline", {}).get(m), figures["current"][m]
        if base and cur:
            print(f"{m:<10} {'ratio':<9}" + "".join(f"{_ratio(cur[c], base[c]):>14}"
                                                   for c in cols))
    print("\nRelease per certificate: steady state (the operator holds credits and has another "
          "in escrow; in reward and all_in above) vs first release (the operator's first mint)")
    for label in trees:
        steady = ", ".join(f"{m} {_fmt((figures[label][m] or {}).get('release'))}" for m in MODES)
        print(f"  {label}: steady {steady}; first release {_first_release_line(figures[label])}")
    print("\nRelease cadence (from the single, release_run and batch_32 releases: cost per "
          "transaction, per operator, per certificate), and a certificate's release share when "
          f"each operator releases {DAILY_CERTS} hourly certificates in one call")
    for label in trees:
        rc = figures[label]["release_cadence"]
        if rc is None:
            print(f"  {label}: not measured (a release row is missing or failed)")
            continue
        print(f"  {label}: per tx {_fmt(rc['per_tx'])}, per operator {_fmt(rc['per_operator'])}, "
              f"per certificate {_fmt(rc['per_certificate'])} (run of {rc['run_k']}); daily "
              f"release share: alone {_fmt(rc['daily_single'])}, with {rc['batch_n']} operators "
              f"per call {_fmt(rc['daily_batch'])}")
    print("\nSubmission by opcode class, per certificate (struct-log gas; CALL-like steps out, "
          "so precompiles, call access and refunds are the remainder)")
    cls = (*PROFILE_CLASSES, "calls_precompiles_refunds", "intrinsic_calldata")
    for label in trees:
        for m, p in figures[label]["profile"].items():
            if p:
                print(f"  {label} {m}: " + ", ".join(f"{k} {_fmt(p[k])}" for k in cls))
                for who, per in sorted(p["by_contract"].items()):
                    print(f"    {who}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in per.items()
                                                   if v))
                for h in p.get("hotspots", []):
                    print(f"    {_fmt(h['gas']):>8}  {h['contract']:<22} {h['where']:<28} "
                          f"{h['code']}")
    for m, target in TARGETS:
        f = figures["current"][m]
        got = "not measured" if f is None or f["all_in"] is None else \
            f"{f['all_in']:,.0f} ({'met' if f['all_in'] <= target else 'not met'})"
        x = None if f is None else f.get("all_in_daily")
        daily = "" if x is None else \
            f"; with a daily release {x:,.0f} ({'met' if x <= target else 'not met'})"
        sub = "" if f is None else \
            f"; submission alone {f['submit']:,.0f} " \
            f"({'met' if f['submit'] <= target else 'not met'})"
        print(f"target {m}: <= {target:,} gas per certificate all-in; current {got}{daily}{sub}")
    print("\nWhole transactions:")
    for label, doc in trees.items():
        rows = doc["rows"]
        first = rows["first"]["total"]
        parts = [f"first certificate of a node (cold) {first:,}"]
        for m in MODES:
            r = rows[m]
            if "total" in r:
                rel = f", release {r['release']:,}" if "release" in r else \
                    f", release failed: {r.get('release_error')}"
                parts.append(f"{m} submit {r['total']:,}{rel}")
        print(f"  {label}: " + "; ".join(parts))
        alone = doc["verifier_alone"]
        direct = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} returned false"
                           for k, v in alone.items())
        wired = any("BatchVerifier" in n for n in doc.get("contracts", []))
        print(f"  {label} verifier called directly (execution gas): {direct}"
              + ("" if wired else " (its GreenProof does not use the batch verifier)"))
        p = doc["proofs"]
        print(f"  {label} proofs: {p['total']} certificates, zkey {p['zkey_sha256'][:12]}, "
              f"{p['proved']} proved in this run ({p['seconds']:.0f} s)")
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=BASELINE, help="commit of the baseline contract")
    ap.add_argument("--fresh-baseline", action="store_true", help="rebuild the baseline tree")
    ap.add_argument("--no-baseline", action="store_true", help="measure the current tree only")
    ap.add_argument("--nodes", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=6,
                    help="per node, the first two warm-ups (the first released, the second "
                         "left vesting)")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    trees: dict[str, dict[str, Any]] = {}
    if not a.no_baseline:
        trees["baseline"] = measure_tree(build_baseline(a.baseline, a.fresh_baseline),
                                         "baseline", a.nodes, a.epochs)
        trees["baseline"]["commit"] = a.baseline
    compile_contracts(ROOT)
    trees["current"] = measure_tree(ROOT, "current", a.nodes, a.epochs)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    trees["current"]["commit"] = head
    figures = report(trees)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"measured_at_s": int(time.time()), "figures": figures,
                                 "trees": trees}, indent=1))
    print(f"\nwrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
