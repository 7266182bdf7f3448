"""Write an optimizer result: measurements.json, recommendation.json, pareto.svg and .png.

``recommendation.json`` is what `ecoai report` shows as its top recommendation:
``{"summary", "recommended": {"setting", ...metrics}, "baseline": {...}, "energy_saving_pct",
"quality_retained_pct", "latency_change_pct", "meter", "estimated", "weights", "quality_floor",
"prices", "intensity_mg_per_kwh", "search", "pareto_indices", "created_s"}``.
The baseline is the first setting of the grid (the user's listed first values).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from ecoai_chain.optimizer.runner import Measurement, Result


def _metrics(m: Measurement) -> dict:
    return {"setting": m.setting, "energy_per_work_mj": m.energy_per_work_mj,
            "latency_ms": m.latency_ms, "throughput_per_s": m.throughput_per_s,
            "quality": m.quality, "index": m.index}


def _describe(setting: dict) -> str:
    parts = []
    if "precision" in setting:
        parts.append(str(setting["precision"]).upper())
    if "batch_size" in setting:
        parts.append(f"batch {setting['batch_size']}")
    if "power_limit_w" in setting:
        parts.append(f"power limit {setting['power_limit_w']} W")
    rest = {k: v for k, v in setting.items() if k not in ("precision", "batch_size",
                                                          "power_limit_w")}
    parts += [f"{k}={v}" for k, v in rest.items()]
    return " with ".join(parts[:2]) + ("" if len(parts) <= 2 else ", " + ", ".join(parts[2:]))


def recommendation(result: Result, now_s: float | None = None) -> dict:
    chosen = result.by_index(result.chosen)
    base = result.measurements[0]
    saving = 100 * (1 - chosen.energy_per_work_mj / base.energy_per_work_mj) \
        if base.energy_per_work_mj > 0 else 0.0
    kept = 100 * chosen.quality / base.quality if base.quality > 0 else 0.0
    lat = 100 * (chosen.latency_ms / base.latency_ms - 1) if base.latency_ms > 0 else 0.0
    label = "" if not chosen.estimated else f" [energy {chosen.meter}]"
    short = [m.index for m in result.measurements if "short_window" in m.flags]
    if short:  # shorter than ten counter updates: the counter's steps dominate the energy
        label += (f" [settings {short} measured for under ten energy-counter updates: "
                  "raise --min-duration-s]")
    summary = (f"{_describe(chosen.setting)}: keeps {kept:.1f}% of baseline quality, "
               f"{saving:.1f}% less energy per unit of work than {_describe(base.setting)}"
               f"{label}")
    return {"summary": summary, "recommended": _metrics(chosen), "baseline": _metrics(base),
            "energy_saving_pct": saving, "quality_retained_pct": kept, "latency_change_pct": lat,
            "meter": chosen.meter, "estimated": chosen.estimated, "method": chosen.method,
            "short_window_indices": short,
            "weights": list(result.weights), "quality_floor": result.quality_floor,
            "prices": asdict(result.prices), "intensity_mg_per_kwh": result.intensity_mg_per_kwh,
            "search": result.search, "pareto_indices": result.front,
            "created_s": int(time.time() if now_s is None else now_s)}


def pareto_figure(result: Result):  # -> matplotlib Figure
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5))
    ax = fig.add_subplot()
    ms = result.measurements
    sc = ax.scatter([m.energy_per_work_mj for m in ms], [m.latency_ms for m in ms],
                    c=[m.quality for m in ms], cmap="viridis", s=36, label="measured")
    fig.colorbar(sc, ax=ax, label="quality")
    front = sorted((result.by_index(i) for i in result.front), key=lambda m: m.energy_per_work_mj)
    ax.plot([m.energy_per_work_mj for m in front], [m.latency_ms for m in front], "o--",
            mfc="none", color="tab:red", label="Pareto frontier")
    c = result.by_index(result.chosen)
    ax.scatter([c.energy_per_work_mj], [c.latency_ms], marker="*", s=260, color="tab:orange",
               edgecolor="black", label=f"pick: {_describe(c.setting)}", zorder=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"energy per work unit (mJ) — {c.meter}")
    ax.set_ylabel("latency (ms)")
    ax.set_title("Green Optimizer: energy vs latency (colour = quality)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def write(result: Result, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"measurements": out / "measurements.json",
             "recommendation": out / "recommendation.json",
             "pareto_svg": out / "pareto.svg", "pareto_png": out / "pareto.png"}
    paths["measurements"].write_text(json.dumps(
        [m.as_dict() for m in result.measurements], indent=1) + "\n")
    paths["recommendation"].write_text(json.dumps(recommendation(result), indent=1) + "\n")
    fig = pareto_figure(result)
    fig.savefig(paths["pareto_svg"], format="svg")
    fig.savefig(paths["pareto_png"], format="png", dpi=100)
    return paths
