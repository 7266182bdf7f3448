"""The report's top recommendation: the optimizer's last result if present, else a labelled
rule-based suggestion (never presented as measured)."""

from __future__ import annotations

import json
from pathlib import Path

from ecoai_chain.errors import ValidationError

RULE_LABEL = "rule-based suggestion (no optimizer result found; run `ecoai optimize`)"


def from_optimizer(path: str | Path) -> dict:
    try:
        rec = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ValidationError("recommendation", f"cannot read {path}: {e}") from e
    if not isinstance(rec, dict) or "summary" not in rec or "recommended" not in rec:
        raise ValidationError("recommendation", f"{path} is not an optimizer recommendation.json")
    return {"kind": "optimizer", "label": "Green Optimizer result" + (
        f" — energy {rec.get('meter')}" if rec.get("estimated") else ""),
        "text": rec["summary"], "source": str(path), "details": rec}


def rule_based(report) -> dict:
    """Simple, stated rules over the report's own figures (first that applies)."""
    peak = max((w.max_power_mw for w in report.windows), default=0)
    mean = report.energy_mj // max(1, sum(w.end_s - w.start_s for w in report.windows))  # mW
    if report.estimated_windows:
        text = (f"{report.estimated_windows} window(s) are estimated (no energy counter): enable "
                "the NVML energy counter or RAPL so certificates use metered energy.")
    elif peak and mean * 2 < peak:
        text = (f"Mean power is {mean / 1000:.0f} W against a {peak / 1000:.0f} W peak: the "
                "accelerator idles often; batch requests or lower the power limit "
                "(`ecoai optimize --power-limits ...`).")
    elif report.intensity_mg_per_kwh >= 400_000:
        text = (f"Grid intensity averages {report.intensity_mg_per_kwh / 1000:.0f} g/kWh: shift "
                "deferrable jobs to cleaner hours with `ecoai schedule`.")
    else:
        text = "Run `ecoai optimize` on this workload to find lower-energy settings."
    return {"kind": "rule", "label": RULE_LABEL, "text": text, "source": "", "details": {}}
