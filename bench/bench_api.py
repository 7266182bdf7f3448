"""API latency/throughput: certificate-by-id and balance lookups over 1M-row tables.

Synthetic rows are bulk-inserted into a SQLite file through the indexer's own schema
(1M certificates, 1M balances). The API runs under uvicorn in its own process; the load comes
from a second process on loopback: a small asyncio HTTP/1.1 keep-alive client (C connections,
each sending its next request when the previous answer arrives) that records every latency.

Baselines in the same run: /healthz over the same stack (framework + one primary-key read) and a
raw in-process SQLite primary-key lookup.

    python bench/bench_api.py [--rows 1000000] [--seconds 10] [--connections 8] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from eth_utils import to_checksum_address

from ecoai_chain.chain.devnet import free_port


def _addr(i: int) -> str:
    """The i-th synthetic holder, checksummed as the indexer stores addresses."""
    return to_checksum_address(f"0x{i:040x}")


def build_db(path: Path, rows: int) -> None:
    from ecoai_chain.indexer.db import make_engine

    make_engine(f"sqlite:///{path}").dispose()  # the real schema, indexes included
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    batch = 50_000
    for start in range(1, rows + 1, batch):
        ids = range(start, min(start + batch, rows + 1))
        con.executemany(
            "INSERT INTO certificates (certificate_id, node_id, region, epoch_start_s, root,"
            " energy_mj, work, carbon_mg, intensity_mg_per_kwh, eco_score, reward_units,"
            " avoided_mg, workload_class, window_s, slot_count, max_power_mw, revoked,"
            " block_number, block_time_s, tx_hash, log_index) VALUES"
            " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(i, 1 + i % 500, "KR", 1_700_006_400 + i * 3600, str(i * 7919), 2_000_000_000 + i,
              str(1_000_000 + i), 230_000, 415_000, 80, str(5 * 10**16), 50_000,
              "llm-inference", 60, 60, 700_000_000, 0, 10 + i // 100, 1_700_000_000 + i,
              f"0x{i // 100:064x}", i % 100) for i in ids])
        con.executemany("INSERT INTO balances (address, balance_units) VALUES (?, ?)",
                        [(_addr(i), str(i * 10**15)) for i in ids])
    con.execute("INSERT INTO indexer_meta (key, value) VALUES ('checkpoint_block', '12345')")
    con.commit()
    con.close()


async def _worker(port: int, paths: list[str], stop_at: float, lat: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    rnd = random.Random(os.getpid() ^ id(lat))
    while time.perf_counter() < stop_at:
        path = rnd.choice(paths)
        t0 = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{path}: {head[:40]!r}")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        body = await reader.readexactly(length)
        if b'"balance_units":"0"' in body:  # every synthetic holder has credits: a miss is a bug
            raise RuntimeError(f"{path}: no row found")
        lat.append(time.perf_counter() - t0)
    writer.close()


def _load(port: int, paths: list[str], seconds: float, conns: int, out) -> None:
    async def run() -> list[float]:
        lat: list[float] = []
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_worker(port, paths, stop_at, lat) for _ in range(conns)))
        return lat
    out.send(asyncio.run(run()))


def measure(port: int, paths: list[str], seconds: float, conns: int) -> dict:
    """Run the load generator in a second process; requests/s, p50, p99 (ms)."""
    recv, send = mp.Pipe(duplex=False)
    p = mp.Process(target=_load, args=(port, paths, seconds, conns, send))
    t0 = time.perf_counter()
    p.start()
    lat = recv.recv()
    p.join()
    wall = time.perf_counter() - t0
    lat.sort()
    q = statistics.quantiles(lat, n=100)
    return {"rps": len(lat) / min(wall, seconds + 0.5), "p50": q[49] * 1e3, "p99": q[98] * 1e3,
            "n": len(lat)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "api.db"
        t0 = time.perf_counter()
        build_db(db, args.rows)
        print(f"built {args.rows:,} certificates + {args.rows:,} balances in "
              f"{time.perf_counter() - t0:.1f} s ({db.stat().st_size / 1e6:.0f} MB)")

        con = sqlite3.connect(db)
        ids = [random.randint(1, args.rows) for _ in range(20_000)]
        t0 = time.perf_counter()
        for i in ids:
            con.execute("SELECT * FROM certificates WHERE certificate_id = ?", (i,)).fetchone()
        raw_us = (time.perf_counter() - t0) / len(ids) * 1e6
        con.close()

        port = free_port()
        env = {**os.environ, "ECOAI_DB_URL": f"sqlite:///{db}"}
        srv = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "ecoai_chain.api.cli:app_from_env",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
             "--log-level", "warning", "--no-access-log"], env=env)
        try:
            for _ in range(200):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
                        json.load(r)
                    break
                except OSError:
                    time.sleep(0.1)
            rnd = random.Random(7)
            cert_paths = [f"/api/v1/certificates/{rnd.randint(1, args.rows)}"
                          for _ in range(5000)]
            bal_paths = [f"/api/v1/credits/balances/0x{rnd.randint(1, args.rows):040x}"
                         for _ in range(5000)]
            measure(port, ["/healthz"], 1.0, args.connections)  # warm-up
            results = {
                "GET /healthz (baseline)": measure(port, ["/healthz"], args.seconds,
                                                   args.connections),
                "GET /certificates/{id}": measure(port, cert_paths, args.seconds,
                                                  args.connections),
                "GET /credits/balances/{addr}": measure(port, bal_paths, args.seconds,
                                                        args.connections),
                "mixed cert + balance": measure(port, cert_paths + bal_paths, args.seconds,
                                                args.connections),
            }
        finally:
            srv.terminate()
            srv.wait(timeout=10)
    print(f"cpus={os.cpu_count()} uvicorn workers={args.workers} "
          f"connections={args.connections} duration={args.seconds:.0f}s per row")
    print(f"baseline raw SQLite PK lookup (in-process): {raw_us:.1f} us/lookup "
          f"({1e6 / raw_us:,.0f}/s)")
    base = results["GET /healthz (baseline)"]["rps"]
    for name, r in results.items():
        print(f"{name:<30} {r['rps']:>8,.0f} req/s  p50 {r['p50']:6.2f} ms  "
              f"p99 {r['p99']:6.2f} ms  ({r['n']:,} requests, {r['rps'] / base:.2f}x healthz)")
    ok = all(r["rps"] >= 1000 and r["p99"] <= 20 for k, r in results.items()
             if "baseline" not in k)
    print(f"target >= 1,000 req/s with p99 <= 20 ms on lookups: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
