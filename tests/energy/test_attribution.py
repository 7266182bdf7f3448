"""The workload's share of a shared GPU, from NVML process utilization or accounting (on the
shared autospec fake), recorded with its method and never assumed to be 100 %."""

from __future__ import annotations

import pynvml
import pytest
from nvml_fake import fake_nvml

from ecoai_chain.energy.attribution import NvmlAttribution
from ecoai_chain.energy.nvml import NvmlSource
from ecoai_chain.energy.quality import WindowQuality, attribute
from ecoai_chain.errors import ConfigError, SourceError

WORKLOAD = 4242


def source(gpu: dict, mode="auto", pids=(WORKLOAD,)):
    n = fake_nvml({"GPU-a": {"energy": [0, 1000, 3000, 6000], "power": [100_000], **gpu}})
    src = NvmlSource(nvml=n, attribution=NvmlAttribution(n, pids, mode))
    src.open()
    return src


def test_process_utilization_share_of_sm_time_per_interval():
    src = source({"processes": [[(WORKLOAD, 60, 10), (77, 20, 11)],        # 60 / 80
                                [(WORKLOAD, 60, 10), (77, 20, 11), (WORKLOAD, 10, 20),
                                 (77, 30, 21)]]})                          # new since 11: 10/40
    a, b = src.read()[0], src.read()[0]
    assert (a.attribution, a.attributed_share_ppm) == ("process_utilization", 750_000)
    assert (b.attribution, b.attributed_share_ppm) == ("process_utilization", 250_000)


def test_no_busy_process_in_the_interval_gives_no_share_not_a_guess():
    src = source({"processes": [[(77, 50, 10)], [(77, 50, 10)]]})
    a, b = src.read()[0], src.read()[0]
    assert a.attributed_share_ppm == 0            # only another process was busy
    assert b.attributed_share_ppm is None and b.attribution == "process_utilization"


def test_falls_back_to_accounting_when_process_utilization_is_not_supported():
    src = source({"processes": pynvml.NVML_ERROR_NOT_SUPPORTED,
                  "accounting": {WORKLOAD: (50, 3000), 77: (100, 1000)}})
    s = src.read()[0]
    assert (s.attribution, s.attributed_share_ppm) == ("accounting", 600_000)  # 150k / 250k
    assert [e.kind for e in src.drain_events()] == ["attribution_unavailable"]


def test_nothing_nvml_can_attribute_is_unavailable_never_100_percent():
    src = source({"processes": pynvml.NVML_ERROR_NO_PERMISSION, "accounting_off": True,
                  "accounting": {WORKLOAD: (50, 10)}})
    s = src.read()[0]
    assert (s.attribution, s.attributed_share_ppm) == ("unavailable", None)
    assert s.energy_mj == 0  # the GPU's energy itself is still measured
    kinds = [(e.kind, e.detail["method"]) for e in src.drain_events()]
    assert kinds == [("attribution_unavailable", "process_utilization"),
                     ("attribution_unavailable", "accounting")]
    assert src.read()[0].attribution == "unavailable"  # not retried every tick
    plain = NvmlSource(nvml=fake_nvml({"GPU-a": {"energy": [5], "power": [1]}}))
    plain.open()
    assert (plain.read()[0].attribution, plain.read()[0].attributed_share_ppm) == ("none", None)


def test_other_nvml_errors_still_fail_the_read_and_settings_are_checked():
    src = source({"processes": pynvml.NVML_ERROR_GPU_IS_LOST})
    with pytest.raises(SourceError, match="nvmlDeviceGetProcessUtilization.*GPU_IS_LOST"):
        src.read()
    with pytest.raises(ConfigError, match="process ids"):
        NvmlAttribution(fake_nvml({}), [])
    with pytest.raises(ConfigError, match="nvml_attribution must be"):
        NvmlAttribution(fake_nvml({}), [1], "guess")


def test_window_share_is_energy_weighted_and_none_if_any_spending_tick_lacks_one():
    assert attribute([(100, 500_000, "process_utilization"),
                      (300, 1_000_000, "process_utilization")]) == (
        "process_utilization", 875_000)
    assert attribute([(100, 500_000, "process_utilization"),
                      (300, None, "process_utilization")]) == ("process_utilization", None)
    assert attribute([(0, None, "process_utilization"), (10, 200_000, "process_utilization")]
                     ) == ("process_utilization", 200_000)  # idle tick spent nothing
    assert attribute([(1, 1, "accounting"), (1, 1, "process_utilization")])[0] == "mixed"
    assert attribute([(5, None, "none")]) == ("none", None) and attribute([]) == ("none", None)


def test_windows_record_the_share_from_the_source():
    first = [(WORKLOAD, 30, 10), (77, 10, 11)]
    src = source({"processes": [first, first + [(WORKLOAD, 30, 20), (77, 10, 21)],
                                first + [(WORKLOAD, 30, 20), (77, 10, 21), (WORKLOAD, 30, 30),
                                         (77, 10, 31)]]})
    q = WindowQuality()
    for t in (999.0, 1002.0, 1005.0, 1011.0):  # at 1011 no process sample is new: no share
        q.add(t, src.read())
    m = q.close(1000, 1010, 6000, gap=False)
    assert (m.attribution_method, m.attributed_share_ppm) == ("process_utilization", 750_000)
    after = q.close(1010, 1020, 0, gap=False)
    assert (after.attribution_method, after.attributed_share_ppm) == ("process_utilization", None)
