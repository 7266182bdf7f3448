"""GPU power limits through NVML, restored afterwards; clear errors when not permitted.

``nvmlDeviceSetPowerManagementLimit`` takes milliwatts, needs root, and must lie within
``nvmlDeviceGetPowerManagementLimitConstraints``. The limiter remembers each GPU's limit before
the first change and puts it back in `restore()` (also on errors; use it as a context manager).
NVML errors come through `ecoai_chain.energy.nvml.nvml_call` (the one translation); the ones an
operator can act on (no permission, not supported) become a `ConfigError` saying what to do.
"""

from __future__ import annotations

from typing import Any

from ecoai_chain.energy.nvml import nvml_call
from ecoai_chain.errors import ConfigError, NvmlError, SourceError


class NvmlPowerLimiter:
    def __init__(self, nvml: Any = None) -> None:
        if nvml is None:
            try:
                import pynvml
            except ImportError as e:
                raise ConfigError("--power-limits needs nvidia-ml-py (pynvml)") from e
            nvml = pynvml
        self.nvml = nvml
        try:
            nvml_call(nvml, "nvmlInit", "(all)", nvml.nvmlInit)
            count = nvml_call(nvml, "nvmlDeviceGetCount", "(all)", nvml.nvmlDeviceGetCount)
            self.handles = [nvml_call(nvml, "nvmlDeviceGetHandleByIndex", f"index {i}",
                                      nvml.nvmlDeviceGetHandleByIndex, i) for i in range(count)]
        except NvmlError as e:
            raise ConfigError(f"--power-limits needs an NVIDIA GPU with NVML: {e}") from e
        if not self.handles:
            raise ConfigError("--power-limits: NVML found no GPU")
        self._saved: list[int] | None = None

    def __enter__(self) -> NvmlPowerLimiter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def set_watts(self, watts: float) -> None:
        nv = self.nvml
        mw = int(round(watts * 1000))
        try:
            if self._saved is None:
                self._saved = [int(nvml_call(nv, "nvmlDeviceGetPowerManagementLimit",
                                             f"index {i}", nv.nvmlDeviceGetPowerManagementLimit,
                                             h)) for i, h in enumerate(self.handles)]
            for i, h in enumerate(self.handles):
                lo, hi = nvml_call(nv, "nvmlDeviceGetPowerManagementLimitConstraints",
                                   f"index {i}", nv.nvmlDeviceGetPowerManagementLimitConstraints,
                                   h)
                if not lo <= mw <= hi:
                    raise ConfigError(f"power limit {watts} W outside this GPU's range "
                                      f"[{lo / 1000:g}, {hi / 1000:g}] W")
                nvml_call(nv, "nvmlDeviceSetPowerManagementLimit", f"index {i}",
                          nv.nvmlDeviceSetPowerManagementLimit, h, mw)
        except NvmlError as e:
            if e.code == "NVML_ERROR_NO_PERMISSION":
                raise ConfigError("setting a GPU power limit needs root (NVML_ERROR_NO_PERMISSION)"
                                  ": run as root or leave out --power-limits") from e
            if e.code == "NVML_ERROR_NOT_SUPPORTED":
                raise ConfigError("this GPU does not support setting a power limit "
                                  "(NVML_ERROR_NOT_SUPPORTED): leave out --power-limits") from e
            raise SourceError(f"NVML could not set the power limit: {e}") from e

    def restore(self) -> None:
        if self._saved is None:
            return
        errors = []
        for i, (h, mw) in enumerate(zip(self.handles, self._saved, strict=True)):
            try:
                nvml_call(self.nvml, "nvmlDeviceSetPowerManagementLimit", f"index {i}",
                          self.nvml.nvmlDeviceSetPowerManagementLimit, h, mw)
            except NvmlError as e:
                errors.append(str(e))
        self._saved = None
        if errors:
            raise SourceError(f"could not restore GPU power limits: {errors}")
