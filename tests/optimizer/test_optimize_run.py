"""A full `ecoai optimize` run on the real NumPy workload (CPU, cpu-time model here)."""

from __future__ import annotations

import json

import pytest

from ecoai_chain.cli import main
from ecoai_chain.energy.cputime import CpuTimeSource
from ecoai_chain.energy.monitor import EnergyMonitor
from ecoai_chain.optimizer import runner, search
from ecoai_chain.optimizer.pareto import Prices
from ecoai_chain.optimizer.workload import CallableWorkload

SPEC = "ecoai_chain.optimizer.workloads.numpy_mlp:run"


@pytest.mark.slow
def test_cli_grid_run_writes_consistent_outputs(tmp_path, capsys):
    rc = main(["optimize", "--callable", SPEC, "--batch-sizes", "8,256",
               "--precisions", "fp32,bf16,int8", "--quality-floor", "0.98",
               "--weights", "0,1,0", "--meter", "cpu-model", "--min-duration-s", "0.1",
               "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr().out
    rec = json.loads((tmp_path / "recommendation.json").read_text())
    ms = [runner.Measurement.from_dict(d) for d in
          json.loads((tmp_path / "measurements.json").read_text())]
    assert len(ms) == 6 and all(m.energy_mj > 0 and m.work > 0 for m in ms)
    assert rec["estimated"] is True and "estimated (cpu-time model" in rec["meter"]
    assert "estimated (cpu-time model" in rec["summary"] and rec["summary"] in out
    # the pick is recomputable from the written measurements
    again = runner.decide(ms, (0, 1, 0), 0.98, Prices(**rec["prices"]),
                          rec["intensity_mg_per_kwh"])
    assert rec["recommended"]["index"] == again.chosen
    assert rec["pareto_indices"] == again.front
    feasible = [m for m in ms if m.quality >= 0.98]
    assert again.chosen == min(feasible, key=lambda m: m.energy_per_work_mj).index
    svg = (tmp_path / "pareto.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "estimated (cpu-time model" in svg
    assert (tmp_path / "pareto.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_adaptive_measures_a_subset_and_moves_downhill():
    wl = CallableWorkload.from_spec(SPEC)
    dims = [("batch_size", [1, 4, 16, 64, 256]), ("precision", ["fp32", "bf16", "int8"])]
    meter = EnergyMonitor(CpuTimeSource()).open()
    res = runner.optimize(wl, dims, meter, mode="adaptive", weights=(0, 1, 0),
                          min_duration_s=0.03, budget=12)
    assert 1 < len(res.measurements) <= 12 < len(search.grid(dims)) + 1
    measured = [m.setting for m in res.measurements]
    assert measured[0] == {"batch_size": 16, "precision": "bf16"}  # the middle of each dim
    assert res.by_index(res.chosen).setting in measured


def test_cli_errors(tmp_path, capsys):
    assert main(["optimize", "--batch-sizes", "1"]) == 1
    assert "exactly one of --workload or --callable" in capsys.readouterr().err
    assert main(["optimize", "--callable", SPEC, "--precisions", "fp8"]) == 1
    assert "unknown ['fp8']" in capsys.readouterr().err
    assert main(["optimize", "--callable", SPEC, "--batch-sizes", "4",
                 "--power-limits", "200"]) == 1
    assert "NVIDIA GPU" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_with_a_command_workload(tmp_path, capsys):
    import sys

    cmd = f"{sys.executable} -m ecoai_chain.optimizer.workloads.numpy_mlp"
    rc = main(["optimize", "--workload", cmd, "--precisions", "fp32,int8", "--batch-sizes", "64",
               "--meter", "cpu-model", "--min-duration-s", "0", "--out", str(tmp_path)])
    assert rc == 0
    ms = json.loads((tmp_path / "measurements.json").read_text())
    # each run is a child process: its CPU time (training included) is what the model counts
    assert [m["setting"]["precision"] for m in ms] == ["fp32", "int8"]
    assert all(m["energy_mj"] > 0 and m["repeats"] == 1 and m["work"] == 4096 for m in ms)
    assert ms[1]["quality"] < 1.0 == ms[0]["quality"]
