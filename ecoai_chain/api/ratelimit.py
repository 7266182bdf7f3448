"""A small in-process token bucket per key (used on /verify: per client, and one global key)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """``allow(key)`` spends one token; buckets hold ``burst`` tokens, refilled at ``rate_per_s``.
    The clock is injectable for tests."""

    def __init__(self, rate_per_s: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate_per_s, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next token)."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return True, 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients
                full = [k for k, (t, s) in self._buckets.items()
                        if t + (now - s) * self.rate >= self.burst]
                for k in full:
                    del self._buckets[k]
            return False, (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0
