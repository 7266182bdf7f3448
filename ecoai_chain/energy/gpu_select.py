"""Which GPUs to measure, the way operators name them (pure: the environment is passed in).

An operator names GPUs by UUID (``GPU-8932f937-…``, or a unique prefix of one, as CUDA
accepts), by NVML index (``0``, the order ``nvidia-smi`` shows), by MIG UUID (``MIG-…``, or the
pre-R470 form ``MIG-GPU-<uuid>/<gi>/<ci>``), or -- when the agent runs beside a workload in a
container -- by the same variables the workload's container is given:

- ``NVIDIA_VISIBLE_DEVICES`` (the NVIDIA container toolkit): ``all``; ``none`` or ``void``
  (or empty) -- no GPU; or a comma list of NVML indices / UUIDs / MIG UUIDs. Takes precedence
  over ``CUDA_VISIBLE_DEVICES`` when both are set, as the toolkit applies it first.
- ``CUDA_VISIBLE_DEVICES`` (the CUDA runtime): a comma list of indices / UUIDs / MIG UUIDs;
  like CUDA, the list stops at the first invalid entry (``-1`` hides every GPU); empty -- no
  GPU. CUDA numbers GPUs fastest-first unless ``CUDA_DEVICE_ORDER=PCI_BUS_ID``, and NVML
  numbers them by PCI bus, so an *index* there names the same GPU only with
  ``CUDA_DEVICE_ORDER=PCI_BUS_ID``: indices without it are refused (UUIDs are always safe),
  rather than measuring a GPU the workload does not use.

No GPU selected is a `ConfigError` (a node that measures nothing would certify zero energy).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ecoai_chain.errors import ConfigError

_INDEX = re.compile(r"^\d+$")
_UUID = re.compile(r"^(GPU|MIG)-[0-9A-Za-z/-]+$")


@dataclass(frozen=True)
class GpuSelection:
    """``entries`` empty with ``all_gpus`` True means every GPU NVML lists."""

    all_gpus: bool
    entries: tuple[str, ...] = ()
    origin: str = "default"  # "default" | "config" | "NVIDIA_VISIBLE_DEVICES" | ...

    def describe(self) -> str:
        what = "all GPUs" if self.all_gpus else ", ".join(self.entries)
        return f"{what} (from {self.origin})"


ALL = GpuSelection(True)


def _entry(e: str, where: str) -> str:
    if _INDEX.match(e) or _UUID.match(e):
        return e
    raise ConfigError(f"{where}: {e!r} is not a GPU index, GPU-… UUID or MIG-… UUID")


def from_list(entries: list[str] | tuple[str, ...], where: str = "nvml_devices") -> GpuSelection:
    items = [e.strip() for e in entries if e.strip()]
    if not items:
        return ALL
    if len(items) == 1 and items[0].lower() == "all":
        return GpuSelection(True, origin=where)
    return GpuSelection(False, tuple(_entry(e, where) for e in items), where)


def parse_nvidia_visible_devices(value: str) -> GpuSelection:
    v = value.strip()
    where = "NVIDIA_VISIBLE_DEVICES"
    if v.lower() == "all":
        return GpuSelection(True, origin=where)
    if v.lower() in ("", "none", "void"):
        raise ConfigError(f"{where}={value!r} exposes no GPU to the workload: nothing to measure")
    return GpuSelection(False, tuple(_entry(e.strip(), where) for e in v.split(",")), where)


def parse_cuda_visible_devices(value: str, device_order: str | None) -> GpuSelection:
    where = "CUDA_VISIBLE_DEVICES"
    out: list[str] = []
    for raw in value.split(","):
        e = raw.strip()
        if not (_INDEX.match(e) or _UUID.match(e)):
            break  # CUDA ignores this entry and every one after it
        out.append(e)
    if not out:
        raise ConfigError(f"{where}={value!r} makes no GPU visible to the workload: "
                          "nothing to measure")
    if any(_INDEX.match(e) for e in out) and (device_order or "").upper() != "PCI_BUS_ID":
        raise ConfigError(f"{where}={value!r} names GPUs by CUDA index, which follows NVML's "
                          "order only with CUDA_DEVICE_ORDER=PCI_BUS_ID: set that (for the "
                          "workload and the agent) or give GPU UUIDs")
    return GpuSelection(False, tuple(out), where)


def from_environment(env: Mapping[str, str]) -> GpuSelection:
    """The GPUs a workload started with this environment sees (see the module docstring)."""
    if "NVIDIA_VISIBLE_DEVICES" in env:
        return parse_nvidia_visible_devices(env["NVIDIA_VISIBLE_DEVICES"])
    if "CUDA_VISIBLE_DEVICES" in env:
        return parse_cuda_visible_devices(env["CUDA_VISIBLE_DEVICES"],
                                          env.get("CUDA_DEVICE_ORDER"))
    raise ConfigError("nvml_devices_from_env is set but neither NVIDIA_VISIBLE_DEVICES nor "
                      "CUDA_VISIBLE_DEVICES is in the environment")


def legacy_mig_parent(entry: str) -> str | None:
    """``MIG-GPU-<uuid>/<gi>/<ci>`` (drivers before R470) -> ``GPU-<uuid>``."""
    if entry.startswith("MIG-GPU-"):
        return entry[len("MIG-"):].split("/", 1)[0]
    return None
