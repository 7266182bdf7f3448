"""Carbon-aware placement of deferrable jobs on an intensity forecast (pure, integer).

Model. The forecast is piecewise constant: ``values[k]`` mg/kWh holds on
``[start_s + k·step_s, +step_s)``. A job draws ``power_mw`` for ``duration_s`` seconds and may
start on any step boundary in ``[earliest_s, deadline_s − duration_s]``. Its carbon is
floor(Σₖ power_mw × overlap_s(k) × values[k] / 3.6e9) mg (mW × s = mJ, then the shared rule).

Single job: exact. With prefix sums P[i] = Σ_{k<i} values[k]·step_s, a start at step i with
duration q·step_s + r costs power × (P[i+q] − P[i] + values[i+q]·r): O(1) per start, O(n) in all,
and the minimum over all feasible starts is the optimum (ties go to the earliest start).
Starts are ranked on the unfloored product, so even jobs below 1 mg are placed well.

Several jobs with a capacity limit (the most total power_mw that may run in any step): greedy,
not optimal in general. Jobs are placed in order of decreasing energy (power × duration, the
ones with the most carbon at stake first; ties by deadline), each at its cheapest start whose
steps all have enough spare capacity. Without a capacity limit the jobs are independent, so the
greedy answer is exactly optimal; with one it can miss the optimum (a brute force over small
cases measures the gap in the tests). A job with no feasible start raises `ValidationError`.

"Run now" is each job started at its earliest boundary; the saving is now − scheduled (it can
be negative for a job that *must* wait for capacity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecoai_chain.core.units import MJ_PER_KWH, require_uint
from ecoai_chain.errors import ValidationError


@dataclass(frozen=True)
class Forecast:
    start_s: int
    step_s: int
    values_mg_per_kwh: tuple[int, ...]

    def __post_init__(self) -> None:
        require_uint("forecast.start_s", self.start_s)
        if require_uint("forecast.step_s", self.step_s) == 0:
            raise ValidationError("forecast.step_s", "must be > 0")
        if not self.values_mg_per_kwh:
            raise ValidationError("forecast", "needs at least one value")
        for i, v in enumerate(self.values_mg_per_kwh):
            require_uint(f"forecast.values[{i}]", v)

    @property
    def end_s(self) -> int:
        return self.start_s + self.step_s * len(self.values_mg_per_kwh)


@dataclass(frozen=True)
class Job:
    name: str
    duration_s: int
    deadline_s: int
    power_mw: int
    earliest_s: int = 0

    def __post_init__(self) -> None:
        if require_uint(f"job {self.name}: duration_s", self.duration_s) == 0:
            raise ValidationError(f"job {self.name}: duration_s", "must be > 0")
        require_uint(f"job {self.name}: deadline_s", self.deadline_s)
        require_uint(f"job {self.name}: power_mw", self.power_mw)
        require_uint(f"job {self.name}: earliest_s", self.earliest_s)


@dataclass(frozen=True)
class Placement:
    job: Job
    start_s: int
    carbon_mg: int
    now_start_s: int
    now_carbon_mg: int

    @property
    def saving_mg(self) -> int:
        return self.now_carbon_mg - self.carbon_mg


@dataclass(frozen=True)
class Schedule:
    placements: tuple[Placement, ...]

    @property
    def carbon_mg(self) -> int:
        return sum(p.carbon_mg for p in self.placements)

    @property
    def now_carbon_mg(self) -> int:
        return sum(p.now_carbon_mg for p in self.placements)

    @property
    def saving_mg(self) -> int:
        return self.now_carbon_mg - self.carbon_mg


class _Costs:
    """Prefix sums over the forecast for O(1) window costs."""

    def __init__(self, fc: Forecast) -> None:
        self.fc = fc
        self.prefix = [0]
        for v in fc.values_mg_per_kwh:
            self.prefix.append(self.prefix[-1] + v * fc.step_s)

    def exact(self, job: Job, step: int) -> int:
        """carbon × 3.6e9 (mW·s·mg/kWh), compared before flooring so small jobs still rank."""
        q, r = divmod(job.duration_s, self.fc.step_s)
        tail = self.fc.values_mg_per_kwh[step + q] * r if r else 0
        return job.power_mw * (self.prefix[step + q] - self.prefix[step] + tail)

    def carbon_mg(self, job: Job, step: int) -> int:
        return self.exact(job, step) // MJ_PER_KWH

    def steps_of(self, job: Job, step: int) -> range:
        return range(step, step + -(-job.duration_s // self.fc.step_s))

    def feasible_starts(self, job: Job) -> range:
        fc = self.fc
        first = max(0, -(-(job.earliest_s - fc.start_s) // fc.step_s))
        last_by_deadline = (job.deadline_s - job.duration_s - fc.start_s)
        last_by_forecast = (fc.end_s - job.duration_s - fc.start_s)
        last = min(last_by_deadline, last_by_forecast)
        if last < 0:
            return range(0)
        return range(first, last // fc.step_s + 1)


def _check(job: Job, costs: _Costs) -> range:
    starts = costs.feasible_starts(job)
    if len(starts) == 0:
        fc = costs.fc
        raise ValidationError(f"job {job.name}", f"no start in [{max(job.earliest_s, fc.start_s)}, "
                              f"{job.deadline_s} - {job.duration_s}] on the forecast "
                              f"[{fc.start_s}, {fc.end_s}) (deadline too early or forecast too "
                              "short)")
    return starts


def _placement(job: Job, step: int, now: int, costs: _Costs) -> Placement:
    fc = costs.fc
    return Placement(job, fc.start_s + step * fc.step_s, costs.carbon_mg(job, step),
                     fc.start_s + now * fc.step_s, costs.carbon_mg(job, now))


def best_start(job: Job, forecast: Forecast) -> Placement:
    """The exact minimum-carbon start for one job (earliest among ties)."""
    costs = _Costs(forecast)
    starts = _check(job, costs)
    best = min(starts, key=lambda s: (costs.exact(job, s), s))
    return _placement(job, best, starts[0], costs)


def schedule(jobs: Sequence[Job], forecast: Forecast, capacity_mw: int | None = None) -> Schedule:
    """Place every job; greedy under a capacity limit (see the module docstring)."""
    costs = _Costs(forecast)
    if capacity_mw is not None:
        require_uint("capacity_mw", capacity_mw)
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        raise ValidationError("jobs", "job names must be unique")
    used = [0] * len(forecast.values_mg_per_kwh)
    placed: dict[str, Placement] = {}
    order = sorted(jobs, key=lambda j: (-j.power_mw * j.duration_s, j.deadline_s, j.name))
    for job in order:
        starts = _check(job, costs)
        if capacity_mw is not None and job.power_mw > capacity_mw:
            raise ValidationError(f"job {job.name}: power_mw", f"{job.power_mw} exceeds the "
                                  f"capacity {capacity_mw}")
        ok = [s for s in starts if capacity_mw is None
              or all(used[k] + job.power_mw <= capacity_mw for k in costs.steps_of(job, s))]
        if not ok:
            raise ValidationError(f"job {job.name}", "no start with enough spare capacity "
                                  "before its deadline")
        best = min(ok, key=lambda s: (costs.exact(job, s), s))
        for k in costs.steps_of(job, best):
            used[k] += job.power_mw
        placed[job.name] = _placement(job, best, starts[0], costs)
    return Schedule(tuple(placed[n] for n in names))


def window_carbon_mg(job: Job, start_s: int, forecast: Forecast) -> int:
    """Carbon of one job at any start (step boundary or not), by direct per-second integration.

    Used as the independent reference in tests; O(duration_s).
    """
    total = 0
    for t in range(start_s, start_s + job.duration_s):
        k = (t - forecast.start_s) // forecast.step_s
        if not 0 <= k < len(forecast.values_mg_per_kwh):
            raise ValidationError("start_s", f"{start_s} runs outside the forecast")
        total += job.power_mw * forecast.values_mg_per_kwh[k]
    return total // MJ_PER_KWH
