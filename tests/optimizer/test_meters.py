"""Which meter the optimizer picks (the meters themselves are tested in tests/energy)."""

from __future__ import annotations

import pynvml
import pytest
from nvml_fake import fake_nvml

from ecoai_chain.errors import ConfigError, SourceError
from ecoai_chain.optimizer.meters import pick_meter


def test_pick_meter_falls_back_with_reasons_and_explicit_choice_fails(tmp_path):
    nv = fake_nvml({})
    nv.nvmlInit.side_effect = pynvml.NVMLError(pynvml.NVML_ERROR_LIBRARY_NOT_FOUND)
    m = pick_meter("auto", rapl_root=tmp_path, nvml=nv)
    assert m.estimated and len(m.fallback_reasons) == 2
    with pytest.raises(SourceError, match="--meter rapl"):
        pick_meter("rapl", rapl_root=tmp_path)
    with pytest.raises(ConfigError, match="--meter"):
        pick_meter("magic")


def test_pick_meter_nvml_uses_the_attestor_source(tmp_path):
    nv = fake_nvml({"GPU-a": {"energy": [5, 25], "power": [1]}})
    m = pick_meter("auto", rapl_root=tmp_path, nvml=nv)
    assert m.label == "NVML total energy (1 GPU(s))" and not m.estimated
    m.begin_window("w")
    assert m.end_window("w").energy_mj == 20


def test_measurements_say_their_method_and_short_ones_are_named_in_the_summary():
    from ecoai_chain.optimizer import output, runner
    from ecoai_chain.optimizer.pareto import Prices

    ms = [runner.Measurement(0, {"batch_size": 1}, 10, 1.0, 1000, 100.0, 10.0, 1,
                             "NVML total energy (1 GPU(s))", False, {}, "counter",
                             ["short_window"]),
          runner.Measurement(1, {"batch_size": 8}, 10, 1.0, 500, 100.0, 10.0, 1,
                             "NVML total energy (1 GPU(s))", False, {}, "counter", [])]
    rec = output.recommendation(runner.decide(ms, (0, 1, 0), 0.0, Prices(), 0), now_s=0)
    assert rec["method"] == "counter" and rec["short_window_indices"] == [0]
    assert "under ten energy-counter updates" in rec["summary"]
    assert runner.Measurement.from_dict(ms[0].as_dict()).flags == ["short_window"]
