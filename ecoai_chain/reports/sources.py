"""Where report windows come from: the attestor's store, or a recorded trace.

* ``--db attestor.sqlite``: the agent's window log, read directly from its SQLite file,
  read-only (``mode=ro``; the report never writes to, or migrates, the agent's database and
  the library does not import the agent). Only the documented columns of the
  ``windowrecord`` table are read; windows fully inside [since_s, until_s), oldest first.
* ``--trace FILE``: an ecoai-trace (CSV/JSONL, parsed by `ecoai_chain.energy.replay.load_trace`)
  cut into ``window_s`` windows; the trace is anchored so its first row is at ``anchor_s``
  (default: so that its last full window ends at ``until_s``). Energy and work per window are
  differences of the cumulative counters at window edges (linear interpolation between rows,
  floored, as the replay source does); max power is the largest sample inside the window. A
  trace's provenance (e.g. SYNTHETIC) is carried into the window's ``source``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ecoai_chain.energy.replay import load_trace
from ecoai_chain.errors import SourceError, ValidationError
from ecoai_chain.reports.model import ReportWindow

_STORE_COLUMNS = ("start_s", "end_s", "energy_mj", "work", "mean_power_mw", "max_power_mw",
                  "source", "estimated")


def windows_from_store(path: str | Path, since_s: int, until_s: int) -> list[ReportWindow]:
    p = Path(path)
    if not p.exists():
        raise SourceError(f"--db {path}: no such attestor database")
    try:
        con = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise SourceError(f"--db {path}: cannot open read-only: {e}") from e
    try:
        rows = con.execute(
            f"SELECT {', '.join(_STORE_COLUMNS)} FROM windowrecord "
            "WHERE start_s >= ? AND end_s <= ? ORDER BY start_s", (since_s, until_s)).fetchall()
    except sqlite3.Error as e:
        raise SourceError(f"--db {path}: not an attestor window log ({e})") from e
    finally:
        con.close()
    return [ReportWindow(int(a), int(b), int(e), int(w), int(mp), int(xp), str(src), bool(est))
            for a, b, e, w, mp, xp, src, est in rows]


def windows_from_trace(path: str | Path, window_s: int, until_s: int,
                       anchor_s: int | None = None) -> list[ReportWindow]:
    if window_s <= 0:
        raise ValidationError("window_s", "must be > 0")
    trace = load_trace(path)
    n = int(trace.duration_s // window_s)
    if n == 0:
        raise SourceError(f"trace {path}: shorter than one {window_s} s window")
    if anchor_s is None:
        anchor_s = until_s - n * window_s
    provenance = str(trace.header.get("provenance", ""))
    label = "SYNTHETIC " if "synthetic" in provenance.lower() else ""
    source = f"{label}trace {Path(path).name} ({trace.device_id})"
    estimated = str(trace.header.get("estimated", "false")).lower() == "true"
    t0 = trace.t_s[0]
    out = []
    for i in range(n):
        a, b = t0 + i * window_s, t0 + (i + 1) * window_s
        e0, w0, _ = trace.at(a)
        e1, w1, _ = trace.at(b)
        inside = [p for t, p in zip(trace.t_s, trace.power_mw, strict=True) if a <= t <= b]
        energy = e1 - e0
        out.append(ReportWindow(anchor_s + i * window_s, anchor_s + (i + 1) * window_s, energy,
                               w1 - w0, energy // window_s, max(inside, default=0), source,
                               estimated))
    return out
