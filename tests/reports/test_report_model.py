"""Report numbers against direct computation, from a real trace and a real attestor store."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_account import Account

from attestor.store import Store
from attestor.window import ClosedWindow
from ecoai_chain.carbon.intensity import StaticIntensityProvider
from ecoai_chain.energy.replay import load_trace
from ecoai_chain.errors import ValidationError
from ecoai_chain.reports import recommend
from ecoai_chain.reports.model import build_report
from ecoai_chain.reports.sources import windows_from_store, windows_from_trace

ROOT = Path(__file__).resolve().parents[2]
TRACE = ROOT / "traces" / "synthetic_llm_gpu.csv"
UNTIL = 1_795_000_000 // 3600 * 3600


def test_trace_windows_conserve_the_counters():
    ws = windows_from_trace(TRACE, 60, UNTIL)
    tr = load_trace(TRACE)
    assert len(ws) == int(tr.duration_s // 60) == 15
    assert ws[-1].end_s == UNTIL
    assert all(b.start_s == a.end_s for a, b in zip(ws, ws[1:], strict=False))
    assert sum(w.energy_mj for w in ws) == tr.energy_mj[-1] - tr.energy_mj[0]
    assert sum(w.work for w in ws) == tr.work[-1] - tr.work[0]
    assert all(w.source.startswith("SYNTHETIC") for w in ws)
    first = [p for t, p in zip(tr.t_s, tr.power_mw, strict=True) if 0 <= t <= 60]
    assert ws[0].max_power_mw == max(first) and ws[0].mean_power_mw == ws[0].energy_mj // 60


def test_totals_match_direct_computation():
    ws = windows_from_trace(TRACE, 60, UNTIL)
    kr = StaticIntensityProvider().intensity_at("KR", 0).mg_per_kwh
    alpha = lambda ts: kr if ts < UNTIL - 300 else kr // 2  # noqa: E731  (an intensity change)
    r = build_report(ws, "KR", UNTIL - 86_400, UNTIL, alpha, baseline_ng_per_work=3_000_000,
                     epoch_s=300)
    energy = sum(w.energy_mj for w in ws)
    carbon = sum(w.energy_mj * alpha(w.start_s) // 3_600_000_000 for w in ws)
    work = sum(w.work for w in ws)
    base = 3_000_000 * work // 1_000_000
    assert (r.energy_mj, r.carbon_mg, r.work) == (energy, carbon, work)
    assert r.energy_kwh == pytest.approx(energy / 3.6e9)
    assert r.carbon_kg == pytest.approx(carbon / 1e6)
    assert r.work_per_kwh == pytest.approx(work / (energy / 3.6e9))
    assert r.intensity_mg_per_kwh == carbon * 3_600_000_000 // energy
    assert r.baseline_mg == base and r.eco_score == 100 * base // (base + carbon)
    assert r.reward_units == max(0, base - carbon) * 10**12
    assert [e for _, e in r.epochs] == [sum(w.energy_mj for w in ws[i:i + 5])
                                        for i in range(0, 15, 5)]
    assert [s % 300 for s, _ in r.epochs] == [0, 0, 0]
    assert [w.intensity_mg_per_kwh for w in r.windows][-5:] == [kr // 2] * 5


def test_no_baseline_no_score_and_empty_span():
    r = build_report([], "KR", 0, 10, lambda ts: 1)
    assert r.eco_score is None and r.energy_mj == 0 and r.intensity_mg_per_kwh == 0
    with pytest.raises(ValidationError, match="since"):
        build_report([], "KR", 10, 10, lambda ts: 1)


def _win(start, energy, work, estimated=False):
    return ClosedWindow(start, start + 60, energy, work, 60, energy // 60, energy // 60 + 500,
                        estimated, False, {"gpu0": start})


def test_real_attestor_store_is_read_between_times(tmp_path):
    db = tmp_path / "attestor.sqlite"
    st = Store(db)
    st.append_windows([_win(UNTIL - 180, 18_000_000, 100), _win(UNTIL - 120, 24_000_000, 50,
                       estimated=True), _win(UNTIL - 60, 30_000_000, 10)], Account.create(),
                      "nvml")
    st.close()
    ws = windows_from_store(db, UNTIL - 120, UNTIL)
    assert [w.energy_mj for w in ws] == [24_000_000, 30_000_000]
    r = build_report(ws, "FR", UNTIL - 120, UNTIL, lambda ts: 56_039)
    assert r.carbon_mg == sum(e * 56_039 // 3_600_000_000 for e in (24_000_000, 30_000_000))
    assert r.estimated_windows == 1 and r.sources == ["nvml"]
    rec = recommend.rule_based(r)
    assert rec["kind"] == "rule" and "rule-based suggestion" in rec["label"]
    assert "estimated" in rec["text"]
