"""Attestor CPU cost at 1 Hz sampling, measured beside CodeCarbon's tracker in the same run.

Two child processes run at the same time for ``--duration-s`` (default 60 s):
* the attestor daemon (APScheduler, 1 s sampling, 60 s windows, signing + SQLite commit),
  offline (no chain), on the shipped replay trace with its work column -- this machine has
  no GPU and no readable RAPL, so ReplaySource stands in for NVML;
* CodeCarbon's ``OfflineEmissionsTracker(country_iso_code="KOR", measure_power_secs=1)``,
  installed only in ``.venv-bench`` (created here on first run; needs PyPI once).

Each child reports its CPU time (user + system, ``getrusage``) over the measured span only
(after start-up), plus start-up CPU separately. Target: attestor <= 1 % of one core and
below CodeCarbon.

    .venv/bin/python bench/bench_attestor.py [--duration-s 60]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / ".venv-bench"
WARMUP_S = 3.0


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child_agent(duration_s: float, out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from eth_account import Account

    from attestor.metrics import Metrics
    from attestor.pipeline import Agent
    from attestor.scheduler import Daemon
    from attestor.store import Store
    from attestor.work.replay import ReplayWorkSource
    from ecoai_chain.energy.replay import ReplaySource

    trace = ROOT / "traces" / "synthetic_llm_gpu.csv"
    with tempfile.TemporaryDirectory() as td:
        store = Store(Path(td) / "a.db")
        agent = Agent(store, Account.create(), ReplaySource(trace), ReplayWorkSource(trace),
                      window_s=60, metrics=Metrics())
        daemon = Daemon(agent, None, None, lambda: None, sample_interval_s=1.0,
                        chain_interval_s=5.0)
        import logging

        logging.getLogger("ecoai.attestor").setLevel(logging.WARNING)
        mark: dict[str, float] = {}

        def begin() -> None:  # steady state: after start-up (trace load, log check, imports)
            mark["c0"], mark["t0"] = cpu_s(), time.monotonic()

        def end() -> None:
            mark["c1"], mark["t1"] = cpu_s(), time.monotonic()
            daemon.stop_event.set()

        threading.Timer(WARMUP_S, begin).start()
        threading.Timer(WARMUP_S + duration_s, end).start()
        daemon.run(install_signals=False)
        c0, t0, c1, t1 = mark["c0"], mark["t0"], mark["c1"], mark["t1"]
        windows = len(store.windows())
    out.write_text(json.dumps({"cpu_s": c1 - c0, "wall_s": t1 - t0, "startup_cpu_s": c0,
                               "windows": windows}))


def child_codecarbon(duration_s: float, out: Path) -> None:
    import logging

    from codecarbon import OfflineEmissionsTracker

    tracker = OfflineEmissionsTracker(country_iso_code="KOR", measure_power_secs=1,
                                      save_to_file=False, log_level="error",
                                      tracking_mode="machine")
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    tracker.start()
    time.sleep(WARMUP_S)
    c0, t0 = cpu_s(), time.monotonic()
    time.sleep(duration_s)
    c1, t1 = cpu_s(), time.monotonic()
    emissions = tracker.stop()
    out.write_text(json.dumps({"cpu_s": c1 - c0, "wall_s": t1 - t0, "startup_cpu_s": c0,
                               "emissions_kg": emissions}))


def ensure_bench_venv() -> Path:
    py = BENCH_VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    if subprocess.run([str(py), "-c", "import codecarbon"], capture_output=True).returncode:
        print("installing codecarbon into .venv-bench (once) ...", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "codecarbon"], check=True)
    return py


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration-s", type=float, default=60.0)
    ap.add_argument("--child", choices=["agent", "codecarbon"])
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    if a.child == "agent":
        return child_agent(a.duration_s, a.out)
    if a.child == "codecarbon":
        return child_codecarbon(a.duration_s, a.out)

    bench_py = ensure_bench_venv()
    with tempfile.TemporaryDirectory() as td:
        outs = {k: Path(td) / f"{k}.json" for k in ("agent", "codecarbon")}
        env = {**os.environ, "CODECARBON_LOG_LEVEL": "error"}
        procs = {
            "agent": subprocess.Popen([sys.executable, __file__, "--child", "agent",
                                       "--duration-s", str(a.duration_s), "--out",
                                       str(outs["agent"])], env=env),
            "codecarbon": subprocess.Popen([str(bench_py), __file__, "--child", "codecarbon",
                                            "--duration-s", str(a.duration_s), "--out",
                                            str(outs["codecarbon"])], env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE),
        }
        for k, p in procs.items():
            if p.wait() != 0:
                err = p.stderr.read().decode()[-2000:] if p.stderr else ""
                sys.exit(f"{k} child failed (rc {p.returncode}): {err}")
        res = {k: json.loads(v.read_text()) for k, v in outs.items()}
    print(f"duration {a.duration_s:.0f} s, both running concurrently, 1 Hz sampling")
    print(f"{'':12} {'cpu_s':>8} {'% of core':>10} {'startup cpu_s':>14}")
    for k, r in res.items():
        pct = 100 * r["cpu_s"] / r["wall_s"]
        r["pct"] = pct
        print(f"{k:12} {r['cpu_s']:8.3f} {pct:9.3f}% {r['startup_cpu_s']:14.3f}")
    ratio = res["agent"]["cpu_s"] / max(res["codecarbon"]["cpu_s"], 1e-9)
    print(f"attestor / codecarbon CPU = {ratio:.2f}x; attestor windows stored: "
          f"{res['agent']['windows']}")
    print(f"target (<= 1 % of one core and below CodeCarbon): "
          f"{'met' if res['agent']['pct'] <= 1.0 and ratio < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
