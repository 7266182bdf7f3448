"""Simulation on anvil: N nodes' certificates through the relayer, the indexer and the API.

    .venv/bin/python bench/sim_network.py [--nodes 1000] [--batch 32] [--block-time-s 2]

Every part is the real one, as separate processes: anvil (interval mining, an L1-sized block
gas limit), GreenProof deployed by `deploy_all`, `ecoai relay serve` (batches of --batch or
--max-age-s), `ecoai indexer run` on a SQLite file and `ecoai api serve` on it. N nodes are
registered and activated; each node's attestor key signs one hourly epoch's certificate with
a real Groth16 proof. Proofs take most of the time (seconds each), so they are made once and
kept in the benches' one proof cache (bench/proof_cache.py, set ``sim``:
bench/.cache/proofs/<zkey sha256>/sim/, git-ignored): a second run only signs and posts.
Then every item is posted to the relayer (4 threads) and the run measures, while it lands and
is indexed:

* relayer intake: items accepted per second (the relayer checks each signature and, by
  eth_call to the Groth16Verifier, each proof before it queues it);
* sustained certificates per second on chain (first to last landing), batches, gas each;
* indexer lag: per certificate, wall time from seen on chain to served by the API, and the
  block lag sampled once a second;
* API latency (p50/p95/p99/max) of GET /api/v1/certificates/{id} and of a node's
  certificate list, sampled continuously while the load runs.

Figures are printed and written to bench/out/sim_network.json, with a plot of landed vs
indexed certificates over time (bench/out/sim_network.png). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from eth_account import Account  # noqa: E402
from rich.progress import (  # noqa: E402
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,  # noqa: E402
)
from web3 import HTTPProvider, Web3  # noqa: E402

from ecoai_chain.chain.client import GreenProofClient  # noqa: E402
from ecoai_chain.chain.deployment import deploy_all  # noqa: E402
from ecoai_chain.chain.devnet import Anvil, dev_private_key, free_port, set_chain_time  # noqa: E402
from ecoai_chain.chain.eip712 import sign_certificate  # noqa: E402
from ecoai_chain.core.bytes32 import encode_bytes32  # noqa: E402
from ecoai_chain.core.certificate import Certificate  # noqa: E402
from ecoai_chain.relay.wire import item_body  # noqa: E402
from ecoai_chain.zk.witness import EpochInput  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proof_cache  # noqa: E402  (bench/, beside this file)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
EPOCH_LENGTH_S = 3600
WINDOW_S = 60
SLOTS = 60
EPOCH0_S = 1_767_225_600  # 2026-01-01T00:00:00Z
CHAIN_START_S = EPOCH0_S - 86_400
PARAMS_FROM_S = CHAIN_START_S + 3600
WORKLOAD_CLASS = "llm-inference"
BASELINE_NG_PER_WORK = 5_000_000
CEILING_WORK_PER_KWH = 50_000_000
REGIONS = [("KR", 436_000), ("FR", 56_000), ("DE", 380_000), ("US-CAL", 210_000)]
MAX_POWER_MW = 700_000
RELAYER_ACCOUNT = 5
OPERATORS = (1, 2, 3, 4)


def node_epoch(node_id: int) -> EpochInput:
    """Node ``node_id``'s first epoch: 300-500 W per window, 600-1400 tokens per window."""
    rng = random.Random(f"sim-{node_id}")
    _, intensity = REGIONS[(node_id - 1) % len(REGIONS)]
    watts = rng.randrange(300, 500)
    energy = [min(rng.randrange(watts * 800, watts * 1200) * WINDOW_S, MAX_POWER_MW * WINDOW_S)
              for _ in range(SLOTS)]
    return EpochInput(
        node_id=node_id, epoch_start_s=EPOCH0_S, window_s=WINDOW_S, slot_energy_mj=energy,
        slot_work=[rng.randrange(600, 1400) for _ in range(SLOTS)],
        intensity_mg_per_kwh=intensity, max_power_mw=MAX_POWER_MW,
        seed=hashlib.sha256(f"sim-seed-{node_id}".encode()).digest())


def node_spec(node_id: int) -> dict:
    """What node ``node_id``'s proof is of (`node_epoch`'s inputs, JSON-able): the cache
    proves a node again when this changes."""
    e = node_epoch(node_id)
    return {"node_id": node_id, "epoch_start_s": e.epoch_start_s, "window_s": e.window_s,
            "slot_energy_mj": list(e.slot_energy_mj), "slot_work": list(e.slot_work),
            "intensity_mg_per_kwh": e.intensity_mg_per_kwh, "max_power_mw": e.max_power_mw,
            "seed": e.seed.hex()}


