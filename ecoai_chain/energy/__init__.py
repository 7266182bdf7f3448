"""Energy sources behind one protocol, shared by the attestor, the optimizer and the reports.

Every source reports, per device, a *cumulative* energy counter in millijoules (exact where
the hardware provides one; integrated from polled power and marked ``estimated`` where it
does not) and, where known, the instantaneous power in milliwatts. Differences of two
counter readings give exact energy over any span. Counter resets are flagged on the sample
(``reset=True``) and reported as events.

Backends (each takes its backend as an argument, does nothing at import time, and is opened
explicitly with ``open()``):

- `ecoai_chain.energy.nvml.NvmlSource` -- NVIDIA GPUs (``nvml=pynvml``);
- `ecoai_chain.energy.rapl.RaplSource` -- CPU packages through Linux powercap (``root=``);
- `ecoai_chain.energy.replay.ReplaySource` -- recorded traces (``path=``, ``clock=``);
- `ecoai_chain.energy.cputime.CpuTimeSource` -- a labelled CPU-time estimate (``cpu_times=``).

`ecoai_chain.energy.monitor.EnergyMonitor` measures begin/end windows over any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

# How a sample's energy was obtained (see `ecoai_chain.energy.quality` for what each means).
COUNTER = "counter"
INTEGRATED_POWER = "integrated_power"
MODEL = "model"
REPLAY = "replay"
GAP = "gap"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class EnergySample:
    """One reading of one device.

    ``energy_mj`` is a cumulative counter (since driver load for NVML, since the zone's last
    wrap for RAPL after unwrapping, since trace start for replay). ``t_mono_s`` is a
    monotonic timestamp (``time.monotonic`` or the injected clock). ``method`` says how the
    energy was obtained (`COUNTER`, `INTEGRATED_POWER`, `MODEL`, `REPLAY`).
    """

    device_id: str
    t_mono_s: float
    energy_mj: int
    power_mw: int | None = None
    estimated: bool = False
    reset: bool = False
    note: str = ""
    method: str = UNKNOWN
    # the workload's share of this device's energy since the last read (ppm) and how it was
    # obtained (`ecoai_chain.energy.attribution`); "none" = not attributed, never 100 %
    attributed_share_ppm: int | None = None
    attribution: str = "none"


@dataclass(frozen=True)
class SourceEvent:
    """Something an operator should know about: a counter reset, a wrap, MIG, a lost GPU."""

    kind: str
    device_id: str
    detail: dict = field(default_factory=dict)


@runtime_checkable
class EnergySource(Protocol):
    """open() once, read() every sampling tick, close() at shutdown.

    ``name`` is a short backend name ("nvml"); ``label`` says, after ``open()``, what is
    measured and how ("NVML total energy (2 GPU(s))").
    """

    name: str

    @property
    def label(self) -> str: ...

    def open(self) -> None: ...

    def read(self) -> list[EnergySample]: ...

    def close(self) -> None: ...

    def drain_events(self) -> list[SourceEvent]: ...
