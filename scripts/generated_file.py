"""The write-or-check step the generators in scripts/ share.

``write_or_check(target, text, argv, script)``: with ``--check`` in ``argv``, exit status 1 (and
a line naming the command to run) when ``target`` is missing or differs from ``text``; otherwise
write ``text`` to ``target``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_or_check(target: Path, text: str, argv: list[str], script: str,
                   summary: str = "") -> int:
    if "--check" in argv:
        if not target.is_file() or target.read_text() != text:
            print(f"{target} is stale: run python scripts/{script}", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(f"wrote {target.relative_to(ROOT)}{f' ({summary})' if summary else ''}")
    return 0