def prove_node(prover, spec: dict) -> dict:
    """Worker process: the public values and snarkjs proof of one node's epoch."""
    e = node_epoch(spec["node_id"])
    b = prover.prove(e)
    return {"public": {k: str(v) for k, v in e.public_values().items()}, "proof": b.proof}


def proofs(n: int, workers: int) -> tuple[Path, float]:
    """Make (or reuse) the cached proofs of nodes 1..n; returns the cache and seconds spent."""
    cost = proof_cache.ensure("sim", [(f"node{i:05d}", node_spec(i)) for i in range(1, n + 1)],
                              prove_node, workers)
    return Path(cost["dir"]), cost["seconds"]


def _bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn())


def attestor_key(node_id: int) -> bytes:
    return hashlib.sha256(f"sim-attestor-{node_id}".encode()).digest()


def setup_chain(w3: Web3, n: int) -> GreenProofClient:
    admin = Account.from_key(dev_private_key(0))
    d = deploy_all(w3, admin, EPOCH_LENGTH_S)
    c = GreenProofClient(w3, d, admin)
    for region, intensity in REGIONS:
        c.set_region_intensity(region, intensity, PARAMS_FROM_S)
    c.set_baseline(WORKLOAD_CLASS, BASELINE_NG_PER_WORK, PARAMS_FROM_S)
    c.set_efficiency_ceiling(WORKLOAD_CLASS, CEILING_WORK_PER_KWH, PARAMS_FROM_S)
    c.set_challenge_window(3600, PARAMS_FROM_S)
    set_chain_time(w3, PARAMS_FROM_S + 60, at_least=True)
    ops = [GreenProofClient(w3, d, Account.from_key(dev_private_key(i))) for i in OPERATORS]
    with _bar() as bar:
        task = bar.add_task("registering + activating nodes", total=n)
        for node_id in range(1, n + 1):
            op = ops[(node_id - 1) % len(ops)]
            region, _ = REGIONS[(node_id - 1) % len(REGIONS)]
            got = op.register_node(Account.from_key(attestor_key(node_id)).address, region,
                                   MAX_POWER_MW, f"sim://{node_id}")
            if got != node_id:
                raise SystemExit(f"node ids out of order: expected {node_id}, got {got}")
            c.activate_node(node_id)
            bar.advance(task)
    set_chain_time(w3, EPOCH0_S + EPOCH_LENGTH_S + 60, at_least=True)
    return c


def items(client: GreenProofClient, cache: Path, n: int) -> list[dict]:
    chain_id, gp = client.w3.eth.chain_id, client.deployment.green_proof
    out = []
    cls = encode_bytes32(WORKLOAD_CLASS)
    for node_id in range(1, n + 1):
        rec = proof_cache.load(cache, f"node{node_id:05d}")
        cert = Certificate.from_public({k: int(v) for k, v in rec["public"].items()},
                                       workload_class=cls)
        sig = sign_certificate(attestor_key(node_id), chain_id, gp, cert.struct())
        out.append(item_body(cert, rec["proof"], sig))
    return out


