"""Capacity model: what hourly certificates from 1,000 / 10,000 / 100,000 nodes take of a chain.

Gas per certificate comes from the figures bench/bench_gas.py MEASURED (bench/out/gas.json, or
``--gas-json``): "all-in" per certificate, i.e. its share of the submission (one
``submitCertificate``, or a ``submitCertificates`` batch of N = 8, 32, 128) plus its share of
the ``releaseRewards`` of the same ids (the mint). If the file is missing, bench/bench_gas.py
is run first to measure them (no constants are assumed). A mode bench_gas could not measure is
printed with the reason instead of a number.

For hourly epochs (one certificate per node per hour): certificates/hour, gas/s, and the share
of the chain's capacity ``--gas-per-s`` (default 3,000,000 gas/s: Ethereum L1's 36M gas per
12 s block), whether one batch transaction fits in a block (``--block-gas-limit``), and the
most nodes the whole capacity could carry; beside the baseline contract measured in the same
bench_gas run. Report only; nothing is asserted.
``--release daily`` uses the figures of each operator releasing a day of certificates in one
call (bench_gas.py's release cadence) instead of each certificate released alone.
Run: python bench/bench_capacity.py [--gas-per-s N] [--block-gas-limit N] [--gas-json PATH]
     [--release each|daily]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GAS_JSON = ROOT / "bench" / "out" / "gas.json"
NODES = (1_000, 10_000, 100_000)
MODES = ("single", "batch_8", "batch_32", "batch_128")
EPOCH_S = 3600


def load_figures(path: Path) -> dict[str, Any]:
    """bench_gas's measured figures; measured now (bench/bench_gas.py) if the file is missing."""
    if not path.is_file():
        print(f"{path} is missing: measuring with bench/bench_gas.py first", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "bench" / "bench_gas.py"), "--out",
                        str(path)], check=True)
    return json.loads(path.read_text())


def _size(mode: str) -> int:
    return 1 if mode == "single" else int(mode.split("_")[1])


def _label(mode: str) -> str:
    return "single" if mode == "single" else f"batch {_size(mode)}"


def model(figures: dict[str, Any], gas_per_s: float, block_gas_limit: int,
          key: str = "all_in") -> list[dict]:
    """One row per (nodes, mode) with what each tree's measured gas implies; ``key`` the
    figure used: "all_in" (every certificate released alone) or "all_in_daily" (each operator
    releasing a day of certificates in one call, bench_gas.py's release cadence)."""
    rows = []
    for nodes in NODES:
        for mode in MODES:
            row: dict[str, Any] = {"nodes": nodes, "mode": mode, "certs_per_hour": nodes}
            for tree, by_mode in figures.items():
                f = by_mode.get(mode)
                if not isinstance(f, dict) or f.get(key) is None:
                    row[tree] = None
                    continue
                gas_s = nodes * f[key] / EPOCH_S
                row[tree] = {"gas_per_cert": f[key], "gas_per_s": gas_s,
                             "share": gas_s / gas_per_s,
                             "tx_fits_block": f["tx_gas"] <= block_gas_limit,
                             "max_nodes": gas_per_s * EPOCH_S / f[key]}
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gas-per-s", type=float, default=36_000_000 / 12,
                    help="the chain's capacity (default: 36M gas per 12 s block)")
    ap.add_argument("--block-gas-limit", type=int, default=36_000_000)
    ap.add_argument("--gas-json", type=Path, default=GAS_JSON)
    ap.add_argument("--release", choices=("each", "daily"), default="each",
                    help="each: every certificate's release is its own (worst case); daily: "
                         "each operator releases a day of certificates in one call")
    a = ap.parse_args(argv)
    key = "all_in" if a.release == "each" else "all_in_daily"
    doc = load_figures(a.gas_json)
    figures = doc["figures"]
    trees = [t for t in ("current", "baseline") if t in figures]
    why = {t: {m: doc["trees"][t]["rows"][m].get("unreachable") for m in MODES} for t in trees}
    commits = ", ".join(f"{t} {doc['trees'][t].get('commit', '?')}" for t in trees)
    what = "every certificate released alone" if a.release == "each" else \
        "each operator releasing a day of certificates in one call"
    print(f"Gas per certificate from {a.gas_json} ({commits}; all-in: submission + release, "
          f"{what})")
    print(f"Chain: {a.gas_per_s:,.0f} gas/s; blocks of {a.block_gas_limit:,} gas; hourly "
          f"epochs (one certificate per node per hour)\n")
    head = f"{'nodes':>8} {'mode':>10} {'certs/hour':>11}"
    for t in trees:
        head += f" | {t + ' gas/cert':>17} {'gas/s':>11} {'share':>8} {'tx fits':>7}"
    print(head)
    print("-" * len(head))
    for row in model(figures, a.gas_per_s, a.block_gas_limit, key):
        line = f"{row['nodes']:>8,} {_label(row['mode']):>10} {row['certs_per_hour']:>11,}"
        for t in trees:
            r = row[t]
            if r is None:
                line += f" | {'not measured':>17} {'':>11} {'':>8} {'':>7}"
                continue
            line += (f" | {r['gas_per_cert']:>17,.0f} {r['gas_per_s']:>11,.0f} "
                     f"{r['share']:>7.1%} {'yes' if r['tx_fits_block'] else 'no':>7}")
        print(line)
    print("\nMost nodes the whole capacity could carry (hourly certificates):")
    for mode in MODES:
        parts = []
        for t in trees:
            f = figures[t].get(mode)
            if f and f.get(key):
                parts.append(f"{t} {a.gas_per_s * EPOCH_S / f[key]:>10,.0f}")
            else:
                parts.append(f"{t} not measured ({why[t][mode] or 'release not measured'})")
        print(f"  {_label(mode):>10}: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
