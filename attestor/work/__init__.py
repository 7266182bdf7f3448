"""Work sources: what the energy bought, as one monotonically increasing counter.

``read()`` returns a cumulative count (tokens, samples, requests). Sources keep it
monotonic across the workload's own counter resets (Prometheus ``increase()`` semantics:
a value lower than the previous one means the series restarted from zero, so the new value
is the increment). A reset of the agent itself shows up to the pipeline as a counter lower
than its persisted cursor and is handled there the same way.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class WorkSource(Protocol):
    name: str

    def open(self) -> None: ...

    def read(self) -> int: ...

    def close(self) -> None: ...


def counter_increment(previous: int | None, current: int) -> tuple[int, bool]:
    """(increment, reset) from two readings of a counter that may restart from zero."""
    if previous is None:
        return 0, False
    if current >= previous:
        return current - previous, False
    return current, True


class SeriesAccumulator:
    """A monotonic total over several counters keyed by series, each possibly resetting.

    The first reading of a series is taken as-is (so an agent restart continues the
    workload's own count); later readings add their increment. A series missing from a
    reading (normal behind a load balancer over replicas) is remembered with its last value:
    when it comes back, only its increment counts, and a value lower than before is a reset.
    """

    def __init__(self) -> None:
        self._last: dict[object, int] = {}
        self.total = 0
        self.resets = 0

    def update(self, readings: dict[object, int]) -> int:
        for key, value in readings.items():
            if key not in self._last:
                self.total += value
            else:
                inc, reset = counter_increment(self._last[key], value)
                self.total += inc
                self.resets += int(reset)
            self._last[key] = value
        return self.total
