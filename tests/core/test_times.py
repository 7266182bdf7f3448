"""The one time parser: unix seconds and ISO 8601, with the zone rule each caller asks for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.core.times import parse_time_s
from ecoai_chain.errors import ValidationError

# Up to the end of year 9999, where ISO 8601 in Python stops.
SECONDS = st.integers(min_value=0, max_value=253_402_300_799)


@given(SECONDS)
@example(0)
@example(253_402_300_799)
def test_unix_seconds_and_their_iso_forms_agree(ts_s: int) -> None:
    iso = datetime.fromtimestamp(ts_s, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert parse_time_s(f" {ts_s} ", "t") == ts_s
    assert parse_time_s(iso + "Z", "t") == ts_s
    assert parse_time_s(iso + "+00:00", "t") == ts_s
    assert parse_time_s(iso, "t", assume_utc=True) == ts_s


def test_an_offset_is_applied() -> None:
    assert parse_time_s("2026-11-22T09:00:00+09:00", "t") == parse_time_s(
        "2026-11-22T00:00:00Z", "t")


def test_a_time_without_zone_is_refused_unless_utc_is_assumed() -> None:
    with pytest.raises(ValidationError, match="needs a zone") as e:
        parse_time_s("2026-11-22T00:00:00", "forecast line 2: time")
    assert e.value.field == "forecast line 2: time"
    assert parse_time_s("2026-11-22", "t", assume_utc=True) == 1_795_305_600


@pytest.mark.parametrize("text", ["", "yesterday", "-5", "1.5", "2026-13-01T00:00:00Z"])
def test_bad_text_names_the_field(text: str) -> None:
    with pytest.raises(ValidationError, match="expected unix seconds or ISO 8601") as e:
        parse_time_s(text, "--from", assume_utc=True)
    assert e.value.field == "--from"
