"""The sampling pipeline: read sources -> aggregate -> sign and store closed windows.

`Agent.tick()` is called every ``sample_interval_s`` by the scheduler (or directly by tests
with an injected clock). It never loses a window: closed windows are committed (fsynced) in
one transaction before the tick returns, and a restart resumes from the last stored window's
counter cursor, so the energy used while the agent was down is booked exactly (spread over
the missed windows, marked ``gap``/``estimated``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from attestor.logs import event
from attestor.metrics import Metrics
from attestor.store import Store, WindowRecord
from attestor.window import WORK_KEY, WindowAccumulator
from attestor.work import WorkSource
from ecoai_chain.energy import EnergySource
from ecoai_chain.energy.quality import WindowQuality
from ecoai_chain.errors import SourceError, StoreError

log = logging.getLogger("ecoai.attestor")


class Agent:
    def __init__(self, store: Store, signer: Any, energy: EnergySource,
                 work: WorkSource | None, window_s: int, metrics: Metrics | None = None,
                 clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic,
                 max_power_mw: int | None = None) -> None:
        self.store, self.signer, self.energy, self.work = store, signer, energy, work
        self.window_s = window_s
        self.metrics = metrics or Metrics()
        self.clock, self.monotonic = clock, monotonic  # wall labels windows; monotonic times them
        self.max_power_mw = max_power_mw  # the registered cap paces booking after a clock step
        self.acc: WindowAccumulator | None = None
        self.quality = WindowQuality()  # how each window was measured (method, flags)
        self._lock = threading.Lock()  # one tick at a time
        self.source_name = energy.name + (f"+{work.name}" if work is not None else "")

    def start(self) -> None:
        self.store.require_intact(self.signer.address)
        stored_window_s = self.store.get_meta("window_s")
        if stored_window_s is not None and int(stored_window_s) != self.window_s:
            raise StoreError(f"window_s is {self.window_s} but this log was written with "
                             f"window_s={stored_window_s}; use a new data_dir to change it")
        self.store.set_meta("window_s", str(self.window_s))
        self.store.set_meta("attestor", self.signer.address)
        self.energy.open()
        if self.work is not None:
            self.work.open()
        last = self.store.last_window()
        if last is not None:
            self.acc = WindowAccumulator.resume(self.window_s, last.end_s,
                                                json.loads(last.cursor_json),
                                                max_power_mw=self.max_power_mw)
            event(log, "resumed", last_window_end_s=last.end_s, seq=last.seq)
        else:
            self.acc = WindowAccumulator(self.window_s, max_power_mw=self.max_power_mw)
            event(log, "starting a new window log", window_s=self.window_s)

    def stop(self) -> None:
        for s in (self.energy, self.work):
            if s is not None:
                try:
                    s.close()
                except Exception as e:  # boundary: shutdown closes every source regardless
                    self.metrics.source_errors.labels(s.name).inc()
                    event(log, "source close failed", logging.WARNING, exc_info=True,
                          source=s.name, error=f"{type(e).__name__}: {e}")

    def tick(self) -> list[WindowRecord]:
        """One sample. Returns the windows that closed (already signed and committed)."""
        assert self.acc is not None, "start() first"
        with self._lock:
            t0 = time.perf_counter()
            t, t_mono = self.clock(), self.monotonic()
            readings: dict[str, int] = {}
            power: dict[str, int] = {}
            estimated = reset = False
            try:
                samples = self.energy.read()
                self.quality.add(t, samples)
                for s in samples:
                    readings[s.device_id] = s.energy_mj
                    if s.power_mw is not None:
                        power[s.device_id] = s.power_mw
                    estimated |= s.estimated
                    reset |= s.reset
            except SourceError as e:
                self.metrics.source_errors.labels(self.energy.name).inc()
                self.acc.mark_estimated()
                event(log, "energy read failed", logging.ERROR, error=str(e))
                readings = {}
            for ev in self.energy.drain_events():
                event(log, f"source event: {ev.kind}", logging.WARNING, device=ev.device_id,
                      **ev.detail)
            if self.work is not None and readings:
                try:
                    readings[WORK_KEY] = self.work.read()
                except SourceError as e:
                    self.metrics.source_errors.labels(self.work.name).inc()
                    event(log, "work read failed", logging.WARNING, error=str(e))
            if not readings:
                return []
            closed = self.acc.add(t, readings, power, estimated=estimated, reset=reset,
                                  mono_s=t_mono)
            for step in self.acc.drain_clock_steps():
                self.metrics.clock_steps.labels(step.direction).inc()
                event(log, "wall clock stepped", logging.WARNING, direction=step.direction,
                      offset_s=round(step.offset_s, 3))
            if power:
                self.metrics.power_watts.set(sum(power.values()) / 1000)
            rows: list[WindowRecord] = []
            if closed:
                closed = [dataclasses.replace(w, **self.quality.close(
                    w.start_s, w.end_s, w.energy_mj, w.gap).as_fields()) for w in closed]
                rows = self.store.append_windows(closed, self.signer, self.source_name)
                for w in rows:
                    self.metrics.windows.labels("gap" if w.gap else "measured").inc()
                    self.metrics.energy_joules.inc(w.energy_mj / 1000)
                event(log, "windows closed", count=len(rows), first_start_s=rows[0].start_s,
                      energy_mj=sum(w.energy_mj for w in rows), seq=rows[-1].seq)
            self.metrics.tick_seconds.set(time.perf_counter() - t0)
            return rows
