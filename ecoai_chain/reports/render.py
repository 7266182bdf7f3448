"""Render a `Report` as JSON (dict), CSV (one row per window + a totals row) or HTML.

The HTML is one self-contained file: inline CSS, inline SVG plots, no script, no external URL.
"""

from __future__ import annotations

import csv
import html
import io
from datetime import UTC, datetime

from ecoai_chain.reports.model import Report
from ecoai_chain.reports.plots import all_plots


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def to_json(r: Report) -> dict:
    return {
        "region": r.region, "since_s": r.since_s, "until_s": r.until_s,
        "intensity_source": r.intensity_source, "sources": r.sources,
        "windows": len(r.windows), "estimated_windows": r.estimated_windows,
        "energy_mj": r.energy_mj, "energy_kwh": r.energy_kwh, "work": r.work,
        "carbon_mg": r.carbon_mg, "carbon_kg": r.carbon_kg,
        "intensity_mg_per_kwh": r.intensity_mg_per_kwh, "work_per_kwh": r.work_per_kwh,
        "baseline_ng_per_work": r.baseline_ng_per_work, "baseline_mg": r.baseline_mg,
        "eco_score": r.eco_score, "reward_units": r.reward_units,
        "recommendation": r.recommendation,
        "epochs": [{"epoch_start_s": s, "energy_mj": e} for s, e in r.epochs],
        "series": [w.__dict__ for w in r.windows],
    }


CSV_COLUMNS = ["start_s", "end_s", "energy_mj", "work", "mean_power_mw", "max_power_mw",
               "intensity_mg_per_kwh", "carbon_mg", "estimated"]


def to_csv(r: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for row in r.windows:
        w.writerow([getattr(row, c) for c in CSV_COLUMNS])
    w.writerow(["total", "", r.energy_mj, r.work, "", "", r.intensity_mg_per_kwh, r.carbon_mg,
                r.estimated_windows])
    return buf.getvalue()


CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#1d2a22}
h1{color:#1b5e20}.cards{display:flex;flex-wrap:wrap;gap:1rem}
.card{border:1px solid #c8e6c9;border-radius:8px;padding:.8rem 1.2rem;min-width:160px}
.card b{display:block;font-size:1.6rem}.warn{background:#fff3e0;padding:.5rem 1rem}
.rec{border-left:4px solid #2e7d32;padding:.5rem 1rem;background:#f1f8e9}
.muted{color:#666;font-size:.9rem}svg{max-width:100%;height:auto}
"""


def to_html(r: Report) -> str:
    e = html.escape
    score = "n/a (no baseline given)" if r.eco_score is None else str(r.eco_score)
    cards = [("Energy", f"{r.energy_kwh:.3f} kWh"), ("Carbon", f"{r.carbon_kg:.3f} kg CO2e"),
             ("Efficiency", f"{r.work_per_kwh:,.0f} work/kWh"), ("Eco Score", score),
             ("Grid intensity", f"{r.intensity_mg_per_kwh / 1000:.1f} g/kWh")]
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>EcoAI report {e(r.region)}</title><style>{CSS}</style></head><body>",
             f"<h1>EcoAI Chain report — {e(r.region)}</h1>",
             f"<p class='muted'>{_iso(r.since_s)} to {_iso(r.until_s)} · {len(r.windows)} windows"
             f" · energy from {e(', '.join(r.sources) or 'no windows')} · intensity: "
             f"{e(r.intensity_source)}</p>"]
    if r.estimated_windows:
        parts.append(f"<p class='warn'>{r.estimated_windows} window(s) are estimated "
                     "(integrated power, not a metered energy counter).</p>")
    if any("SYNTHETIC" in s for s in r.sources):
        parts.append("<p class='warn'>Input is a SYNTHETIC trace, not a measurement.</p>")
    parts.append("<div class='cards'>" + "".join(
        f"<div class='card'><span>{e(k)}</span><b>{e(v)}</b></div>" for k, v in cards)
        + "</div>")
    rec = r.recommendation
    if rec:
        parts.append(f"<h2>Top recommendation</h2><div class='rec'><p><b>{e(rec['label'])}</b>"
                     f"</p><p>{e(rec['text'])}</p></div>")
    for title, svg in all_plots(r).items():
        parts.append(f"<h2>{e(title)}</h2><figure>{svg}</figure>")
    parts.append("<p class='muted'>Carbon = Σ per window floor(energy_mJ × intensity / 3.6e9) mg; "
                 "Eco Score = floor(100 × baseline / (baseline + carbon)).</p></body></html>")
    return "\n".join(parts)
