"""The Python slot draw (ecoai_chain.challenge.slots) is a faithful mirror of the contract's.

The contract side is checked against the chain in tests/challenge/test_challenge_chain.py; here
the pure properties, with a hand-computed first step pinned.
"""

from __future__ import annotations

import pytest
from eth_utils import keccak
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.challenge.slots import draw_slots, seed_of
from ecoai_chain.errors import ValidationError

seeds = st.binary(min_size=32, max_size=32)


@given(seeds, st.integers(1, 64), st.integers(1, 64))
@example(b"\x00" * 32, 60, 4)
@example(b"\xff" * 32, 1, 64)
def test_slots_are_distinct_in_range_and_as_many_as_asked(seed, slot_count, open_count):
    slots = draw_slots(seed, slot_count, open_count)
    assert len(slots) == min(slot_count, open_count) == len(set(slots))
    assert all(0 <= s < slot_count for s in slots)


@given(seeds, st.integers(1, 64))
def test_asking_for_every_slot_is_a_permutation(seed, n):
    assert sorted(draw_slots(seed, n, 64)) == list(range(n))


@given(seeds, st.integers(2, 64), st.integers(1, 63))
def test_a_longer_draw_extends_a_shorter_one(seed, n, k):
    assert draw_slots(seed, n, k + 1)[: min(k, n)] == draw_slots(seed, n, k)


def test_first_step_by_hand():
    seed = bytes(range(32))
    j = int.from_bytes(keccak(seed + (0).to_bytes(32, "big")), "big") % 60
    assert draw_slots(seed, 60, 1) == [j]


def test_seed_is_keccak_of_the_abi_encoding():
    h = bytes.fromhex("11" * 32)
    assert seed_of(h, 7) == keccak(h + (7).to_bytes(32, "big"))


@pytest.mark.parametrize("args", [(b"\x00" * 31, 60, 4), (b"\x00" * 32, 65, 4),
                                  (b"\x00" * 32, 60, -1), (b"\x00" * 32, True, 4)])
def test_bad_input_is_refused_by_name(args):
    with pytest.raises(ValidationError):
        draw_slots(*args)
