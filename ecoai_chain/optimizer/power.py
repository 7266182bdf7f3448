"""GPU power limits through NVML, restored afterwards; clear errors when not permitted.

``nvmlDeviceSetPowerManagementLimit`` takes milliwatts, needs root, and must lie within
``nvmlDeviceGetPowerManagementLimitConstraints``. The limiter remembers each GPU's limit before
the first change and puts it back in `restore()` (also on errors; use it as a context manager).
"""

from __future__ import annotations

from typing import Any

from ecoai_chain.errors import ConfigError, SourceError


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
            nvml.nvmlInit()
            self.handles = [nvml.nvmlDeviceGetHandleByIndex(i)
                            for i in range(nvml.nvmlDeviceGetCount())]
        except nvml.NVMLError as e:
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
                self._saved = [int(nv.nvmlDeviceGetPowerManagementLimit(h)) for h in self.handles]
            for h in self.handles:
                lo, hi = nv.nvmlDeviceGetPowerManagementLimitConstraints(h)
                if not lo <= mw <= hi:
                    raise ConfigError(f"power limit {watts} W outside this GPU's range "
                                      f"[{lo / 1000:g}, {hi / 1000:g}] W")
                nv.nvmlDeviceSetPowerManagementLimit(h, mw)
        except nv.NVMLError_NoPermission as e:
            raise ConfigError("setting a GPU power limit needs root (NVML_ERROR_NO_PERMISSION): "
                              "run as root or leave out --power-limits") from e
        except nv.NVMLError_NotSupported as e:
            raise ConfigError("this GPU does not support setting a power limit "
                              "(NVML_ERROR_NOT_SUPPORTED): leave out --power-limits") from e
        except nv.NVMLError as e:
            raise SourceError(f"NVML could not set the power limit: {e}") from e

    def restore(self) -> None:
        if self._saved is None:
            return
        errors = []
        for h, mw in zip(self.handles, self._saved, strict=True):
            try:
                self.nvml.nvmlDeviceSetPowerManagementLimit(h, mw)
            except self.nvml.NVMLError as e:
                errors.append(str(e))
        self._saved = None
        if errors:
            raise SourceError(f"could not restore GPU power limits: {errors}")
