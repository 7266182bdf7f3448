"""The one backoff rule: capped exponential, optionally with full jitter.

``delay_s(n) = min(max_s, base_s * 2**(n-1))`` for the n-th consecutive failure (n >= 1);
with an ``rng``, a uniform draw from ``[0, delay_s(n)]`` ("full jitter", so a fleet of agents
that lost the same RPC does not come back in lockstep).

Pure: no clock and no sleep. Callers add the delay to their own (injected) clock or wait on
their own event; `Backoff` only counts failures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ecoai_chain.errors import ValidationError

_MAX_DOUBLINGS = 60  # 2**60 * any sane base is far past any cap; keeps the float finite


def backoff_delay_s(failures: int, base_s: float, max_s: float,
                    rng: random.Random | None = None) -> float:
    """Delay before the next try after ``failures`` consecutive failures (>= 1)."""
    if failures < 1:
        raise ValidationError("failures", f"must be >= 1, got {failures}")
    if base_s < 0 or max_s < 0:
        raise ValidationError("base_s/max_s", f"must be >= 0, got {base_s}/{max_s}")
    cap = min(max_s, base_s * 2.0 ** min(failures - 1, _MAX_DOUBLINGS))
    return rng.uniform(0, cap) if rng is not None else cap


@dataclass
class Backoff:
    """Consecutive-failure counter over `backoff_delay_s`: ``fail()`` returns the next delay,
    ``succeed()`` starts over."""

    base_s: float
    max_s: float
    rng: random.Random | None = None
    failures: int = field(default=0, init=False)

    def fail(self) -> float:
        self.failures += 1
        return backoff_delay_s(self.failures, self.base_s, self.max_s, self.rng)

    def succeed(self) -> None:
        self.failures = 0
