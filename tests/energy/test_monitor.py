"""EnergyMonitor windows over the real sources: RAPL on a powercap tree, the labelled CPU-time
model, NVML on the shared autospec fake (counter resets and MIG as in the attestor)."""

from __future__ import annotations

import os

import pynvml
import pytest
from nvml_fake import fake_nvml

from ecoai_chain.energy.cputime import CpuTimeSource
from ecoai_chain.energy.monitor import EnergyMonitor
from ecoai_chain.energy.nvml import MIG_NOTE, NvmlSource
from ecoai_chain.energy.rapl import RaplSource
from ecoai_chain.errors import ConfigError, SourceError


def _powercap(tmp_path, domains):
    for name, (value, rng) in domains.items():
        d = tmp_path / name
        d.mkdir()
        (d / "energy_uj").write_text(f"{value}\n")
        (d / "max_energy_range_uj").write_text(f"{rng}\n")
    return tmp_path


def test_rapl_sums_packages_and_handles_wraparound(tmp_path):
    root = _powercap(tmp_path, {"intel-rapl:0": (1_000_000, 10_000_000),
                                "intel-rapl:1": (9_900_000, 10_000_000),
                                "intel-rapl:0:0": (5, 10)})  # a subdomain: not counted
    m = EnergyMonitor(RaplSource(root)).open()
    assert len(m.source.device_ids) == 2
    m.begin_window("w")
    (root / "intel-rapl:0" / "energy_uj").write_text("3500000\n")
    (root / "intel-rapl:1" / "energy_uj").write_text("400000\n")  # wrapped
    r = m.end_window("w")
    assert r.energy_mj == (2_500_000 + 500_000) // 1000 and not r.estimated
    assert r.energy_mj_by_device == {"intel-rapl:0": 2_500, "intel-rapl:1": 500}
    assert r.label == "RAPL (2 package domain(s))"


def test_rapl_missing_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no package domains"):
        RaplSource(tmp_path).open()


def test_rapl_zone_without_energy_file_is_skipped_named_zone_keeps_its_name(tmp_path):
    root = _powercap(tmp_path, {"intel-rapl:0": (10, 100)})
    (root / "intel-rapl:0" / "name").write_text("package-0\n")
    (root / "intel-rapl:1").mkdir()  # no energy_uj (seen on some VMs): not a package domain
    src = RaplSource(root)
    src.open()
    assert src.device_ids == ["intel-rapl:0/package-0"]


def test_cpu_model_is_labelled_and_scales_with_cpu_time():
    seq = iter([os.times_result((1.0, 0.5, 0.25, 0.25, 0.0)),
                os.times_result((2.0, 1.0, 0.75, 0.25, 0.0))])
    m = EnergyMonitor(CpuTimeSource(12.0, cpu_times=lambda: next(seq))).open()
    m.begin_window("w")
    r = m.end_window("w")
    assert r.energy_mj == int(2.0 * 12.0 * 1000) and r.estimated
    assert r.label == "estimated (cpu-time model, 12 W/core)"
    with pytest.raises(ConfigError):
        CpuTimeSource(0)


def test_cpu_model_measures_real_work():
    m = EnergyMonitor(CpuTimeSource(10.0)).open()
    m.begin_window("w")
    sum(i * i for i in range(300_000))
    assert m.end_window("w").energy_mj > 0


def test_nvml_sums_gpus_and_a_counter_reset_is_estimated_never_negative():
    n = fake_nvml({"GPU-a": {"energy": [100, 350, 400, 40], "power": [1]},
                   "GPU-b": {"energy": [1000, 1100, 1100, 1200], "power": [1]}})
    m = EnergyMonitor(NvmlSource(nvml=n)).open()
    m.begin_window("one")
    r = m.end_window("one")
    assert r.energy_mj == 350 and not r.estimated and r.resets == ()
    m.begin_window("two")  # GPU-a reads 400, then restarts from 0 (driver reload) ...
    r = m.end_window("two")  # ... and reads 40 at the end: 40 mJ since the reset
    assert r.energy_mj_by_device == {"GPU-a": 40, "GPU-b": 100}
    assert r.estimated and r.resets == ("GPU-a",)
    assert "counter_reset" in [e.kind for e in r.events]


def test_nvml_mig_is_whole_gpu_energy_and_says_so():
    n = fake_nvml({"GPU-p": {"energy": [10, 70], "power": [1], "mig": True,
                             "mig_devices": ["MIG-1", "MIG-2"]}})
    m = EnergyMonitor(NvmlSource(nvml=n, uuids=["MIG-1", "MIG-2"])).open()
    m.begin_window("w")
    r = m.end_window("w")
    assert r.energy_mj_by_device == {"GPU-p": 60}  # both MIG instances: the parent, once
    assert MIG_NOTE in r.notes and MIG_NOTE in r.label


def test_windows_overlap_and_a_sample_between_keeps_energy_across_a_reset():
    n = fake_nvml({"GPU-a": {"energy": [0, 500, 900, 100, 300], "power": [1]}})
    m = EnergyMonitor(NvmlSource(nvml=n)).open()
    m.begin_window("outer")          # 0
    m.begin_window("inner")          # 500
    m.sample()                       # 900
    inner = m.end_window("inner")    # 100: reset; 100 mJ since it
    outer = m.end_window("outer")    # 300
    assert inner.energy_mj == 400 + 100 and inner.resets == ("GPU-a",)
    assert outer.energy_mj == 900 + 100 + 200 and outer.estimated


def test_window_names_are_checked():
    m = EnergyMonitor(CpuTimeSource()).open()
    m.begin_window("w")
    with pytest.raises(SourceError, match="already open"):
        m.begin_window("w")
    with pytest.raises(SourceError, match="never begun"):
        m.end_window("x")


def test_nvml_errors_pass_through_the_one_translation():
    n = fake_nvml({"GPU-a": {"energy": [1, pynvml.NVMLError(pynvml.NVML_ERROR_GPU_IS_LOST)],
                             "power": [1]}})
    m = EnergyMonitor(NvmlSource(nvml=n)).open()
    m.begin_window("w")
    with pytest.raises(SourceError, match="GPU-a.*NVML_ERROR_GPU_IS_LOST") as ei:
        m.end_window("w")
    assert isinstance(ei.value.__cause__, pynvml.NVMLError)


def test_windows_say_their_method_and_short_ones_are_flagged():
    clock = [0.0]
    n = fake_nvml({"GPU-a": {"energy": [0], "power": [1]}})
    # the counter advances every 100 ms; read every 50 ms
    n.nvmlDeviceGetTotalEnergyConsumption.side_effect = lambda h: int(clock[0] * 10) * 10
    m = EnergyMonitor(NvmlSource(nvml=n, clock=lambda: clock[0]), clock=lambda: clock[0]).open()

    def measure(seconds):
        m.begin_window("w")
        for _ in range(int(seconds / 0.05)):
            clock[0] = round(clock[0] + 0.05, 6)
            m.sample()
        return m.end_window("w")

    short = measure(0.5)  # 5 updates: < 10
    assert short.method == "counter" and short.counter_update_period_ms == 100
    assert short.flags == ("short_window",)
    assert measure(2.0).flags == ()
    cpu = EnergyMonitor(CpuTimeSource()).open()
    cpu.begin_window("w")
    assert cpu.end_window("w").method == "model"
