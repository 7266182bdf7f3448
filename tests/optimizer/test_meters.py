"""Meters: RAPL on a checked-in-style powercap tree, the labelled CPU-time model, NVML errors."""

from __future__ import annotations

import os

import pytest

from ecoai_chain.errors import ConfigError, SourceError
from ecoai_chain.optimizer.meters import CpuTimeModelMeter, NvmlMeter, RaplMeter, pick_meter


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
    m = RaplMeter(root)
    assert len(m.domains) == 2
    tok = m.start()
    (root / "intel-rapl:0" / "energy_uj").write_text("3500000\n")
    (root / "intel-rapl:1" / "energy_uj").write_text("400000\n")  # wrapped
    r = m.stop(tok)
    assert r.energy_mj == (2_500_000 + 500_000) // 1000 and not r.estimated


def test_rapl_missing_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no package domains"):
        RaplMeter(tmp_path)


def test_cpu_model_is_labelled_and_scales_with_cpu_time():
    seq = iter([os.times_result((1.0, 0.5, 0.25, 0.25, 0.0)),
                os.times_result((2.0, 1.0, 0.75, 0.25, 0.0))])
    m = CpuTimeModelMeter(12.0, cpu_times=lambda: next(seq))
    r = m.stop(m.start())
    assert r.energy_mj == int(2.0 * 12.0 * 1000) and r.estimated
    assert r.label == "estimated (cpu-time model, 12 W/core)"
    with pytest.raises(ConfigError):
        CpuTimeModelMeter(0)


def test_cpu_model_measures_real_work():
    m = CpuTimeModelMeter(10.0)
    tok = m.start()
    sum(i * i for i in range(300_000))
    assert m.stop(tok).energy_mj > 0


class FakeNvml:
    class NVMLError(Exception):
        pass

    def __init__(self, counters, fail=False):
        self.counters, self.fail = counters, fail

    def nvmlInit(self):
        if self.fail:
            raise self.NVMLError("NVML Shared Library Not Found")

    def nvmlDeviceGetCount(self):
        return len(self.counters)

    def nvmlDeviceGetHandleByIndex(self, i):
        return i

    def nvmlDeviceGetTotalEnergyConsumption(self, h):
        return self.counters[h]


def test_nvml_meter_sums_gpus_and_rejects_backwards():
    nv = FakeNvml([100, 1000])
    m = NvmlMeter(nv)
    tok = m.start()
    nv.counters = [350, 1100]
    assert m.stop(tok).energy_mj == 350
    nv.counters = [0, 0]
    with pytest.raises(SourceError, match="backwards"):
        m.stop(tok)


def test_pick_meter_falls_back_with_reasons_and_explicit_choice_fails(tmp_path):
    m = pick_meter("auto", rapl_root=tmp_path, nvml=FakeNvml([], fail=True))
    assert m.estimated and len(m.fallback_reasons) == 2
    with pytest.raises(SourceError, match="--meter rapl"):
        pick_meter("rapl", rapl_root=tmp_path)
    with pytest.raises(ConfigError, match="--meter"):
        pick_meter("magic")
