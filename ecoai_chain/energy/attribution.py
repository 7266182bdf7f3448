"""Which share of a shared GPU's energy the workload's processes used, where NVML says so.

NVML meters energy per GPU, not per process. On a GPU shared by several workloads the agent
still certifies the whole GPU's energy (what the node drew), and records beside it the share
its workload's processes (``pids``, as NVML reports them: the host's PID namespace, what
``nvidia-smi`` shows) had, with the method that produced it:

- ``process_utilization``: ``nvmlDeviceGetProcessUtilization`` -- per-process SM utilization
  samples since the last read; share = the workload's SM utilization / all processes'. No
  process busy in the interval (NVML_ERROR_NOT_FOUND) gives no share for it (idle energy is not
  anybody's by this measure), never a guess;
- ``accounting``: ``nvmlDeviceGetAccountingStats`` over ``nvmlDeviceGetAccountingPids`` (needs
  accounting mode, ``nvidia-smi -am 1``) -- each process's average GPU utilization times its
  run time, over the processes' lifetimes (coarser: not per window);
- ``unavailable``: NVML answered NOT_SUPPORTED / NO_PERMISSION (or accounting is off) for
  every method tried; the share is None, said once as an ``attribution_unavailable`` event.

The share is never assumed to be 100 %: without attribution configured the method is ``none``
and the share None.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ecoai_chain.energy import SourceEvent
from ecoai_chain.energy.nvml import nvml_call
from ecoai_chain.errors import ConfigError, NvmlError

PROCESS_UTILIZATION = "process_utilization"
ACCOUNTING = "accounting"
UNAVAILABLE = "unavailable"
NONE = "none"
MODES = ("auto", PROCESS_UTILIZATION, ACCOUNTING)
PPM = 1_000_000
_CANNOT = ("NVML_ERROR_NOT_SUPPORTED", "NVML_ERROR_NO_PERMISSION")


class NvmlAttribution:
    def __init__(self, nvml: Any, pids: Iterable[int], mode: str = "auto") -> None:
        self.pids = frozenset(int(p) for p in pids)
        if not self.pids:
            raise ConfigError("nvml_attribution_pids: give the workload's process ids")
        if mode not in MODES:
            raise ConfigError(f"nvml_attribution must be one of {MODES}, got {mode!r}")
        self._nvml, self.mode = nvml, mode
        self._last_ts_us: dict[str, int] = {}
        self._cannot: dict[str, set[str]] = {}
        self.events: list[SourceEvent] = []

    def share(self, uuid: str, handle: Any) -> tuple[int | None, str]:
        """(the workload's share in ppm or None, method) for the interval since the last call."""
        modes = (PROCESS_UTILIZATION, ACCOUNTING) if self.mode == "auto" else (self.mode,)
        cannot = self._cannot.setdefault(uuid, set())
        for m in modes:
            if m in cannot:
                continue
            try:
                return (self._by_utilization if m == PROCESS_UTILIZATION
                        else self._by_accounting)(uuid, handle), m
            except NvmlError as e:
                if e.code not in _CANNOT:
                    raise
                cannot.add(m)
                self.events.append(SourceEvent("attribution_unavailable", uuid,
                                               {"method": m, "nvml": e.code}))
        return None, UNAVAILABLE

    def _by_utilization(self, uuid: str, h: Any) -> int | None:
        n = self._nvml
        last = self._last_ts_us.get(uuid, 0)
        try:
            samples = nvml_call(n, "nvmlDeviceGetProcessUtilization", uuid,
                                n.nvmlDeviceGetProcessUtilization, h, last)
        except NvmlError as e:
            if e.code == "NVML_ERROR_NOT_FOUND":  # no process was busy since ``last``
                return None
            raise
        self._last_ts_us[uuid] = max([int(s.timeStamp) for s in samples] + [last])
        total = sum(int(s.smUtil) for s in samples)
        mine = sum(int(s.smUtil) for s in samples if int(s.pid) in self.pids)
        return mine * PPM // total if total else None

    def _by_accounting(self, uuid: str, h: Any) -> int | None:
        n = self._nvml
        if nvml_call(n, "nvmlDeviceGetAccountingMode", uuid, n.nvmlDeviceGetAccountingMode,
                     h) != n.NVML_FEATURE_ENABLED:
            raise NvmlError("nvmlDeviceGetAccountingMode", uuid, "NVML_ERROR_NOT_SUPPORTED",
                            "accounting mode is disabled (nvidia-smi -am 1 enables it)")
        weight: dict[int, int] = {}
        for pid in nvml_call(n, "nvmlDeviceGetAccountingPids", uuid,
                             n.nvmlDeviceGetAccountingPids, h):
            st = nvml_call(n, "nvmlDeviceGetAccountingStats", uuid,
                           n.nvmlDeviceGetAccountingStats, h, pid)
            weight[int(pid)] = int(st.gpuUtilization) * int(st.time)
        total = sum(weight.values())
        mine = sum(w for p, w in weight.items() if p in self.pids)
        return mine * PPM // total if total else None
