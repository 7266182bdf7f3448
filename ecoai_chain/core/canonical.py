"""Canonical JSON for everything that is hashed and signed off-chain (pure).

Keys sorted, no whitespace, ASCII only, and no floats (integers, strings, booleans, null,
lists and objects): the same bytes in every language, so a hash can be re-derived anywhere.
Used by the attestor's window log and by the signed epoch measurement summaries.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ecoai_chain.errors import ValidationError


def canonical_json(obj: Any) -> bytes:
    def check(v: Any, path: str) -> None:
        if isinstance(v, float):
            raise ValidationError(path, "floats are not allowed in hashed records")
        if isinstance(v, dict):
            for k, x in v.items():
                check(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                check(x, f"{path}[{i}]")

    check(obj, "record")
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sha256_hex(obj: Any) -> str:
    return hashlib.sha256(canonical_json(obj)).hexdigest()
