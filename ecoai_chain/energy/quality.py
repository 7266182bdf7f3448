"""How a window's energy was measured, and how far to trust it (pure: times are passed in).

Methods (`METHODS`), the weakest present in a window wins:

- ``counter``: differences of a hardware energy counter (NVML total energy, RAPL) -- exact
  over the window up to the counter's update period;
- ``integrated_power``: polled power integrated over time (E = sum P_i * dt_i) because the
  device has no counter -- an estimate (nvidia-smi's power covers only part of the runtime
  on A100/H100 and is a one-second average on Ampere and newer);
- ``model``: a CPU-time model (the optimizer's last resort);
- ``replay``: a recorded or synthetic trace replayed;
- ``gap``: no sample inside the window (agent down): the counter difference across the gap
  is spread evenly, so the total is exact but this window's share is not.

Where a device reports both a counter and power, `WindowQuality` also integrates the power
(trapezoid rule between ticks, split at window boundaries by linear interpolation) and the
window records the difference ``(counter - integrated power) / counter`` in parts per million.
It also observes each counter's update period: the median interval between ticks at which the
raw counter changed (an upper bound when sampling is slower than the counter updates: then
every tick shows a change and the period observed is the sampling interval).

Flags on a window: ``counter_power_mismatch`` when the difference exceeds 1 % (10,000 ppm);
``short_window`` when the window is shorter than ten counter update periods (the counter's
quantisation is then more than a tenth of the window).
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass, field
from statistics import median

from ecoai_chain.energy import (
    COUNTER,
    GAP,
    INTEGRATED_POWER,
    MODEL,
    REPLAY,
    UNKNOWN,
    EnergySample,
)

METHODS = (COUNTER, INTEGRATED_POWER, MODEL, REPLAY, GAP)
_WEAKNESS = {COUNTER: 0, REPLAY: 1, INTEGRATED_POWER: 2, MODEL: 3, GAP: 4, UNKNOWN: 5}

MISMATCH_PPM = 10_000          # 1 %
SHORT_WINDOW_PERIODS = 10      # a window must span at least ten counter updates
FLAG_MISMATCH = "counter_power_mismatch"
FLAG_SHORT = "short_window"
_PERIOD_HISTORY = 33           # changes remembered per device for the median


def weakest(methods: set[str]) -> str:
    return max(methods, key=lambda m: _WEAKNESS.get(m, _WEAKNESS[UNKNOWN])) if methods else GAP


@dataclass(frozen=True)
class WindowMeasurement:
    """What a closed window says about its own measurement (integers only: it is signed)."""

    method: str
    power_energy_mj: int | None = None      # integrated power where power was read
    counter_power_diff_ppm: int | None = None
    counter_update_period_ms: int | None = None
    flags: tuple[str, ...] = ()
    attribution_method: str = "none"          # ecoai_chain.energy.attribution
    attributed_share_ppm: int | None = None   # the workload's share of the window's energy

    def as_fields(self) -> dict:
        return {"method": self.method, "power_energy_mj": self.power_energy_mj,
                "counter_power_diff_ppm": self.counter_power_diff_ppm,
                "counter_update_period_ms": self.counter_update_period_ms,
                "quality_flags": ",".join(self.flags),
                "attribution_method": self.attribution_method,
                "attributed_share_ppm": self.attributed_share_ppm}


def attribute(entries: list[tuple[int, int | None, str]]) -> tuple[str, int | None]:
    """(method, share ppm) of a window from its ticks' (energy mJ, share ppm, method): the
    energy-weighted share, or None as soon as one tick that spent energy has no share."""
    methods = {m for _e, _s, m in entries}
    if not methods or methods == {"none"}:
        return "none", None
    method = methods.pop() if len(methods) == 1 else "mixed"
    spent = [(e, s) for e, s, _m in entries if e > 0]
    known = [(e, s) for e, s in spent if s is not None]
    if not spent or len(known) < len(spent):
        return method, None
    return method, sum(e * s for e, s in known) // sum(e for e, _s in known)


def judge(method: str, window_s: float, counter_mj: int, power_mj: int | None,
          period_s: float | None) -> WindowMeasurement:
    """The flags for one window from its counter energy, integrated power and counter period."""
    diff = None
    if power_mj is not None and method == COUNTER and counter_mj > 0:
        diff = (counter_mj - power_mj) * 1_000_000 // counter_mj
    flags = []
    if diff is not None and abs(diff) > MISMATCH_PPM:
        flags.append(FLAG_MISMATCH)
    if period_s is not None and method == COUNTER and window_s < SHORT_WINDOW_PERIODS * period_s:
        flags.append(FLAG_SHORT)
    period_ms = None if period_s is None else int(round(period_s * 1000))
    return WindowMeasurement(method, power_mj, diff, period_ms, tuple(flags))


@dataclass
class _Device:
    last_t_s: float
    last_power_mw: int | None
    last_raw_mj: int
    last_change_t_s: float | None = None
    intervals: deque = field(default_factory=lambda: deque(maxlen=_PERIOD_HISTORY))


class WindowQuality:
    """Feed every tick's samples with ``add(t_s, samples)``; ``close(start_s, end_s, energy_mj,
    gap)`` when a window closes returns its `WindowMeasurement`.

    Power integration for the window is kept only while every device that reported a counter
    also reported power on every tick; otherwise ``power_energy_mj`` is None (nothing to
    compare against, which is said rather than guessed)."""

    def __init__(self) -> None:
        self._devices: dict[str, _Device] = {}
        self._pieces: list[tuple[str, float, float, float]] = []  # (device, t0, t1, mJ)
        self._methods: list[tuple[float, str]] = []  # (tick time, method) not yet closed
        self._attr: list[tuple[float, int, int | None, str]] = []  # (t, mJ, share, method)
        self._power_complete = True

    def add(self, t_s: float, samples: list[EnergySample]) -> None:
        for s in samples:
            self._methods.append((t_s, s.method))
            d = self._devices.get(s.device_id)
            if d is None:
                self._devices[s.device_id] = _Device(t_s, s.power_mw, s.energy_mj)
                if s.power_mw is None:
                    self._power_complete = False
                continue
            if t_s <= d.last_t_s:
                continue
            if s.power_mw is None or d.last_power_mw is None:
                self._power_complete = False
            else:
                mj = (d.last_power_mw + s.power_mw) * (t_s - d.last_t_s) / 2
                self._pieces.append((s.device_id, d.last_t_s, t_s, mj))
            spent = s.energy_mj - d.last_raw_mj if s.energy_mj >= d.last_raw_mj else s.energy_mj
            self._attr.append((t_s, spent, s.attributed_share_ppm, s.attribution))
            if s.energy_mj != d.last_raw_mj:
                if d.last_change_t_s is not None:
                    d.intervals.append(t_s - d.last_change_t_s)
                d.last_change_t_s = t_s
            d.last_t_s, d.last_power_mw, d.last_raw_mj = t_s, s.power_mw, s.energy_mj

    def period_s(self) -> float | None:
        """The slowest device's observed counter update period (median), if seen yet."""
        periods = [median(d.intervals) for d in self._devices.values() if d.intervals]
        return max(periods) if periods else None

    def close(self, start_s: float, end_s: float, energy_mj: int, gap: bool) -> WindowMeasurement:
        """Integrated power is compared only when every device's power covers the whole window
        (not the partial first window of a fresh agent, nor the first after a restart)."""
        power = 0.0
        covered: dict[str, float] = {}
        rest = []
        for dev, t0, t1, mj in self._pieces:
            lo, hi = max(t0, start_s), min(t1, end_s)
            if hi > lo:
                power += mj * (hi - lo) / (t1 - t0)
                covered[dev] = covered.get(dev, 0.0) + (hi - lo)
            if t1 > end_s:
                rest.append((dev, t0, t1, mj))
        span = end_s - start_s
        full = bool(self._devices) and all(covered.get(d, 0.0) >= span * (1 - 1e-9)
                                           for d in self._devices)
        inside = {m for t, m in self._methods if start_s <= t < end_s}
        if not inside:  # no tick inside: the method of the tick that booked it
            after = [t for t, _m in self._methods if t >= end_s]
            inside = {m for t, m in self._methods if after and t == min(after)}
        method = GAP if gap else weakest(inside)
        have_power = self._power_complete and full and method == COUNTER
        out = judge(method, span, energy_mj, int(power) if have_power else None,
                    self.period_s())
        how, share = attribute([(e, sh, m) for t, e, sh, m in self._attr
                                if start_s <= t < end_s]) if not gap else ("none", None)
        out = dataclasses.replace(out, attribution_method=how, attributed_share_ppm=share)
        self._attr = [a for a in self._attr if a[0] >= end_s]
        self._pieces = rest
        self._methods = [(t, m) for t, m in self._methods if t >= end_s]
        self._power_complete = True
        return out
