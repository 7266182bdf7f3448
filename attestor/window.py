"""Window aggregation (pure: no I/O, no wall clock -- times are passed in).

Windows are aligned to unix time: window k covers ``[k*window_s, (k+1)*window_s)``. Every
device (and the work counter) is tracked as a *counter*; the counter value at a window
boundary is linearly interpolated (floor) between the samples either side of it. Window
energy is the difference of two boundary values, so energy telescopes: the sum over any run
of windows equals the counter difference over that span, exactly.

A counter that goes backwards (driver reload, workload restart) is a reset: the increment
over that interval is the new value (what accrued since the reset; never negative, possibly
an under-count) and the window is marked ``estimated``.

Gaps: when consecutive samples straddle several boundaries (agent down, process stalled)
the same interpolation spreads the exact counter difference evenly over the missed windows;
those windows are marked ``gap`` and ``estimated`` (the total is exact, its split in time is
not). An even split is chosen over putting everything in the slot where sampling resumed
because the circuit bounds each slot's energy by max_power x window; a lump would not prove.

The very first window of a fresh agent covers only the time since its first sample (the
counter's value at the window start is unknown) and is marked ``estimated``.

Clock steps: samples are placed on the window timeline by `attestor.timeline.Timeline`,
which measures elapsed time with the monotonic clock and absorbs wall-clock steps (forward:
spread as gap windows; back: the timeline slews back within the max power); the windows a
step touches are marked ``estimated``. No tick is dropped and no energy is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from attestor.timeline import ClockStep, Timeline

WORK_KEY = "__work__"


@dataclass(frozen=True)
class ClosedWindow:
    start_s: int
    end_s: int
    energy_mj: int
    work: int
    sample_count: int
    mean_power_mw: int
    max_power_mw: int
    estimated: bool
    gap: bool
    cursor: dict[str, int]  # raw counter per device (and WORK_KEY) at end_s
    # How the window was measured (`ecoai_chain.energy.quality.WindowMeasurement`, filled in
    # by the pipeline; record version 2 -- `attestor.signing.MEASUREMENT_FIELDS`).
    method: str = "unknown"
    power_energy_mj: int | None = None
    counter_power_diff_ppm: int | None = None
    counter_update_period_ms: int | None = None
    quality_flags: str = ""
    # The workload's share of it on a shared GPU (record version 3 --
    # `attestor.signing.ATTRIBUTION_FIELDS`; `ecoai_chain.energy.attribution`).
    attribution_method: str = "none"
    attributed_share_ppm: int | None = None


@dataclass
class _Track:
    t_s: float      # time of the last sample (or of the boundary the cursor was taken at)
    raw: int        # raw counter at t_s
    v: int          # virtual (reset-free) counter at t_s
    v_start: int    # virtual counter at the open window's start boundary


@dataclass
class WindowAccumulator:
    """Feed ``add(t_s, readings, ...)`` each tick; it returns the windows that closed.

    ``readings`` maps device id -> raw cumulative counter (mJ; ``WORK_KEY`` for work).
    ``resume`` (from the store) restarts exactly where the last closed window ended.
    ``max_power_mw`` (the registered cap) paces the timeline after the clock steps back;
    ``step_hold_s`` (default: one window) is how long a forward step must hold.
    """

    window_s: int
    window_end_s: int | None = None
    max_power_mw: int | None = None
    step_hold_s: float | None = None
    _tracks: dict[str, _Track] = field(default_factory=dict)
    _count: int = 0
    _max_power_mw: int = 0
    _estimated: bool = False
    timeline: Timeline = field(init=False)

    def __post_init__(self) -> None:
        hold = self.step_hold_s if self.step_hold_s is not None else float(self.window_s)
        self.timeline = Timeline(hold_s=hold, max_power_mw=self.max_power_mw)

    @classmethod
    def resume(cls, window_s: int, end_s: int, cursor: dict[str, int],
               max_power_mw: int | None = None) -> WindowAccumulator:
        acc = cls(window_s, window_end_s=end_s + window_s, max_power_mw=max_power_mw)
        acc._tracks = {k: _Track(float(end_s), int(v), 0, 0) for k, v in cursor.items()}
        acc.timeline.last_s = float(end_s)
        return acc

    def drain_clock_steps(self) -> list[ClockStep]:
        return self.timeline.drain_steps()

    def mark_estimated(self) -> None:
        """A tick failed (e.g. a GPU did not answer): the open window is incomplete."""
        self._estimated = True

    def add(self, t_s: float, readings: dict[str, int], power_mw: dict[str, int] | None = None,
            estimated: bool = False, reset: bool = False, mono_s: float | None = None,
            ) -> list[ClosedWindow]:
        """``t_s`` is the wall time of the tick, ``mono_s`` its monotonic time (without it
        the wall clock is trusted to be monotonic)."""
        if self.window_end_s is None:  # very first sample: baseline only
            self.timeline.place(t_s, mono_s, 0)
            self.window_end_s = (int(t_s) // self.window_s + 1) * self.window_s
            self._tracks = {k: _Track(t_s, v, 0, 0) for k, v in readings.items()}
            self._estimated = True  # partial first window
            self._count = 1
            return []
        energy_inc = sum(raw - tr.raw if raw >= tr.raw else raw
                         for k, raw in readings.items()
                         if k != WORK_KEY and (tr := self._tracks.get(k)) is not None)
        placed = self.timeline.place(t_s, mono_s, energy_inc)
        if placed is None:
            return []  # the timeline cannot advance yet: the counters carry the energy on
        t_s, off_clock = placed
        estimated = estimated or off_clock
        prev = {k: (tr.t_s, tr.v) for k, tr in self._tracks.items()}
        tick_power = 0
        for k, raw in readings.items():
            tr = self._tracks.get(k)
            if tr is None:  # new device: baseline from now on
                self._tracks[k] = _Track(t_s, raw, 0, 0)
                prev[k] = (t_s, 0)
                continue
            if raw >= tr.raw:
                inc = raw - tr.raw
            else:
                inc, reset = raw, True
            dt = t_s - tr.t_s
            if k != WORK_KEY:
                if power_mw and k in power_mw:
                    tick_power += power_mw[k]
                elif dt > 0:
                    tick_power += int(inc / dt)
            tr.t_s, tr.raw, tr.v = t_s, raw, tr.v + inc
        # A device missing from this tick (its read failed) keeps its last reading; its
        # energy is booked, by interpolation, once it answers again.
        self._estimated |= estimated or reset
        closed: list[ClosedWindow] = []
        while t_s >= self.window_end_s:
            b = self.window_end_s
            energy = work = 0
            cursor: dict[str, int] = {}
            for k, tr in self._tracks.items():
                pt, pv = prev[k]
                vb = pv + int((tr.v - pv) * (b - pt) / (t_s - pt)) if t_s > pt else tr.v
                if k == WORK_KEY:
                    work += vb - tr.v_start
                else:
                    energy += vb - tr.v_start
                tr.v_start = vb
                cursor[k] = max(0, tr.raw - (tr.v - vb))
            mean = energy // self.window_s
            gap = self._count == 0
            closed.append(ClosedWindow(
                start_s=b - self.window_s, end_s=b, energy_mj=energy, work=work,
                sample_count=self._count, mean_power_mw=mean,
                max_power_mw=max(mean, self._max_power_mw), estimated=self._estimated or gap,
                gap=gap, cursor=cursor))
            self.window_end_s = b + self.window_s
            self._count, self._max_power_mw = 0, 0
            self._estimated = estimated or reset
        self._count += 1
        self._max_power_mw = max(self._max_power_mw, tick_power)
        return closed
