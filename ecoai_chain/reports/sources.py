"""Where report windows come from: the attestor's store, or a recorded trace.

* ``--db attestor.sqlite``: ``attestor.store.Store(path).windows_between(since_s, until_s)``.
* ``--trace FILE``: an ecoai-trace (CSV/JSONL, parsed by the attestor's ``load_trace``) cut into
  ``window_s`` windows; the trace is anchored so its first row is at ``anchor_s`` (default: so
  that its last full window ends at ``until_s``). Energy and work per window are differences of
  the cumulative counters at window edges (linear interpolation between rows, floored, as the
  replay source does); max power is the largest sample inside the window. A trace's provenance
  (e.g. SYNTHETIC) is carried into the window's ``source``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecoai_chain.errors import SourceError, ValidationError


@dataclass(frozen=True)
class TraceWindow:
    start_s: int
    end_s: int
    energy_mj: int
    work: int
    mean_power_mw: int
    max_power_mw: int
    source: str
    estimated: bool


def windows_from_store(path: str | Path, since_s: int, until_s: int) -> list:
    if not Path(path).exists():
        raise SourceError(f"--db {path}: no such attestor database")
    from attestor.store import Store  # adapter boundary: the attestor's own store

    store = Store(path)
    try:
        return store.windows_between(since_s, until_s)
    finally:
        store.close()


def windows_from_trace(path: str | Path, window_s: int, until_s: int,
                       anchor_s: int | None = None) -> list[TraceWindow]:
    from attestor.sources.replay import load_trace

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
        out.append(TraceWindow(anchor_s + i * window_s, anchor_s + (i + 1) * window_s, energy,
                               w1 - w0, energy // window_s, max(inside, default=0), source,
                               estimated))
    return out
