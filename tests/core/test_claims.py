"""The claim split rule (core/claims.py): parts sum exactly to the certificate."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.core.claims import ClaimPart, split_certificate
from ecoai_chain.core.units import carbon_mg
from ecoai_chain.errors import ValidationError


@st.composite
def certificate_and_parts(draw):
    energy = draw(st.integers(0, 2**54 - 1))
    intensity = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(1, 8))
    cuts = sorted(draw(st.lists(st.integers(1, max(energy - 1, 1)), max_size=n - 1, unique=True)))
    bounds = [0] + [c for c in cuts if 0 < c < energy] + [energy]
    parts = [b - a for a, b in zip(bounds, bounds[1:], strict=False)] or [0]
    return energy, intensity, parts


@given(certificate_and_parts())
@example((3_600_000_000, 436_000, [1_200_000_000] * 3))
@example((10, 3_599_999_999, [1] * 10))
@example((0, 500_000, [0]))
def test_parts_sum_exactly_to_the_certificate(case):
    energy, intensity, parts = case
    carbon = carbon_mg(energy, intensity)
    split = split_certificate(energy, carbon, intensity, parts)
    assert sum(p.energy_mj for p in split) == energy
    assert sum(p.carbon_mg for p in split) == carbon
    assert [p.is_final for p in split] == [False] * (len(split) - 1) + [True]
    # every part but the last follows the project's rounding rule on its own energy
    assert all(p.carbon_mg == carbon_mg(p.energy_mj, intensity) for p in split[:-1])
    assert all(p.carbon_mg >= 0 for p in split)


@given(certificate_and_parts())
def test_the_last_part_takes_at_most_its_share_plus_the_rounding(case):
    energy, intensity, parts = case
    split = split_certificate(energy, carbon_mg(energy, intensity), intensity, parts)
    last = split[-1]
    # the remainder the last part absorbs is below one mg per earlier part
    assert 0 <= last.carbon_mg - carbon_mg(last.energy_mj, intensity) < len(split)


def test_a_partial_claim_is_not_final():
    assert split_certificate(100, 5, 180_000_000, [40]) == [ClaimPart(40, 2, False)]


@pytest.mark.parametrize("parts, field", [([0], "parts_mj[0]"), ([101], "parts_mj[0]"),
                                          ([100, 1], "parts_mj[1]"), ([60, 41], "parts_mj[1]")])
def test_bad_parts_are_refused_naming_the_part(parts, field):
    with pytest.raises(ValidationError) as e:
        split_certificate(100, 5, 180_000_000, parts)
    assert e.value.field == field
