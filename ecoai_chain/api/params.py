"""Validation of path and query values, each failure naming its field (-> HTTP 422)."""

from __future__ import annotations

import base64
import json
import re

from eth_utils import to_checksum_address

from ecoai_chain.errors import ValidationError

# fullmatch, never match with "$": "$" also matches before a trailing newline, and a path
# ending in %0A then reached eth_utils (a bare ValueError: HTTP 500) or the SQL lookup
_ADDR = re.compile(r"0x[0-9a-fA-F]{40}")
_TX = re.compile(r"0x[0-9a-fA-F]{64}")
_ID = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit and int() also take "²", "١", "1_0"
MAX_ID = 2**63 - 1


def address(field: str, value: str) -> str:
    if not _ADDR.fullmatch(value or ""):
        raise ValidationError(field, "must be a 0x-prefixed 20-byte hex address")
    return to_checksum_address(value)


def tx_hash(field: str, value: str) -> str:
    if not _TX.fullmatch(value or ""):
        raise ValidationError(field, "must be a 0x-prefixed 32-byte hex transaction hash")
    return value.lower()


def positive_id(field: str, value: str | int) -> int:
    """An id written in ASCII decimal digits, 1 .. 2^63-1."""
    if not _ID.fullmatch(str(value)):
        raise ValidationError(field, "must be a positive integer (decimal digits 0-9)")
    n = int(str(value))
    if not 1 <= n <= MAX_ID:
        raise ValidationError(field, f"must be between 1 and {MAX_ID}")
    return n


def time_range(from_s: int | None, to_s: int | None) -> None:
    if from_s is not None and to_s is not None and from_s > to_s:
        raise ValidationError("from", "must not be after 'to'")


def encode_cursor(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, types: tuple[type, ...]) -> list | None:
    """The opaque cursor -> its key values; a cursor we did not issue is a 422 on 'cursor'."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        for v, t in zip(values, types, strict=True):
            if type(v) is not t:
                raise ValueError
            if t is int and not -MAX_ID <= v <= MAX_ID:
                raise ValueError
        return values
    except ValueError:
        raise ValidationError("cursor", "is not a cursor issued by this API") from None
