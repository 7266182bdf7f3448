"""Read jobs (JSON) and forecasts (CSV) for the scheduler; errors name the file and field.

Jobs JSON: a list of objects ``{"name", "duration_s", "deadline_s", "power_mw" | "power_w",
"earliest_s"?}`` (times are unix seconds). Forecast CSV: a header with ``time`` (unix seconds or
ISO 8601 with zone) and ``intensity_mg_per_kwh`` or ``intensity_g_per_kwh``; rows equally spaced.
"""

from __future__ import annotations

import csv
import io
import json

from ecoai_chain.carbon.intensity import g_per_kwh_to_mg
from ecoai_chain.core.times import parse_time_s
from ecoai_chain.errors import ValidationError
from ecoai_chain.scheduler.core import Forecast, Job


def parse_forecast(text: str) -> Forecast:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise ValidationError("forecast", "no rows")
    cols = set(rows[0])
    if "time" not in cols:
        raise ValidationError("forecast", "needs a 'time' column")
    if "intensity_mg_per_kwh" in cols:
        def conv(v: str, field: str) -> int:
            if not v.strip().isdigit():
                raise ValidationError(field, f"must be an integer >= 0, got {v!r}")
            return int(v)
        col = "intensity_mg_per_kwh"
    elif "intensity_g_per_kwh" in cols:
        def conv(v: str, field: str) -> int:
            try:
                return g_per_kwh_to_mg(v)
            except ValidationError as e:
                raise ValidationError(field, e.reason) from e
        col = "intensity_g_per_kwh"
    else:
        raise ValidationError("forecast", "needs intensity_mg_per_kwh or intensity_g_per_kwh")
    times = [parse_time_s(r["time"], f"forecast line {i + 2}: time") for i, r in enumerate(rows)]
    values = [conv(r[col], f"forecast line {i + 2}: {col}") for i, r in enumerate(rows)]
    if len(times) == 1:
        raise ValidationError("forecast", "needs at least two rows to know its step")
    step = times[1] - times[0]
    for i in range(1, len(times)):
        if times[i] - times[i - 1] != step or step <= 0:
            raise ValidationError(f"forecast line {i + 2}: time", f"rows must be equally spaced "
                                  f"and increasing (step {step} s)")
    return Forecast(times[0], step, tuple(values))


def parse_jobs(text: str) -> list[Job]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError("jobs", f"not JSON: {e}") from e
    if not isinstance(data, list) or not data:
        raise ValidationError("jobs", "must be a non-empty JSON list of job objects")
    jobs = []
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise ValidationError(f"jobs[{i}]", "must be an object")
        name = str(rec.get("name", f"job{i}"))
        if "power_mw" in rec:
            power = rec["power_mw"]
        elif "power_w" in rec and isinstance(rec["power_w"], int | float):
            power = int(round(rec["power_w"] * 1000))
        else:
            raise ValidationError(f"jobs[{i}]", "needs power_mw (integer) or power_w")
        for key in ("duration_s", "deadline_s"):
            if key not in rec:
                raise ValidationError(f"jobs[{i}].{key}", "missing")
        jobs.append(Job(name, rec["duration_s"], rec["deadline_s"], power,
                        rec.get("earliest_s", 0)))
    return jobs
