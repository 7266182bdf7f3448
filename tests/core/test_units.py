from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.core import units
from ecoai_chain.core.signals import from_public_signals, signal_names, to_public_signals
from ecoai_chain.errors import ValidationError


def test_carbon_floor_rule():
    # 1 kWh at 400 g/kWh is exactly 400 g.
    assert units.carbon_mg(3_600_000_000, 400_000) == 400_000
    # One mJ short of a whole mg rounds down.
    assert units.carbon_mg(8_999_999, 400_000) == 999
    assert units.carbon_mg(9_000_000, 400_000) == 1000
    assert units.carbon_mg(0, 400_000) == 0


@given(st.integers(0, 2**54), st.integers(0, 2**32 - 1))
@example(2**54, 2**32 - 1)
def test_carbon_is_exact_floor(e, i):
    c = units.carbon_mg(e, i)
    assert c * units.MJ_PER_KWH <= e * i < (c + 1) * units.MJ_PER_KWH


def test_eco_score_and_reward():
    assert units.eco_score(0, 0, 0) == 0
    assert units.eco_score(100, 0, 5) == 100
    assert units.eco_score(100, 100, 5) == 50
    assert units.eco_score(100, 300, 0) == 0  # no work, no score
    assert units.reward_units(1000, 400) == 600 * 10**12
    assert units.reward_units(400, 1000) == 0


@given(st.integers(0, 10**13), st.integers(0, 10**9), st.integers(0, 2 * 10**6),
       st.integers(0, 10**9))
def test_score_figures_against_direct_computation(energy, work, alpha, base_ng):
    c = units.carbon_mg(energy, alpha)
    b = units.baseline_mg(base_ng, work)
    assert c == energy * alpha // 3_600_000_000 and b == base_ng * work // 1_000_000
    assert units.eco_score(b, c, work) == (0 if work == 0 or b + c == 0 else 100 * b // (b + c))
    assert units.reward_units(b, c) == max(0, b - c) * 10**12


def test_paper_example_figures():
    # 4.2 kWh at Korea's bundled intensity -> carbon in kg
    energy = 42 * units.MJ_PER_KWH // 10
    c = units.carbon_mg(energy, 430_567)
    assert c == 1_808_381  # 4.2 * 430.567 g = 1808.3814 g
    assert units.work_per_kwh(8_400, energy) == pytest.approx(2000.0)
    assert units.work_per_kwh(5, 0) == 0.0


def test_require_uint_names_the_field():
    with pytest.raises(ValidationError, match="energy_mj: must be >= 0"):
        units.carbon_mg(-1, 5)
    with pytest.raises(ValidationError, match="work: must be an integer"):
        units.baseline_mg(1, 1.5)  # type: ignore[arg-type]


def test_public_signal_roundtrip_and_edges():
    names = signal_names()
    assert names[0] == "root" and len(names) == 10
    values = {n: 1 for n in names}
    values["root"] = units.SNARK_SCALAR_FIELD - 1
    sig = to_public_signals(values)
    assert from_public_signals(sig) == values
    values["root"] = units.SNARK_SCALAR_FIELD
    with pytest.raises(ValidationError, match="root"):
        to_public_signals(values)
    values["root"] = 0
    values["window_s"] = 2**16
    with pytest.raises(ValidationError, match="window_s"):
        to_public_signals(values)


@given(st.integers(min_value=-(2**256), max_value=2**256))
@example(18446744073709624279 * 10**12)  # a float shows it as ...709.625000
@example(-1)
def test_eco_text_is_exact(v):
    from decimal import ROUND_DOWN, Decimal, localcontext

    from ecoai_chain.core.units import eco_text

    with localcontext() as ctx:
        ctx.prec = 200
        q = (Decimal(abs(v)) / 10**18).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
    assert eco_text(v) == ("-" if v < 0 else "") + f"{q:f}"
