"""Which energy source the optimizer measures with: RAPL, NVML, or a labelled CPU-time estimate.

The sources themselves live in `ecoai_chain.energy` (the same ones the attestor uses); this
module only picks one and wraps it in an `EnergyMonitor`, whose begin/end windows the runner
uses per setting. `pick_meter()` takes the first that works: RAPL package counters (powercap)
when readable, NVML total-energy counters when a GPU is present (counter resets and MIG handled
as in the attestor: a reset marks the measurement estimated, MIG is whole-GPU energy and says
so), else the CPU-time model. The estimate is never silent: its ``label`` is
"estimated (cpu-time model, W W/core)" and every result, file and plot carries it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecoai_chain.energy import EnergySource
from ecoai_chain.energy.cputime import CpuTimeSource
from ecoai_chain.energy.monitor import EnergyMonitor
from ecoai_chain.errors import ConfigError, SourceError

METERS = ("auto", "rapl", "nvml", "cpu-model")


def _opened(source: EnergySource) -> EnergyMonitor:
    return EnergyMonitor(source).open()


def pick_meter(prefer: str = "auto", *, watts_per_core: float = 10.0,
               rapl_root: str | Path = "/sys/class/powercap", nvml: Any = None) -> EnergyMonitor:
    """``prefer``: auto | rapl | nvml | cpu-model. An explicit choice that fails raises.

    On the fallback to the CPU-time model, ``monitor.fallback_reasons`` says why each real
    meter was not used."""
    if prefer not in METERS:
        raise ConfigError(f"--meter must be auto|rapl|nvml|cpu-model, got {prefer!r}")
    if prefer == "cpu-model":
        return _opened(CpuTimeSource(watts_per_core))
    from ecoai_chain.energy.nvml import NvmlSource
    from ecoai_chain.energy.rapl import RaplSource

    reasons = []
    makers = (("rapl", lambda: RaplSource(rapl_root)), ("nvml", lambda: NvmlSource(nvml=nvml)))
    for name, make in makers:
        if prefer not in ("auto", name):
            continue
        try:
            return _opened(make())
        except (SourceError, ImportError) as e:
            if prefer == name:
                raise SourceError(f"--meter {name}: {e}") from e
            reasons.append(str(e))
    monitor = _opened(CpuTimeSource(watts_per_core))
    monitor.fallback_reasons = reasons  # type: ignore[attr-defined]
    return monitor
