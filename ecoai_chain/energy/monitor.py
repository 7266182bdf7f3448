"""Begin/end measurement windows over any `EnergySource` (as Zeus's monitor does over its
device layer).

``monitor.begin_window("step")`` ... ``monitor.end_window("step")`` returns the energy spent
between the two calls, per device and in total. Windows are named and may overlap or nest.
Every read (``begin_window``, ``end_window`` and the optional ``sample()`` in between) feeds
one reset-free *virtual* counter per device, kept the same way the attestor's windows do:

- a counter lower than the last reading (``reset=True`` from NVML after a driver reload, or
  any backwards step) is a reset: the increment is the new value, i.e. what accrued since the
  reset -- never negative, possibly an under-count -- and every open window that spans it is
  marked ``estimated`` and names the device in ``resets``;
- a device that appears after a window began (hot-plugged, or a source that lists devices
  lazily) contributes from its first reading on, and the window is marked ``estimated``;
- estimated samples (integrated power, the CPU-time model, replays flagged estimated) make
  the window ``estimated``; sample notes (``mig: whole-GPU energy``) travel into ``notes``;
- the window says how it was measured (``method``, the weakest of its samples') and is flagged
  ``short_window`` when it is shorter than ten of the counter's observed update periods
  (observed from the reads -- call ``sample()`` between begin and end so there are some; with
  only two reads no period is known and nothing is claimed).

The monitor owns the source's lifecycle only if asked: ``open()``/``close()`` (or ``with``)
call the source's; a caller that already opened the source just uses the windows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ecoai_chain.energy import EnergySample, EnergySource, SourceEvent
from ecoai_chain.energy.quality import WindowQuality, judge, weakest
from ecoai_chain.errors import SourceError


@dataclass(frozen=True)
class Measurement:
    """What one window measured. ``energy_mj`` is the sum over ``energy_mj_by_device``."""

    elapsed_s: float
    energy_mj: int
    energy_mj_by_device: dict[str, int]
    estimated: bool
    label: str
    resets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    events: tuple[SourceEvent, ...] = ()
    method: str = "unknown"          # the weakest method of its samples (quality.METHODS)
    flags: tuple[str, ...] = ()      # quality.FLAG_SHORT: shorter than 10 counter updates
    counter_update_period_ms: int | None = None


@dataclass
class _Open:
    t0_s: float
    v0: dict[str, int]
    estimated: bool = False
    resets: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    events: list[SourceEvent] = field(default_factory=list)
    methods: set[str] = field(default_factory=set)


class EnergyMonitor:
    def __init__(self, source: EnergySource, clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self._clock = clock
        self._raw: dict[str, int] = {}
        self._virtual: dict[str, int] = {}
        self._windows: dict[str, _Open] = {}
        self._quality = WindowQuality()

    # -- lifecycle (optional) -----------------------------------------------------------
    def open(self) -> EnergyMonitor:
        self.source.open()
        return self

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> EnergyMonitor:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def label(self) -> str:
        return self.source.label

    @property
    def estimated(self) -> bool:
        """True when the source itself is an estimate (known before measuring)."""
        return self.source.label.startswith("estimated")

    # -- windows ------------------------------------------------------------------------
    def sample(self) -> list[EnergySample]:
        """Read the source once (between begin and end) so a reset loses less energy."""
        samples = self.source.read()
        events = self.source.drain_events()
        for w in self._windows.values():
            w.events.extend(events)
        for s in samples:
            self._book(s)
        self._quality.add(self._clock(), samples)  # observes each counter's update period
        return samples

    def _book(self, s: EnergySample) -> None:
        last = self._raw.get(s.device_id)
        if last is None:
            inc = 0
            for w in self._windows.values():
                if s.device_id not in w.v0:
                    w.estimated = True  # the device was not there when this window began
                    w.v0[s.device_id] = 0
        elif s.energy_mj >= last and not s.reset:
            inc = s.energy_mj - last
        else:
            inc = s.energy_mj
            for w in self._windows.values():
                w.estimated = True
                w.resets.add(s.device_id)
        self._raw[s.device_id] = s.energy_mj
        self._virtual[s.device_id] = self._virtual.get(s.device_id, 0) + inc
        for w in self._windows.values():
            w.estimated |= s.estimated
            w.methods.add(s.method)
            if s.note:
                w.notes.add(s.note)

    def begin_window(self, key: str) -> None:
        if key in self._windows:
            raise SourceError(f"measurement window {key!r} is already open")
        t0 = self._clock()
        samples = self.sample()  # books the span up to now into the windows already open
        self._windows[key] = _Open(t0, dict(self._virtual),
                                   estimated=any(s.estimated for s in samples),
                                   notes={s.note for s in samples if s.note},
                                   methods={s.method for s in samples})

    def end_window(self, key: str) -> Measurement:
        w = self._windows.get(key)
        if w is None:
            raise SourceError(f"measurement window {key!r} was never begun")
        self.sample()
        del self._windows[key]
        by_device = {d: v - w.v0.get(d, 0) for d, v in sorted(self._virtual.items())}
        elapsed = self._clock() - w.t0_s
        method = weakest(w.methods)
        q = judge(method, elapsed, sum(by_device.values()), None, self._quality.period_s())
        return Measurement(elapsed, sum(by_device.values()), by_device,
                           w.estimated, self.label, tuple(sorted(w.resets)),
                           tuple(sorted(w.notes)), tuple(w.events), method, q.flags,
                           q.counter_update_period_ms)