def ecoai(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecoai_chain.cli", *args]


def wait_http(url: str, what: str, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{what} did not answer at {url}")


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Monitor(threading.Thread):
    """Once a second: certificates on chain, head block, indexed block; per certificate the
    first time it is on chain and the first time the API serves it."""

    def __init__(self, w3: Web3, client: GreenProofClient, api: str, n: int) -> None:
        super().__init__(daemon=True)
        self.w3, self.client, self.api, self.n = w3, client, api, n
        self.samples: list[dict] = []
        self.landed_at: dict[int, float] = {}
        self.indexed_at: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        http = httpx.Client(timeout=10)
        while not self.stop.is_set():
            now = time.monotonic()
            count = self.client.certificate_count()
            head = self.w3.eth.block_number
            for cid in range(len(self.landed_at) + 1, count + 1):
                self.landed_at[cid] = now
            indexed_block = http.get(f"{self.api}/healthz").json().get("indexed_block")
            nxt = len(self.indexed_at) + 1
            while nxt <= count and http.get(
                    f"{self.api}/api/v1/certificates/{nxt}").status_code == 200:
                self.indexed_at[nxt] = time.monotonic()
                nxt += 1
            self.samples.append({"t": now, "landed": count, "indexed": len(self.indexed_at),
                                 "head": head, "indexed_block": indexed_block})
            if len(self.indexed_at) >= self.n:
                return
            self.stop.wait(1.0)


class ApiLoad(threading.Thread):
    """Reads as a stranger would while the load runs: a certificate, a node's list."""

    def __init__(self, api: str, monitor: Monitor) -> None:
        super().__init__(daemon=True)
        self.api, self.monitor = api, monitor
        self.one: list[float] = []
        self.lists: list[float] = []
        self.errors = 0
        self.stop = threading.Event()

    def run(self) -> None:
        http = httpx.Client(timeout=10)
        rng = random.Random(7)
        while not self.stop.is_set():
            known = len(self.monitor.indexed_at)
            if not known:
                self.stop.wait(0.2)
                continue
            for url, sink in ((f"{self.api}/api/v1/certificates/{rng.randint(1, known)}", self.one),
                              (f"{self.api}/api/v1/nodes/{rng.randint(1, self.monitor.n)}"
                               "/certificates", self.lists)):
                t0 = time.perf_counter()
                r = http.get(url)
                sink.append((time.perf_counter() - t0) * 1000)
                self.errors += r.status_code >= 400
            self.stop.wait(0.05)


def main() -> int:  # noqa: PLR0915 - one scenario, read top to bottom
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=32, help="relayer max batch size")
    ap.add_argument("--max-age-s", type=float, default=5.0, help="relayer max item age")
    ap.add_argument("--block-time-s", type=int, default=2)
    ap.add_argument("--block-gas-limit", type=int, default=36_000_000)
    ap.add_argument("--prove-workers", type=int, default=max(1, (os.cpu_count() or 2)))
    ap.add_argument("--timeout-s", type=float, default=3600)
    ap.add_argument("--prove-only", action="store_true", help="fill the proof cache and stop")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    cache, prove_s = proofs(a.nodes, a.prove_workers)
    if a.prove_only:
        print(f"{a.nodes} proofs cached in {cache} ({prove_s:.0f} s spent now)")
        return 0
    work = OUT / "sim_run"
    if work.exists():
        for f in work.iterdir():
            f.unlink()
    work.mkdir(exist_ok=True)
    procs: list[subprocess.Popen] = []
    anvil = Anvil(extra_args=["--timestamp", str(CHAIN_START_S), "--gas-limit",
                              str(a.block_gas_limit), "--accounts", "10"])
    with anvil:
        w3 = Web3(HTTPProvider(anvil.rpc_url, request_kwargs={"timeout": 60}))
        t0 = time.perf_counter()
        client = setup_chain(w3, a.nodes)
        setup_s = time.perf_counter() - t0
        manifest = work / "deployment.json"
        client.deployment.save(manifest)
        bodies = items(client, cache, a.nodes)
        # From here on blocks come every --block-time-s, as on a real chain.
        w3.provider.make_request("evm_setAutomine", [False])
        w3.provider.make_request("evm_setIntervalMining", [a.block_time_s])
        db = f"sqlite:///{work / 'index.db'}"
        logs = {name: (work / f"{name}.log").open("wb") for name in ("relay", "indexer", "api")}
        rport, aport = free_port(), free_port()
        try:
            procs.append(subprocess.Popen(ecoai(
                "relay", "serve", "--manifest", str(manifest), "--rpc", anvil.rpc_url,
                "--dev-account", str(RELAYER_ACCOUNT), "--db", str(work / "relay.db"),
                "--port", str(rport), "--max-batch-size", str(a.batch),
                "--max-age-s", str(a.max_age_s), "--tick-s", "0.2"),
                stdout=logs["relay"], stderr=subprocess.STDOUT))
            index = ("indexer", "run", "--manifest", str(manifest), "--rpc", anvil.rpc_url,
                     "--db", db, "--confirmations", "0")
            subprocess.run(ecoai(*index, "--once"), check=True, stdout=logs["indexer"],
                           stderr=subprocess.STDOUT)
            procs.append(subprocess.Popen(ecoai(*index, "--poll-s", "0.5"),
                                          stdout=logs["indexer"], stderr=subprocess.STDOUT))
            procs.append(subprocess.Popen(ecoai(
                "api", "serve", "--db", db, "--port", str(aport), "--manifest", str(manifest)),
                stdout=logs["api"], stderr=subprocess.STDOUT))
            relay = f"http://127.0.0.1:{rport}/relay/v1"
            api = f"http://127.0.0.1:{aport}"
            wait_http(f"{relay}/status", "relay serve", procs[0])
            wait_http(f"{api}/healthz", "api serve", procs[2])
            monitor = Monitor(w3, client, api, a.nodes)
            load = ApiLoad(api, monitor)
            monitor.start()
            load.start()
            post_ms: list[float] = []
            refused: list[str] = []
            t_post = time.monotonic()

            def post(body: dict) -> None:
                with httpx.Client(timeout=120) as http:
                    t = time.perf_counter()
                    r = http.post(f"{relay}/items", json=body)
                    post_ms.append((time.perf_counter() - t) * 1000)
                    if r.status_code != 202:
                        refused.append(f"{r.status_code} {r.text[:200]}")

            with _bar() as bar, ThreadPoolExecutor(4) as pool:
                task = bar.add_task("posting to the relayer", total=len(bodies))
                for _ in pool.map(post, bodies):
                    bar.advance(task)
            posted_s = time.monotonic() - t_post
            monitor.join(a.timeout_s)
            load.stop.set()
            monitor.stop.set()
            status = httpx.get(f"{relay}/status", timeout=10).json()
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
            for f in logs.values():
                f.close()
        report = summarize(a, w3, client, monitor, load, post_ms, refused, posted_s, status,
                           prove_s, setup_s)
    (OUT / "sim_network.json").write_text(json.dumps(report, indent=1) + "\n")
    plot(monitor, OUT / "sim_network.png")
    print_report(report)
    return 0


def summarize(a, w3, client, monitor, load, post_ms, refused, posted_s, status, prove_s,
              setup_s) -> dict:
    landed = sorted(monitor.landed_at.values())
    lag_s = [monitor.indexed_at[c] - monitor.landed_at[c]
             for c in monitor.indexed_at if c in monitor.landed_at]
    block_lag = [s["head"] - s["indexed_block"] for s in monitor.samples
                 if s["indexed_block"] is not None]
    span = (landed[-1] - landed[0]) if len(landed) > 1 else float("nan")
    return {
        "nodes": a.nodes, "batch": a.batch, "max_age_s": a.max_age_s,
        "block_time_s": a.block_time_s, "block_gas_limit": a.block_gas_limit,
        "proving_s": round(prove_s, 1), "chain_setup_s": round(setup_s, 1),
        "posted": len(post_ms), "refused": len(refused), "refusals": refused[:5],
        "post_s": round(posted_s, 1), "intake_items_per_s": round(len(post_ms) / posted_s, 2),
        "post_ms_p50": round(pct(post_ms, 50), 1), "post_ms_p95": round(pct(post_ms, 95), 1),
        "landed": len(landed), "indexed": len(monitor.indexed_at),
        "landing_span_s": round(span, 1),
        "sustained_certificates_per_s": round((len(landed) - 1) / span, 2) if len(landed) > 1
        else None,
        "indexer_lag_s_p50": round(pct(lag_s, 50), 2),
        "indexer_lag_s_p95": round(pct(lag_s, 95), 2),
        "indexer_lag_s_max": round(max(lag_s), 2) if lag_s else None,
        "indexer_lag_blocks_max": max(block_lag) if block_lag else None,
        "api_certificate_ms": {p: round(pct(load.one, p), 1) for p in (50, 95, 99, 100)},
        "api_node_list_ms": {p: round(pct(load.lists, p), 1) for p in (50, 95, 99, 100)},
        "api_requests": len(load.one) + len(load.lists), "api_errors": load.errors,
        "relay_status": status,
        "relay_batches_mined": status.get("batches", {}).get("mined"),
        "relay_gas_per_certificate": (round(status["gas_used"] / len(landed))
                                      if landed and status.get("gas_used") else None),
    }


def plot(monitor: Monitor, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not monitor.samples:
        return
    t0 = monitor.samples[0]["t"]
    t = [s["t"] - t0 for s in monitor.samples]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(t, [s["landed"] for s in monitor.samples], label="on chain")
    ax.plot(t, [s["indexed"] for s in monitor.samples], label="served by the API")
    ax.set_xlabel("seconds since the first post")
    ax.set_ylabel("certificates")
    ax.set_title(f"{monitor.n} nodes through the relayer, indexer and API")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def print_report(r: dict) -> None:
    keys = [k for k in r if k not in ("relay_status", "refusals")]
    width = max(len(k) for k in keys)
    for k in keys:
        print(f"{k:<{width}}  {r[k]}")
    if r["refusals"]:
        print("first refusals:", *r["refusals"], sep="\n  ")
    print(f"relayer status: {json.dumps(r['relay_status'])}")
    print(f"wrote {OUT / 'sim_network.json'} and {OUT / 'sim_network.png'}")


if __name__ == "__main__":
    sys.exit(main())
