"""Properties of the Eco Credits rules in the pure core (ecoai_chain.core.credits), the mirror of
GreenScore.rewardBound / withinCeiling: no accepted certificate earns more than the bound."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.core import credits, units
from ecoai_chain.errors import ValidationError

U64 = st.integers(0, 2**64 - 1)
U32 = st.integers(0, 2**32 - 1)


@given(baseline=U64, ceiling=U64, intensity=U32, power=st.integers(1, 2**32 - 1),
       length=st.integers(1, 2**20), energy_frac=st.fractions(0, 1), work_frac=st.fractions(0, 1))
@example(baseline=5_000_000, ceiling=50_000_000, intensity=436_000, power=700_000, length=3600,
         energy_frac=1, work_frac=1)  # the demo class at full power, work at the ceiling
@example(baseline=2**64 - 1, ceiling=2**64 - 1, intensity=0, power=2**32 - 1, length=2**20,
         energy_frac=1, work_frac=1)  # the largest values the contract accepts
@example(baseline=1, ceiling=1, intensity=2**32 - 1, power=1, length=1, energy_frac=1,
         work_frac=1)  # a grid dirtier than the baseline: the bound is 0
def test_no_accepted_certificate_earns_more_than_the_bound(
    baseline, ceiling, intensity, power, length, energy_frac, work_frac
):
    energy = int(power * length * energy_frac)  # the proof: energy <= max power x length
    max_work = credits.max_work_at_ceiling(energy, ceiling)
    work = int(max_work * work_frac)
    assert credits.within_ceiling(work, energy, ceiling)
    assert not credits.within_ceiling(max_work + 1, energy, ceiling)
    carbon = units.carbon_mg(energy, intensity)  # what the circuit proves
    reward = units.reward_units(units.baseline_mg(baseline, work), carbon)
    assert reward <= credits.reward_bound_units(baseline, ceiling, intensity, power, length)


@given(baseline=U64, ceiling=st.integers(0, 2**40), intensity=U32, power=st.integers(1, 2**32 - 1))
def test_the_bound_is_reached_within_rounding(baseline, ceiling, intensity, power):
    """The most efficient certificate at full power earns the bound up to the two floors."""
    length = 3600
    energy = power * length
    work = credits.max_work_at_ceiling(energy, ceiling)
    reward = units.reward_units(units.baseline_mg(baseline, work),
                                units.carbon_mg(energy, intensity))
    bound = credits.reward_bound_units(baseline, ceiling, intensity, power, length)
    slack = (2 + baseline // units.NG_PER_MG) * units.CREDIT_UNITS_PER_MG
    assert reward <= bound <= reward + slack


def test_the_ceiling_is_exact_and_energy_zero_allows_no_work():
    assert credits.max_work_at_ceiling(0, 50_000_000) == 0
    assert not credits.within_ceiling(1, 0, 50_000_000)
    assert not credits.within_ceiling((2**64 - 1) * 60, 0, 2**64 - 1)  # the forged epoch
    e = 720_000_000  # 0.2 kWh
    assert credits.max_work_at_ceiling(e, 50_000_000) == 10_000_000
    assert credits.within_ceiling(10_000_000, e, 50_000_000)
    assert not credits.within_ceiling(10_000_001, e, 50_000_000)


def test_bond_and_slash_round_as_the_contract():
    assert credits.bond_wei(10**18, 700_000) == 7 * 10**14  # 700 W at 1 coin per MW
    assert credits.bond_wei(10**18, 1) == 10**9  # rounded up, never below the rate
    assert credits.bond_wei(0, 700_000) == 0
    assert credits.slashed_wei(7 * 10**17, 2_500) == 175 * 10**15
    with pytest.raises(ValidationError, match="max_power_mw"):
        credits.reward_bound_units(1, 1, 1, -1, 1)


@given(rate=st.integers(0, 2**96 - 1), power=st.integers(1, 2**32 - 1),
       held=st.integers(0, 2**128 - 1), shares=st.lists(st.integers(0, credits.BPS), max_size=8))
@example(rate=10**18, power=700_000, held=0, shares=[])  # registered just before the rate applied
def test_a_topped_up_bond_is_at_the_rate_whatever_was_slashed(rate, power, held, shares):
    required = credits.bond_wei(rate, power)
    for share in shares:  # revocations since registration
        held -= credits.slashed_wei(held, share)
    short = credits.bond_shortfall_wei(held, rate, power)
    assert (short == 0) == (held >= required)
    assert held + short >= required  # topping up the shortfall makes the node activatable
    if short > 0:
        assert held + short - 1 < required  # and not one wei more is asked
    assert credits.bond_shortfall_wei(held + short, rate, power) == 0


@given(retired=st.booleans(), now=U64, unlock_at=U64, debt=st.integers(0, 2**192),
       bond=st.integers(0, 2**128))
def test_a_bond_is_never_returned_to_an_operator_in_debt(retired, now, unlock_at, debt, bond):
    ok = credits.bond_returnable(retired, now, unlock_at, debt, bond)
    assert ok == (retired and now >= unlock_at and debt == 0 and bond > 0)
    if debt > 0 or now < unlock_at:
        assert not ok
    with pytest.raises(ValidationError, match="operator_debt_units"):
        credits.bond_returnable(retired, now, unlock_at, -1, bond)
    with pytest.raises(ValidationError, match="bond_unlock_at_s"):
        credits.bond_returnable(retired, now, -1, debt, bond)


@given(revoked=st.booleans(), released=st.booleans(), challenged=st.booleans(), now=U64,
       release_at=U64)
def test_a_challenged_reward_is_never_released_whatever_the_time(revoked, released, challenged,
                                                                  now, release_at):
    refusal = credits.release_refusal(revoked, released, challenged, now, release_at)
    if challenged or revoked or released:
        assert refusal is not None  # no mint while a challenge is open, even past release_at
    assert (refusal is None) == (not (revoked or released or challenged) and now >= release_at)
    if challenged and not (revoked or released):
        assert refusal == "GreenProofReleaseOnHold"
