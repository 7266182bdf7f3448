"""The one pynvml fake for every test (energy sources, the optimizer's meter and power limits).

``fake_nvml(gpus)`` is an autospec of the real pynvml module: every function keeps its real
signature (a call with the wrong arguments is a TypeError), the constants and exception classes
are pynvml's own (``pynvml.NVMLError(code)`` builds the same subclass the library raises). No GPU
is needed. Import it as ``from nvml_fake import fake_nvml`` (tests/ is on sys.path through the
root conftest).

``gpus``: uuid -> dict with, all optional:
- ``energy``: list of counter values (mJ) returned in turn, the last one repeated; an int is an
  NVML error code raised on every call; an exception in the list is raised when reached;
- ``power``: the same for ``nvmlDeviceGetPowerUsage`` (mW);
- ``mig``: MIG mode enabled; ``mig_devices``: the MIG UUIDs under this GPU;
- ``limit_mw`` / ``limit_range_mw`` / ``set_limit_error``: power-limit state and an error code
  that ``nvmlDeviceSetPowerManagementLimit`` raises; successful sets are appended to
  ``fake.set_limit_calls`` as (uuid, mW);
- ``processes``: per-process utilization, a list of answers returned in turn (the last one
  repeated), each a list of (pid, sm_util_percent, timestamp_us) -- real
  ``c_nvmlProcessUtilizationSample_t`` structures are returned, filtered by the
  lastSeenTimeStamp argument as NVML does (none left: NVML_ERROR_NOT_FOUND); an int is an error
  code raised on every call;
- ``accounting``: {pid: (gpu_util_percent, time_ms)} with accounting mode enabled, or an int
  error code for ``nvmlDeviceGetAccountingMode``; ``accounting_off``: mode disabled.
"""

from __future__ import annotations

from unittest.mock import create_autospec

import pynvml


def fake_nvml(gpus: dict[str, dict]):
    n = create_autospec(pynvml, instance=False)
    for name in dir(pynvml):
        if name.startswith(("NVML_", "NVMLError")):
            setattr(n, name, getattr(pynvml, name))
    handles = {u: f"h-{u}" for u in gpus}
    by_handle = {h: u for u, h in handles.items()}
    mig_parent = {m: u for u, g in gpus.items() for m in g.get("mig_devices", [])}
    mig_handles = {m: f"m-{m}" for m in mig_parent}
    by_mig_handle = {h: m for m, h in mig_handles.items()}
    n.set_limit_calls = []

    def seq(u, key):
        v = gpus[u][key]
        if isinstance(v, int):
            raise pynvml.NVMLError(v)
        if len(v) > 1:
            item = v.pop(0)
        else:
            item = v[0]
        if isinstance(item, Exception):
            raise item
        return item

    n.nvmlDeviceGetCount.return_value = len(gpus)

    def by_index(i):
        if not 0 <= i < len(handles):
            raise pynvml.NVMLError(pynvml.NVML_ERROR_INVALID_ARGUMENT)
        return list(handles.values())[i]

    n.nvmlDeviceGetHandleByIndex.side_effect = by_index

    def by_uuid(u):
        if u in handles:
            return handles[u]
        if u in mig_handles:
            return mig_handles[u]
        raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_FOUND)

    n.nvmlDeviceGetHandleByUUID.side_effect = by_uuid
    n.nvmlDeviceGetUUID.side_effect = lambda h: by_handle.get(h) or by_mig_handle[h]
    n.nvmlDeviceGetIndex.side_effect = lambda h: list(handles.values()).index(h)
    n.nvmlDeviceIsMigDeviceHandle.side_effect = lambda h: h in by_mig_handle
    n.nvmlDeviceGetDeviceHandleFromMigDeviceHandle.side_effect = (
        lambda h: handles[mig_parent[by_mig_handle[h]]])
    n.nvmlDeviceGetMigMode.side_effect = lambda h: (
        (1, 1) if gpus[by_handle[h]].get("mig") else (0, 0))
    n.nvmlDeviceGetMaxMigDeviceCount.side_effect = (
        lambda h: len(gpus[by_handle[h]].get("mig_devices", [])))

    def mig_by_index(h, i):
        migs = gpus[by_handle[h]].get("mig_devices", [])
        if not 0 <= i < len(migs):
            raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_FOUND)
        return mig_handles[migs[i]]

    n.nvmlDeviceGetMigDeviceHandleByIndex.side_effect = mig_by_index
    n.nvmlDeviceGetTotalEnergyConsumption.side_effect = lambda h: seq(by_handle[h], "energy")
    n.nvmlDeviceGetPowerUsage.side_effect = lambda h: seq(by_handle[h], "power")
    n.nvmlDeviceGetPowerManagementLimit.side_effect = (
        lambda h: gpus[by_handle[h]].get("limit_mw", 300_000))
    n.nvmlDeviceGetPowerManagementLimitConstraints.side_effect = (
        lambda h: gpus[by_handle[h]].get("limit_range_mw", (100_000, 350_000)))

    def set_limit(h, mw):
        g = gpus[by_handle[h]]
        if g.get("set_limit_error") is not None:
            raise pynvml.NVMLError(g["set_limit_error"])
        g["limit_mw"] = mw
        n.set_limit_calls.append((by_handle[h], mw))

    n.nvmlDeviceSetPowerManagementLimit.side_effect = set_limit

    def process_utilization(h, last_seen_us):
        g = gpus[by_handle[h]]
        v = g.get("processes", pynvml.NVML_ERROR_NOT_SUPPORTED)
        if isinstance(v, int):
            raise pynvml.NVMLError(v)
        answer = v.pop(0) if len(v) > 1 else v[0]
        out = []
        for pid, sm, ts in answer:
            if ts > last_seen_us:
                smp = pynvml.c_nvmlProcessUtilizationSample_t()
                smp.pid, smp.smUtil, smp.timeStamp = pid, sm, ts
                out.append(smp)
        if not out:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_FOUND)
        return out

    n.nvmlDeviceGetProcessUtilization.side_effect = process_utilization

    def accounting(h):
        g = gpus[by_handle[h]]
        v = g.get("accounting", pynvml.NVML_ERROR_NOT_SUPPORTED)
        if isinstance(v, int):
            raise pynvml.NVMLError(v)
        return v

    n.nvmlDeviceGetAccountingMode.side_effect = lambda h: (
        pynvml.NVML_FEATURE_DISABLED if gpus[by_handle[h]].get("accounting_off") or accounting(h)
        is None else pynvml.NVML_FEATURE_ENABLED)
    n.nvmlDeviceGetAccountingPids.side_effect = lambda h: list(accounting(h))

    def accounting_stats(h, pid):
        util, time_ms = accounting(h)[pid]
        st = pynvml.c_nvmlAccountingStats_t()
        st.gpuUtilization, st.time = util, time_ms
        return st

    n.nvmlDeviceGetAccountingStats.side_effect = accounting_stats
    return n
