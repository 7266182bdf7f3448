"""NVIDIA GPUs through NVML (pynvml, passed in as ``nvml`` so tests use an autospec fake).

Energy: ``nvmlDeviceGetTotalEnergyConsumption`` (mJ since the driver was last loaded,
Volta and newer). Where it answers NOT_SUPPORTED the source integrates
``nvmlDeviceGetPowerUsage`` (mW) over the monotonic time between reads (trapezoid rule) into
its own counter and marks every sample of that GPU ``estimated``.

Outcomes, each explicit rather than a silent zero:
- counter goes backwards (driver reload): ``reset=True`` on the sample and a
  ``counter_reset`` event; the pipeline starts a new baseline and never books negative energy.
- a GPU vanishes (GPU_IS_LOST, NOT_FOUND, or any other NVML error): ``read()`` raises
  `SourceError` naming the GPU UUID and the NVML code. We deliberately do NOT drop the GPU
  and carry on: dropping it would under-count energy, which makes a node look greener. The
  daemon keeps the window open, marks it estimated, and the counter difference books the
  energy exactly once the GPU answers again; an operator who removed the GPU for good
  restarts with the remaining UUIDs.
- MIG: a MIG device handle (or a GPU with MIG mode enabled) is measured as its whole parent
  GPU; the sample's ``note`` says ``mig: whole-GPU energy`` and a ``mig_whole_gpu`` event is
  raised once. Several MIG UUIDs on one GPU are counted once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from attestor.sources import EnergySample, SourceEvent
from ecoai_chain.errors import SourceError

MIG_NOTE = "mig: whole-GPU energy"


def _code_name(nvml: Any, err: Exception) -> str:
    value = getattr(err, "value", None)
    for name in dir(nvml):
        if name.startswith("NVML_ERROR_") and getattr(nvml, name, None) == value:
            return name
    return f"NVML_ERROR_{value}"


@dataclass
class _Gpu:
    uuid: str
    handle: Any
    mig: bool
    counter_supported: bool = True
    last_raw_mj: int | None = None
    integrated_mj: int = 0
    last_power_mw: int | None = None
    last_t_s: float | None = None


class NvmlSource:
    """All GPUs (``uuids=None``) or the given UUIDs (GPU-… or MIG-…)."""

    name = "nvml"

    def __init__(self, nvml: Any = None, uuids: list[str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if nvml is None:
            import pynvml as nvml  # production default; tests pass an autospec fake
        self._nvml = nvml
        self._uuids = list(uuids) if uuids else None
        self._clock = clock
        self._gpus: list[_Gpu] = []
        self._events: list[SourceEvent] = []

    # -- errors -----------------------------------------------------------------------
    def _fail(self, what: str, uuid: str, e: Exception) -> SourceError:
        code = _code_name(self._nvml, e)
        return SourceError(f"NVML {what} failed for GPU {uuid}: {code} ({e})")

    def _call(self, what: str, uuid: str, fn: Callable, *args: Any) -> Any:
        try:
            return fn(*args)
        except self._nvml.NVMLError as e:
            raise self._fail(what, uuid, e) from e

    # -- lifecycle --------------------------------------------------------------------
    def open(self) -> None:
        n = self._nvml
        self._call("nvmlInit", "(all)", n.nvmlInit)
        handles: list[tuple[str, Any]] = []
        if self._uuids is None:
            count = self._call("nvmlDeviceGetCount", "(all)", n.nvmlDeviceGetCount)
            for i in range(count):
                h = self._call("nvmlDeviceGetHandleByIndex", f"index {i}",
                               n.nvmlDeviceGetHandleByIndex, i)
                handles.append((f"index {i}", h))
        else:
            for u in self._uuids:
                handles.append((u, self._call("nvmlDeviceGetHandleByUUID", u,
                                              n.nvmlDeviceGetHandleByUUID, u)))
        seen: set[str] = set()
        for label, h in handles:
            mig = bool(self._call("nvmlDeviceIsMigDeviceHandle", label,
                                  n.nvmlDeviceIsMigDeviceHandle, h))
            if mig:
                h = self._call("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", label,
                               n.nvmlDeviceGetDeviceHandleFromMigDeviceHandle, h)
            uuid = _text(self._call("nvmlDeviceGetUUID", label, n.nvmlDeviceGetUUID, h))
            if not mig:
                mig = self._mig_enabled(uuid, h)
            if uuid in seen:
                continue
            seen.add(uuid)
            if mig:
                self._events.append(SourceEvent("mig_whole_gpu", uuid, {"requested": label}))
            self._gpus.append(_Gpu(uuid=uuid, handle=h, mig=mig))
        if not self._gpus:
            raise SourceError("NVML found no GPU to measure (nvmlDeviceGetCount = 0)")

    def _mig_enabled(self, uuid: str, h: Any) -> bool:
        try:
            current, _pending = self._nvml.nvmlDeviceGetMigMode(h)
        except self._nvml.NVMLError as e:
            if getattr(e, "value", None) == self._nvml.NVML_ERROR_NOT_SUPPORTED:
                return False  # pre-Ampere GPUs have no MIG
            raise self._fail("nvmlDeviceGetMigMode", uuid, e) from e
        return current == self._nvml.NVML_DEVICE_MIG_ENABLE

    def close(self) -> None:
        if self._gpus:
            try:
                self._nvml.nvmlShutdown()
            except self._nvml.NVMLError:
                pass  # shutting down anyway; nothing left to measure
        self._gpus = []

    def drain_events(self) -> list[SourceEvent]:
        out, self._events = self._events, []
        return out

    @property
    def device_ids(self) -> list[str]:
        return [g.uuid for g in self._gpus]

    # -- reading ----------------------------------------------------------------------
    def read(self) -> list[EnergySample]:
        if not self._gpus:
            raise SourceError("NvmlSource.read() before open()")
        return [self._read_one(g) for g in self._gpus]

    def _read_one(self, g: _Gpu) -> EnergySample:
        n = self._nvml
        t = self._clock()
        note = MIG_NOTE if g.mig else ""
        power_mw: int | None = None
        try:
            power_mw = int(n.nvmlDeviceGetPowerUsage(g.handle))
        except n.NVMLError as e:
            if getattr(e, "value", None) != n.NVML_ERROR_NOT_SUPPORTED or not g.counter_supported:
                raise self._fail("nvmlDeviceGetPowerUsage", g.uuid, e) from e
        if g.counter_supported:
            try:
                raw = int(n.nvmlDeviceGetTotalEnergyConsumption(g.handle))
            except n.NVMLError as e:
                if getattr(e, "value", None) != n.NVML_ERROR_NOT_SUPPORTED:
                    raise self._fail("nvmlDeviceGetTotalEnergyConsumption", g.uuid, e) from e
                if power_mw is None:
                    raise self._fail("nvmlDeviceGetTotalEnergyConsumption", g.uuid, e) from e
                g.counter_supported = False
                self._events.append(SourceEvent("power_integration_fallback", g.uuid, {}))
            else:
                reset = g.last_raw_mj is not None and raw < g.last_raw_mj
                if reset:
                    self._events.append(SourceEvent(
                        "counter_reset", g.uuid, {"previous_mj": g.last_raw_mj, "now_mj": raw}))
                g.last_raw_mj = raw
                return EnergySample(g.uuid, t, raw, power_mw, False, reset, note)
        # Power integration (trapezoid over monotonic time), estimated.
        assert power_mw is not None
        if g.last_t_s is not None and g.last_power_mw is not None:
            dt = max(0.0, t - g.last_t_s)
            g.integrated_mj += int((g.last_power_mw + power_mw) * dt / 2)
        g.last_t_s, g.last_power_mw = t, power_mw
        return EnergySample(g.uuid, t, g.integrated_mj, power_mw, True, False, note)


def _text(v: Any) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)
