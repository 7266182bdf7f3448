"""The one parser of times people write (CLI flags, proposal arguments, forecast files):
unix seconds, or an ISO 8601 date / date-time, to integer unix seconds.

Pure: no I/O, no wall clock. Bad values raise `ValidationError` (a `ValueError`) naming the
field.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ecoai_chain.errors import ValidationError


def parse_time_s(text: str, field: str, *, assume_utc: bool = False) -> int:
    """Unix seconds (digits), or ISO 8601 with ``Z`` or an offset. An ISO time without an offset
    is UTC when ``assume_utc``, and refused otherwise (a file's times must say their zone)."""
    t = text.strip()
    if t.isdigit():
        return int(t)
    try:
        dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError as e:
        raise ValidationError(field, f"expected unix seconds or ISO 8601, got {text!r}") from e
    if dt.tzinfo is None:
        if not assume_utc:
            raise ValidationError(field, f"ISO time needs a zone (e.g. Z): {text!r}")
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())
