"""NvmlSource against an autospec fake of the real pynvml module (no GPU on this machine)."""

from __future__ import annotations

import pynvml
import pytest
from nvml_fake import fake_nvml

from ecoai_chain.energy.nvml import MIG_NOTE, NvmlSource
from ecoai_chain.errors import SourceError


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_counter_per_gpu_all_gpus():
    n = fake_nvml({"GPU-a": {"energy": [1000, 3000], "power": [200_000]},
                   "GPU-b": {"energy": [50, 70], "power": [90_000]}})
    src = NvmlSource(nvml=n)
    src.open()
    assert src.device_ids == ["GPU-a", "GPU-b"]
    first = src.read()
    second = src.read()
    assert [s.energy_mj for s in first] == [1000, 50]
    assert [s.energy_mj for s in second] == [3000, 70]
    assert not any(s.estimated for s in second)
    assert second[0].power_mw == 200_000
    n.nvmlInit.assert_called_once_with()
    src.close()
    n.nvmlShutdown.assert_called_once_with()


def test_selected_uuids_only_and_unknown_uuid_is_clear():
    n = fake_nvml({"GPU-a": {"energy": [1], "power": [1]}, "GPU-b": {"energy": [2], "power": [1]}})
    src = NvmlSource(nvml=n, uuids=["GPU-b"])
    src.open()
    assert [s.device_id for s in src.read()] == ["GPU-b"]
    with pytest.raises(SourceError, match="GPU-zzz.*NVML_ERROR_NOT_FOUND"):
        NvmlSource(nvml=fake_nvml({"GPU-a": {"energy": [1], "power": [1]}}),
                   uuids=["GPU-zzz"]).open()


def test_counter_reset_is_flagged_and_reported():
    n = fake_nvml({"GPU-a": {"energy": [5000, 9000, 100, 400], "power": [1]}})
    src = NvmlSource(nvml=n)
    src.open()
    vals = [src.read()[0] for _ in range(4)]
    assert [v.reset for v in vals] == [False, False, True, False]
    evs = src.drain_events()
    assert [e.kind for e in evs] == ["counter_reset"]
    assert evs[0].detail == {"previous_mj": 9000, "now_mj": 100}


def test_power_integration_fallback_is_estimated():
    clock = Clock()
    n = fake_nvml({"GPU-old": {"energy": pynvml.NVML_ERROR_NOT_SUPPORTED,
                               "power": [100_000, 100_000, 300_000]}})
    src = NvmlSource(nvml=n, clock=clock)
    src.open()
    a = src.read()[0]
    clock.t += 2.0
    b = src.read()[0]
    clock.t += 1.0
    c = src.read()[0]
    assert a.estimated and b.estimated and c.estimated
    assert a.energy_mj == 0
    assert b.energy_mj == 200_000            # 100 W for 2 s
    assert c.energy_mj == 200_000 + 200_000  # trapezoid 100 W -> 300 W over 1 s
    assert "power_integration_fallback" in [e.kind for e in src.drain_events()]


def test_lost_gpu_raises_naming_uuid_and_code():
    n = fake_nvml({"GPU-a": {"energy": [10, pynvml.NVMLError(pynvml.NVML_ERROR_GPU_IS_LOST)],
                             "power": [1]}})
    src = NvmlSource(nvml=n)
    src.open()
    src.read()
    with pytest.raises(SourceError) as ei:
        src.read()
    assert "GPU-a" in str(ei.value) and "NVML_ERROR_GPU_IS_LOST" in str(ei.value)
    assert isinstance(ei.value.__cause__, pynvml.NVMLError)


def test_unexpected_nvml_error_on_power_is_translated():
    n = fake_nvml({"GPU-a": {"energy": [10], "power": pynvml.NVML_ERROR_NO_PERMISSION}})
    src = NvmlSource(nvml=n)
    src.open()
    with pytest.raises(SourceError, match="GPU-a.*NVML_ERROR_NO_PERMISSION"):
        src.read()


def test_init_failure_is_translated():
    n = fake_nvml({})
    n.nvmlInit.side_effect = pynvml.NVMLError(pynvml.NVML_ERROR_DRIVER_NOT_LOADED)
    with pytest.raises(SourceError, match="NVML_ERROR_DRIVER_NOT_LOADED"):
        NvmlSource(nvml=n).open()


def test_mig_mode_reports_whole_gpu_and_says_so():
    n = fake_nvml({"GPU-m": {"energy": [7], "power": [1], "mig": True}})
    src = NvmlSource(nvml=n)
    src.open()
    s = src.read()[0]
    assert s.note == MIG_NOTE and s.energy_mj == 7
    assert [e.kind for e in src.drain_events()] == ["mig_whole_gpu"]


def test_mig_handles_map_to_parent_once():
    n = fake_nvml({"GPU-p": {"energy": [7], "power": [1], "mig": True,
                             "mig_devices": ["MIG-1", "MIG-2"]}})
    src = NvmlSource(nvml=n, uuids=["MIG-1", "MIG-2"])
    src.open()
    assert src.device_ids == ["GPU-p"]  # counted once
    assert src.read()[0].note == MIG_NOTE


def test_autospec_enforces_real_signatures():
    n = fake_nvml({"GPU-a": {"energy": [1], "power": [1]}})
    with pytest.raises(TypeError):
        n.nvmlDeviceGetTotalEnergyConsumption()  # real function takes a handle
