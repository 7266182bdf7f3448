"""Scheduler: prefix-sum placement vs a naive per-start re-summation, same answers.

    .venv/bin/python bench/bench_scheduler.py
"""

from __future__ import annotations

import random
import time

from ecoai_chain.core.units import MJ_PER_KWH
from ecoai_chain.scheduler.core import Forecast, Job, best_start


def naive(job: Job, fc: Forecast) -> tuple[int, int]:
    """Re-sum every candidate window from scratch: O(n × duration/step)."""
    best = None
    v, step = fc.values_mg_per_kwh, fc.step_s
    for k in range(len(v)):
        start = fc.start_s + k * step
        if start + job.duration_s > min(job.deadline_s, fc.end_s):
            break
        q, r = divmod(job.duration_s, step)
        total = sum(v[k + i] * step for i in range(q)) + (v[k + q] * r if r else 0)
        cand = (job.power_mw * total, start)
        best = cand if best is None or cand < best else best
    assert best is not None
    return best[0] // MJ_PER_KWH, best[1]


def main() -> None:
    rng = random.Random(1)
    fc = Forecast(0, 300, tuple(rng.randint(50_000, 700_000) for _ in range(7 * 288)))  # 7 days
    job = Job("train", 8 * 3600 + 120, fc.end_s, 350_000)
    t0 = time.perf_counter()
    for _ in range(20):
        fast = best_start(job, fc)
    t_fast = (time.perf_counter() - t0) / 20
    t0 = time.perf_counter()
    for _ in range(3):
        slow = naive(job, fc)
    t_slow = (time.perf_counter() - t0) / 3
    assert (fast.carbon_mg, fast.start_s) == slow
    print(f"forecast: {len(fc.values_mg_per_kwh)} steps of 300 s; job 8 h 2 min at 350 W")
    print(f"prefix sums: {t_fast * 1000:.2f} ms   naive: {t_slow * 1000:.2f} ms   "
          f"ratio naive/prefix: {t_slow / t_fast:.1f}x")
    print(f"best start {fast.start_s} s: {fast.carbon_mg / 1000:.1f} g vs now "
          f"{fast.now_carbon_mg / 1000:.1f} g (saves {fast.saving_mg / 1000:.1f} g)")


if __name__ == "__main__":
    main()
