"""Report plots as inline SVG strings (matplotlib, Agg backend; no external references).

The SVG's XML declaration, DOCTYPE and metadata block are removed so it can be embedded in HTML
and carries no URL other than the SVG namespace.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from ecoai_chain.reports.model import Report

_STRIP = [re.compile(r"<\?xml[^>]*\?>\s*"), re.compile(r"<!DOCTYPE[^>]*>\s*", re.S),
          re.compile(r"<metadata>.*?</metadata>\s*", re.S)]


def _figure():
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(7.5, 3.0))


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    for pat in _STRIP:
        text = pat.sub("", text)
    return text


def _times(report: Report, starts: list[int]):
    return [datetime.fromtimestamp(s, UTC) for s in starts]


def power_over_time(report: Report) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    t = _times(report, [w.start_s for w in report.windows])
    ax.step(t, [w.mean_power_mw / 1000 for w in report.windows], where="post", label="mean")
    ax.plot(t, [w.max_power_mw / 1000 for w in report.windows], ":", lw=0.8, label="max")
    ax.set_ylabel("power (W)")
    ax.set_title("Power over time (per window, UTC)")
    ax.legend(fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    return _svg(fig)


def energy_per_epoch(report: Report) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    labels = [datetime.fromtimestamp(s, UTC).strftime("%m-%d %H:%M") for s, _ in report.epochs]
    ax.bar(labels, [e / 3.6e9 for _, e in report.epochs], color="tab:green")
    ax.set_ylabel("energy (kWh)")
    ax.set_title("Energy per epoch")
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    fig.tight_layout()
    return _svg(fig)


def carbon_vs_intensity(report: Report) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    ax.scatter([w.intensity_mg_per_kwh / 1000 for w in report.windows],
               [w.carbon_mg / 1000 for w in report.windows], s=10, alpha=0.6)
    ax.set_xlabel("grid intensity (g CO2e/kWh)")
    ax.set_ylabel("carbon per window (g CO2e)")
    ax.set_title("Carbon against intensity")
    fig.tight_layout()
    return _svg(fig)


def all_plots(report: Report) -> dict[str, str]:
    if not report.windows:
        return {}
    return {"Power over time": power_over_time(report),
            "Energy per epoch": energy_per_epoch(report),
            "Carbon against intensity": carbon_vs_intensity(report)}
