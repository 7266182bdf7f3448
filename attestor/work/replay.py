"""The work column of a recorded trace (the same file the replay energy source reads),
replayed against the same clock, so one trace drives a whole node on machines without a GPU."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ecoai_chain.energy.replay import TraceReplay


class ReplayWorkSource(TraceReplay):
    """The work column of the same trace, replayed against the same clock."""

    name = "replay"

    def __init__(self, path: str | Path, work_scale: float | str = 1, anchor_s: float = 0.0,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(path, work_scale, anchor_s, clock)

    def read(self) -> int:
        _trace, _t, (_e, w, _p) = self._now()
        return self._scaled(w)
