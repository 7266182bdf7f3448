"""A small in-process token bucket per key (used on /verify: per client, and one global key)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_KEYS = 10_000


class TokenBucket:
    """``allow(key)`` spends one token; buckets hold ``burst`` tokens, refilled at ``rate_per_s``.
    At most ``max_keys`` buckets are kept: past that, the least recently used is forgotten (a
    client rotating addresses -- an IPv6 /64 holds 2^64 -- cannot grow the table; a forgotten
    client starts again from a full bucket, and the global limit still bounds the work). The
    clock is injectable for tests."""

    def __init__(self, rate_per_s: float, burst: int,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self.rate, self.burst, self.clock, self.max_keys = rate_per_s, burst, clock, max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next token)."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            if allowed:
                return True, 0.0
            return False, (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0
