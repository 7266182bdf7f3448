"""RaplSource on a fake powercap tree; ReplaySource on traces (shipped and malformed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from attestor.work.replay import ReplayWorkSource
from ecoai_chain.energy.rapl import RaplSource
from ecoai_chain.energy.replay import ReplaySource, load_trace
from ecoai_chain.errors import SourceError

TRACES = Path(__file__).resolve().parents[2] / "traces"


def zone(root: Path, name: str, label: str, energy_uj: int, range_uj: int) -> Path:
    d = root / name
    d.mkdir(parents=True)
    (d / "name").write_text(label + "\n")
    (d / "energy_uj").write_text(f"{energy_uj}\n")
    (d / "max_energy_range_uj").write_text(f"{range_uj}\n")
    return d


def test_rapl_packages_only_and_wraparound(tmp_path):
    p0 = zone(tmp_path, "intel-rapl:0", "package-0", 999_000_000, 1_000_000_000)
    zone(tmp_path, "intel-rapl:0:0", "core", 5, 1_000_000_000)  # sub-zone: not counted again
    zone(tmp_path, "intel-rapl:1", "package-1", 10_000, 1_000_000_000)
    src = RaplSource(root=tmp_path, clock=lambda: 1.0)
    src.open()
    base = src.read()
    assert [s.device_id for s in base] == ["intel-rapl:0/package-0", "intel-rapl:1/package-1"]
    (p0 / "energy_uj").write_text("2500000\n")  # wrapped: 1_000_000 uJ to the top + 2_500_000
    after = src.read()
    assert after[0].energy_mj - base[0].energy_mj == 3_500
    assert [e.kind for e in src.drain_events()] == ["counter_wrap"]


def test_rapl_unreadable_or_missing_is_clear(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        RaplSource(root=tmp_path / "nope").open()
    with pytest.raises(SourceError, match="no intel-rapl"):
        RaplSource(root=tmp_path).open()
    d = zone(tmp_path, "intel-rapl:0", "package-0", 1, 10)
    if os.geteuid() != 0:
        os.chmod(d / "energy_uj", 0o000)
        with pytest.raises(SourceError, match="energy_uj is not readable"):
            RaplSource(root=tmp_path).open()


def test_shipped_traces_have_provenance_and_work():
    files = sorted(TRACES.glob("*.csv")) + sorted(TRACES.glob("*.jsonl"))
    assert len(files) >= 1
    for f in files:
        tr = load_trace(f)
        prov = tr.header["provenance"].lower()
        assert "synthetic" in prov or "recorded" in prov
        assert tr.work[-1] > tr.work[0]
        assert tr.energy_mj[-1] > tr.energy_mj[0]


def test_replay_is_a_function_of_the_clock_and_continues_across_loops(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("# provenance: synthetic, hand-written for this test\n# device: r0\n"
                 "t_s,energy_mj,power_mw,work\n0,0,100000,0\n10,1000000,100000,50\n")
    clock = [1000.0]
    src = ReplaySource(f, energy_scale="1.5", anchor_s=1000, clock=lambda: clock[0])
    work = ReplayWorkSource(f, anchor_s=1000, clock=lambda: clock[0])
    src.open(), work.open()
    assert src.read()[0].energy_mj == 0
    clock[0] = 1005
    assert src.read()[0].energy_mj == 750_000 and work.read() == 25
    clock[0] = 1025  # two loops and a half
    assert src.read()[0].energy_mj == int(2.5 * 1_500_000) and work.read() == 125


def test_replay_jsonl(tmp_path):
    f = tmp_path / "t.jsonl"
    rows = [{"header": {"format": "ecoai-trace/1", "provenance": "synthetic: test"}},
            {"t_s": 0, "energy_mj": 0, "power_mw": 1, "work": 0},
            {"t_s": 2, "energy_mj": 10, "power_mw": 1, "work": 4}]
    f.write_text("\n".join(json.dumps(r) for r in rows))
    assert load_trace(f).energy_mj == [0, 10]


@pytest.mark.parametrize("body,match", [
    ("t_s,energy_mj,power_mw,work\n0,0,1,0\n1,x,1,0\n",
     r"t.csv:5: field 'energy_mj' is not a number"),
    ("t_s,energy_mj,power_mw,work\n0,0,1,0\n1,5,1\n", r"t.csv:5: expected 4 fields"),
    ("t_s,energy_mj,power_mw,work\n0,9,1,0\n1,5,1,0\n",
     r"t.csv:5: energy_mj must not decrease"),
    ("t_s,energy_mj,power_mw,work\n0,0,1,0\n0,5,1,0\n", r"t.csv:5: t_s must increase"),
    ("t_s,energy_mj,power_mw,work\n0,0,1,0\n1,-5,1,0\n",
     r"t.csv:5: field 'energy_mj' must be >= 0"),
])
def test_malformed_trace_lines_name_file_and_line(tmp_path, body, match):
    f = tmp_path / "t.csv"
    f.write_text("# ecoai-trace v1\n# provenance: synthetic test\n" + body)
    with pytest.raises(SourceError, match=match):
        ReplaySource(f).open()


def test_trace_without_provenance_is_refused(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("t_s,energy_mj,power_mw,work\n0,0,1,0\n1,1,1,0\n")
    with pytest.raises(SourceError, match="provenance"):
        load_trace(f)
    g = tmp_path / "t.jsonl"
    g.write_text('{"t_s": 0}\nnot json\n')
    with pytest.raises(SourceError, match=r"t.jsonl:1: first line must be"):
        load_trace(g)
