"""Fee policy: replacements outbid by the bump on both fees, clear the base fee, respect the cap."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.chain.fees import MIN_BUMP_PERCENT, FeePolicy, Fees
from ecoai_chain.errors import FeeCapReached, ValidationError

GWEI = 10**9
wei = st.integers(min_value=0, max_value=10_000 * GWEI)


@given(base=wei, tip=wei, cap=st.integers(1, 10_000 * GWEI))
@example(base=0, tip=0, cap=1)
def test_initial_offer_fits_the_cap_and_the_base_fee(base, tip, cap):
    policy = FeePolicy(cap)
    try:
        f = policy.initial(base, tip)
    except FeeCapReached as e:
        assert base >= cap and e.cap_wei == cap
        return
    assert base < f.max_fee_per_gas_wei <= cap or (base == 0 and f.max_fee_per_gas_wei <= cap)
    assert 0 <= f.max_priority_fee_per_gas_wei <= f.max_fee_per_gas_wei - base


@given(prev_max=st.integers(1, 5_000 * GWEI), prev_tip_frac=st.integers(0, 100), base=wei,
       tip=wei, cap=st.integers(1, 10_000 * GWEI), bump=st.integers(MIN_BUMP_PERCENT, 200))
@example(prev_max=2 * GWEI, prev_tip_frac=50, base=50 * GWEI, tip=GWEI, cap=500 * GWEI, bump=25)
@example(prev_max=1, prev_tip_frac=100, base=0, tip=0, cap=2, bump=13)
def test_replacement_outbids_both_fees_and_never_exceeds_the_cap(prev_max, prev_tip_frac, base,
                                                                 tip, cap, bump):
    policy = FeePolicy(cap, bump)
    prev = Fees(prev_max, prev_max * prev_tip_frac // 100)
    try:
        f = policy.replacement(prev, base, tip)
    except FeeCapReached as e:
        assert e.needed_wei > cap or policy.bump(prev_max) > cap or base >= cap
        return
    assert f.max_fee_per_gas_wei <= cap
    assert f.max_fee_per_gas_wei > base  # it can be included at the current base fee
    # pools accept a replacement only if both fees rise by the bump
    assert f.max_fee_per_gas_wei * 100 >= prev.max_fee_per_gas_wei * (100 + bump)
    assert f.max_priority_fee_per_gas_wei * 100 >= prev.max_priority_fee_per_gas_wei * (100 + bump)
    assert f.max_priority_fee_per_gas_wei <= f.max_fee_per_gas_wei


def test_bump_below_the_pools_minimum_is_refused():
    with pytest.raises(ValidationError, match="bump_percent"):
        FeePolicy(GWEI, bump_percent=10)
    with pytest.raises(ValidationError, match="max_fee_per_gas_wei"):
        FeePolicy(0)
