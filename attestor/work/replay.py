"""The work column of a recorded trace (the same file the replay energy source reads),
replayed against the same clock, so one trace drives a whole node on machines without a GPU."""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from ecoai_chain.energy.replay import Trace, load_trace
from ecoai_chain.errors import SourceError


class ReplayWorkSource:
    """The work column of the same trace, replayed against the same clock."""

    name = "replay"

    def __init__(self, path: str | Path, work_scale: float | str = 1, anchor_s: float = 0.0,
                 clock: Callable[[], float] = time.time) -> None:
        self._path = Path(path)
        self._scale = Fraction(str(work_scale))
        self._anchor_s = anchor_s
        self._clock = clock
        self.trace: Trace | None = None

    def open(self) -> None:
        self.trace = load_trace(self._path)

    def read(self) -> int:
        if self.trace is None:
            raise SourceError("ReplayWorkSource.read() before open()")
        _e, w, _p = self.trace.at(self._clock(), self._anchor_s)
        return w * self._scale.numerator // self._scale.denominator

    def close(self) -> None:
        self.trace = None
