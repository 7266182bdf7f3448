"""The shipped NumPy MLP workload and both workload kinds."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from ecoai_chain.errors import ConfigError, SourceError, ValidationError
from ecoai_chain.optimizer.workload import CallableWorkload, CommandWorkload
from ecoai_chain.optimizer.workloads import numpy_mlp


def test_bf16_emulation_truncates_mantissa():
    a = np.array([1.0 + 2**-10, 3.14159, -2.5e-3], dtype=np.float32)
    b = numpy_mlp._bf16(a)
    assert (b.view(np.uint32) & 0xFFFF).tolist() == [0, 0, 0]
    assert np.all(np.abs(b - a) <= np.abs(a) * 2**-7)


def test_model_is_deterministic_and_learns():
    out = numpy_mlp.run({"batch_size": 256, "precision": "fp32"})
    assert out["work"] == 4096 and out["quality"] == 1.0
    assert out["accuracy"] > 0.5  # 4 classes: chance is 0.25
    assert numpy_mlp.run({"batch_size": 256, "precision": "fp32"})["accuracy"] == out["accuracy"]


@pytest.mark.parametrize("precision", ["fp16", "bf16", "int8"])
def test_reduced_precisions_agree_closely_but_are_really_computed(precision):
    x, _, ref = numpy_mlp.evaluation_set(4096)
    preds = numpy_mlp.forward(x, numpy_mlp.trained_model(), precision)
    agree = float((preds == ref).mean())
    assert 0.95 < agree <= 1.0
    if precision == "int8":
        assert agree < 1.0  # quantization does change some predictions


def test_batch_size_does_not_change_answers():
    a = numpy_mlp.run({"batch_size": 1, "precision": "int8", "samples": 512})
    b = numpy_mlp.run({"batch_size": 512, "precision": "int8", "samples": 512})
    assert a["work"] == b["work"] == 512
    # int8 quantizes activations per batch, so answers may differ slightly between batch sizes
    assert abs(a["quality"] - b["quality"]) < 0.05


def test_bad_settings():
    with pytest.raises(ValidationError, match="precision"):
        numpy_mlp.run({"precision": "fp8"})
    with pytest.raises(ValidationError, match="batch_size"):
        numpy_mlp.run({"batch_size": 0})


def test_command_workload_protocol():
    wl = CommandWorkload(f"{sys.executable} -m ecoai_chain.optimizer.workloads.numpy_mlp")
    out = wl.run({"batch_size": 128, "precision": "bf16", "samples": 256})
    assert out["work"] == 256 and 0.9 < out["quality"] <= 1.0


def test_command_workload_errors(tmp_path):
    with pytest.raises(SourceError, match="exited 3"):
        CommandWorkload(f"{sys.executable} -c 'import sys; sys.exit(3)'").run({})
    with pytest.raises(ValidationError, match="not JSON"):
        CommandWorkload(f"{sys.executable} -c 'print(42.5, 1)'").run({})
    script = tmp_path / "zero_work.py"
    script.write_text(f"print({json.dumps({'work': 0, 'quality': 1})!r})\n")
    with pytest.raises(ValidationError, match="work"):
        CommandWorkload(f"{sys.executable} {script}").run({})
    with pytest.raises(ConfigError, match="not found"):
        CommandWorkload("/nonexistent/tool").run({})


def test_callable_spec_errors():
    with pytest.raises(ConfigError, match="module:function"):
        CallableWorkload.from_spec("nocolon")
    with pytest.raises(ConfigError, match="no function"):
        CallableWorkload.from_spec("ecoai_chain.optimizer.workloads.numpy_mlp:nope")
