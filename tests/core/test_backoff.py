"""The backoff rule: doubling from the base, capped, full jitter within [0, cap]."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoai_chain.core.backoff import Backoff, backoff_delay_s
from ecoai_chain.errors import ValidationError


def test_doubles_from_the_base_then_stays_at_the_cap():
    assert [backoff_delay_s(n, 0.5, 30.0) for n in range(1, 10)] == \
        [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_huge_failure_counts_stay_finite():
    assert backoff_delay_s(10_000, 2.0, 300.0) == 300.0


def test_zero_base_never_waits():
    assert backoff_delay_s(5, 0.0, 300.0) == 0.0


@given(st.integers(1, 200), st.floats(0, 100), st.floats(0, 1000), st.integers(0, 2**32))
def test_full_jitter_stays_within_the_deterministic_delay(n, base_s, max_s, seed):
    cap = backoff_delay_s(n, base_s, max_s)
    assert 0 <= backoff_delay_s(n, base_s, max_s, random.Random(seed)) <= cap <= max_s


def test_jitter_draws_from_the_injected_rng():
    a = [backoff_delay_s(4, 1.0, 60.0, random.Random(7)) for _ in range(3)]
    assert a == [random.Random(7).uniform(0, 8.0)] * 3


def test_counter_resets_on_success():
    b = Backoff(base_s=1.0, max_s=5.0)
    assert [b.fail(), b.fail(), b.fail(), b.fail()] == [1.0, 2.0, 4.0, 5.0]
    b.succeed()
    assert (b.failures, b.fail()) == (0, 1.0)


@pytest.mark.parametrize("args", [(0, 1.0, 1.0), (1, -1.0, 1.0), (1, 1.0, -1.0)])
def test_bad_arguments_name_the_field(args):
    with pytest.raises(ValidationError):
        backoff_delay_s(*args)
