"""Which settings to measure: the full grid, or an adaptive coordinate descent over it.

Adaptive: start at the middle value of every dimension; measure all not-yet-measured
neighbours (one step along one dimension); move to the best measured setting by the objective;
stop when the best does not change or ``budget`` measurements are spent. It measures far fewer
points than the grid on smooth responses and can stop in a local optimum: say so when used.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

Dims = list[tuple[str, Sequence[Any]]]


def grid(dims: Dims) -> list[dict]:
    names = [n for n, _ in dims]
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(vals for _, vals in dims))]


def adaptive(dims: Dims, measure: Callable[[dict], None],
             objective: Callable[[], dict | None], budget: int = 50) -> int:
    """Drive ``measure`` through neighbours; ``objective()`` returns the best setting so far.

    Returns how many settings were measured.
    """
    names = [n for n, _ in dims]
    sizes = [len(v) for _, v in dims]
    seen: set[tuple[int, ...]] = set()

    def setting(ix: tuple[int, ...]) -> dict:
        return {n: dims[d][1][i] for d, (n, i) in enumerate(zip(names, ix, strict=True))}

    def visit(ix: tuple[int, ...]) -> None:
        if ix not in seen and len(seen) < budget:
            seen.add(ix)
            measure(setting(ix))

    current = tuple(s // 2 for s in sizes)
    visit(current)
    while len(seen) < budget:
        for d in range(len(dims)):
            for step in (-1, 1):
                ix = list(current)
                ix[d] += step
                if 0 <= ix[d] < sizes[d]:
                    visit(tuple(ix))
        best = objective()
        if best is None:
            break
        best_ix = tuple(list(dims[d][1]).index(best[n]) for d, n in enumerate(names))
        if best_ix == current:
            break
        current = best_ix
    return len(seen)
