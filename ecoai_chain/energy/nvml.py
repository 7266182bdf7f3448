"""NVIDIA GPUs through NVML (pynvml, passed in as ``nvml`` so tests use an autospec fake).

Energy: ``nvmlDeviceGetTotalEnergyConsumption`` (mJ since the driver was last loaded,
Volta and newer). Where it answers NOT_SUPPORTED the source integrates
``nvmlDeviceGetPowerUsage`` (mW) over the monotonic time between reads (trapezoid rule) into
its own counter and marks every sample of that GPU ``estimated``.

Errors: every NVML call goes through `nvml_call`, the one place where a ``pynvml.NVMLError``
becomes an `NvmlError` (a `SourceError` naming the call, the GPU and pynvml's constant name
of the return code), raised ``from`` the original.

Outcomes, each explicit rather than a silent zero:
- counter goes backwards (driver reload): ``reset=True`` on the sample and a
  ``counter_reset`` event; consumers start a new baseline and never book negative energy.
- a GPU vanishes (GPU_IS_LOST, NOT_FOUND, or any other NVML error): ``read()`` raises
  `SourceError` naming the GPU UUID and the NVML code. We deliberately do NOT drop the GPU
  and carry on: dropping it would under-count energy, which makes a node look greener. The
  daemon keeps the window open, marks it estimated, and the counter difference books the
  energy exactly once the GPU answers again; an operator who removed the GPU for good
  restarts with the remaining UUIDs.
- MIG: a MIG device handle (or a GPU with MIG mode enabled) is measured as its whole parent
  GPU (NVML has no per-instance energy counter); the device id is the parent's GPU UUID, the
  sample's ``note`` says ``mig: whole-GPU energy``, the label names the parent and the MIG
  instances asked for (``GPU-… for MIG-…, MIG-…``) and a ``mig_whole_gpu`` event is raised
  once. Several MIG UUIDs on one GPU are counted once.

GPU selection (UUID, index, MIG UUID, or the workload's ``CUDA_VISIBLE_DEVICES`` /
``NVIDIA_VISIBLE_DEVICES``) is parsed by `ecoai_chain.energy.gpu_select`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecoai_chain.energy import COUNTER, INTEGRATED_POWER, EnergySample, SourceEvent
from ecoai_chain.energy.gpu_select import GpuSelection, from_list, legacy_mig_parent
from ecoai_chain.errors import ConfigError, NvmlError, SourceError

MIG_NOTE = "mig: whole-GPU energy"


def nvml_code_name(nvml: Any, err: Exception) -> str:
    """pynvml's constant name for an NVMLError's return code (``NVML_ERROR_GPU_IS_LOST``)."""
    value = getattr(err, "value", None)
    for name in dir(nvml):
        if name.startswith("NVML_ERROR_") and getattr(nvml, name, None) == value:
            return name
    return f"NVML_ERROR_{value}"


def nvml_call(nvml: Any, call: str, device: str, fn: Callable, *args: Any) -> Any:
    """``fn(*args)``, with an NVMLError translated to `NvmlError` (the one translation)."""
    try:
        return fn(*args)
    except nvml.NVMLError as e:
        raise NvmlError(call, device, nvml_code_name(nvml, e), str(e)) from e


def is_not_supported(nvml: Any, err: NvmlError) -> bool:
    return err.code == "NVML_ERROR_NOT_SUPPORTED" or (
        getattr(err.__cause__, "value", None) == getattr(nvml, "NVML_ERROR_NOT_SUPPORTED", -1))


def text(v: Any) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


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
    """The GPUs ``devices`` selects (a `GpuSelection`, or a list of UUIDs / MIG UUIDs /
    indices; default: every GPU). ``uuids`` is the older name of the list form."""

    name = "nvml"

    def __init__(self, nvml: Any = None, uuids: list[str] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 devices: GpuSelection | list[str] | None = None,
                 attribution: Any = None) -> None:
        if nvml is None:
            import pynvml  # production default; tests pass an autospec fake

            nvml = pynvml
        self._nvml = nvml
        if devices is not None and uuids:
            raise ConfigError("give the GPUs as devices or as uuids, not both")
        if isinstance(devices, GpuSelection):
            self.selection = devices
        else:
            self.selection = from_list(list(devices or uuids or []),
                                       "nvml_devices" if devices else "nvml_uuids")
        self._clock = clock
        self._gpus: list[_Gpu] = []
        self._events: list[SourceEvent] = []
        self.mig_instances: dict[str, list[str]] = {}  # parent GPU UUID -> MIG names asked for
        self.attribution = attribution  # an `attribution.NvmlAttribution`, or None

    def _call(self, call: str, device: str, fn: Callable, *args: Any) -> Any:
        return nvml_call(self._nvml, call, device, fn, *args)

    # -- lifecycle --------------------------------------------------------------------
    def _all_handles(self) -> list[tuple[str, Any]]:
        n = self._nvml
        count = self._call("nvmlDeviceGetCount", "(all)", n.nvmlDeviceGetCount)
        return [(f"index {i}", self._call("nvmlDeviceGetHandleByIndex", f"index {i}",
                                          n.nvmlDeviceGetHandleByIndex, i))
                for i in range(count)]

    def _by_uuid_prefix(self, entry: str, err: NvmlError) -> Any:
        """CUDA accepts a unique prefix of a GPU UUID; so do we (else the original error)."""
        n = self._nvml
        hits = [h for _label, h in self._all_handles()
                if text(self._call("nvmlDeviceGetUUID", entry, n.nvmlDeviceGetUUID, h))
                .startswith(entry)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise SourceError(f"GPU {entry}: the prefix matches {len(hits)} GPUs; give more of "
                              "the UUID") from err
        raise err

    def _resolve(self, entry: str) -> tuple[str, Any]:
        n = self._nvml
        if entry.isdigit():
            return f"index {entry}", self._call("nvmlDeviceGetHandleByIndex", f"index {entry}",
                                                n.nvmlDeviceGetHandleByIndex, int(entry))
        parent = legacy_mig_parent(entry)
        uuid = parent or entry
        try:
            h = self._call("nvmlDeviceGetHandleByUUID", uuid, n.nvmlDeviceGetHandleByUUID, uuid)
        except NvmlError as e:
            if e.code != "NVML_ERROR_NOT_FOUND" or not uuid.startswith("GPU-"):
                raise
            h = self._by_uuid_prefix(uuid, e)
        if parent:  # the legacy MIG name points at its parent GPU: remember what was asked
            self.mig_instances.setdefault(parent, []).append(entry)
        return entry, h

    def open(self) -> None:
        n = self._nvml
        self._call("nvmlInit", "(all)", n.nvmlInit)
        if self.selection.all_gpus:
            handles = self._all_handles()
        else:
            handles = [self._resolve(e) for e in self.selection.entries]
        seen: set[str] = set()
        for label, h in handles:
            mig = bool(self._call("nvmlDeviceIsMigDeviceHandle", label,
                                  n.nvmlDeviceIsMigDeviceHandle, h))
            if mig:
                h = self._call("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", label,
                               n.nvmlDeviceGetDeviceHandleFromMigDeviceHandle, h)
            uuid = text(self._call("nvmlDeviceGetUUID", label, n.nvmlDeviceGetUUID, h))
            if mig:
                self.mig_instances.setdefault(uuid, []).append(label)
            if not mig:
                mig = uuid in self.mig_instances or self._mig_enabled(uuid, h)
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
            current, _pending = self._call("nvmlDeviceGetMigMode", uuid,
                                           self._nvml.nvmlDeviceGetMigMode, h)
        except NvmlError as e:
            if is_not_supported(self._nvml, e):
                return False  # pre-Ampere GPUs have no MIG
            raise
        return current == self._nvml.NVML_DEVICE_MIG_ENABLE

    def close(self) -> None:
        if self._gpus:
            try:
                self._call("nvmlShutdown", "(all)", self._nvml.nvmlShutdown)
            except NvmlError:
                pass  # shutting down anyway; nothing left to measure
        self._gpus = []

    def drain_events(self) -> list[SourceEvent]:
        out, self._events = self._events, []
        return out

    @property
    def device_ids(self) -> list[str]:
        return [g.uuid for g in self._gpus]

    @property
    def label(self) -> str:
        how = ("NVML total energy" if all(g.counter_supported for g in self._gpus)
               else "NVML (estimated: integrated power where the counter is unsupported)")
        mig = ""
        if any(g.mig for g in self._gpus):
            named = "; ".join(f"{g.uuid} for {', '.join(self.mig_instances[g.uuid])}"
                              for g in self._gpus if self.mig_instances.get(g.uuid))
            mig = f", {MIG_NOTE}" + (f": {named}" if named else "")
        return f"{how} ({len(self._gpus)} GPU(s){mig})"

    # -- reading ----------------------------------------------------------------------
    def read(self) -> list[EnergySample]:
        if not self._gpus:
            raise SourceError("NvmlSource.read() before open()")
        samples = [self._read_one(g) for g in self._gpus]
        if self.attribution is None:
            return samples
        out = []
        for g, smp in zip(self._gpus, samples, strict=True):
            share, how = self.attribution.share(g.uuid, g.handle)
            out.append(dataclasses.replace(smp, attributed_share_ppm=share, attribution=how))
        self._events.extend(self.attribution.events)
        self.attribution.events.clear()
        return out

    def _read_one(self, g: _Gpu) -> EnergySample:
        n = self._nvml
        t = self._clock()
        note = MIG_NOTE if g.mig else ""
        power_mw: int | None = None
        try:
            power_mw = int(self._call("nvmlDeviceGetPowerUsage", g.uuid,
                                      n.nvmlDeviceGetPowerUsage, g.handle))
        except NvmlError as e:
            if not is_not_supported(n, e) or not g.counter_supported:
                raise
        if g.counter_supported:
            try:
                raw = int(self._call("nvmlDeviceGetTotalEnergyConsumption", g.uuid,
                                     n.nvmlDeviceGetTotalEnergyConsumption, g.handle))
            except NvmlError as e:
                if not is_not_supported(n, e) or power_mw is None:
                    raise
                g.counter_supported = False
                self._events.append(SourceEvent("power_integration_fallback", g.uuid, {}))
            else:
                reset = g.last_raw_mj is not None and raw < g.last_raw_mj
                if reset:
                    self._events.append(SourceEvent(
                        "counter_reset", g.uuid, {"previous_mj": g.last_raw_mj, "now_mj": raw}))
                g.last_raw_mj = raw
                return EnergySample(g.uuid, t, raw, power_mw, False, reset, note, COUNTER)
        # Power integration (trapezoid over monotonic time), estimated.
        assert power_mw is not None
        if g.last_t_s is not None and g.last_power_mw is not None:
            dt = max(0.0, t - g.last_t_s)
            g.integrated_mj += int((g.last_power_mw + power_mw) * dt / 2)
        g.last_t_s, g.last_power_mw = t, power_mw
        return EnergySample(g.uuid, t, g.integrated_mj, power_mw, True, False, note,
                            INTEGRATED_POWER)
