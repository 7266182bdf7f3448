"""The explorer's number filters are exact for every value a chain can carry (issue 13
review): a mass, an energy or an amount beyond 2^53 is shown to its last displayed decimal
as exact arithmetic gives it, never as a float rounds it, and a negative figure keeps its
sign."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.explorer.pages import _eco, _kg, _kwh

UINT256 = st.integers(min_value=0, max_value=2**256 - 1)


def _exact(num: int, den: int, places: int) -> str:
    with localcontext() as ctx:
        ctx.prec = 200
        q = (Decimal(num) / Decimal(den)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{q:,.{places}f}"


@given(UINT256)
@example(2**63 + 12_345)  # avoided mg of the 2^63 test certificate: a float gives .775
@example(2**70 + 1)
@example(0)
@example(1_499)
@example(1_500)
def test_kg_and_kwh_are_exact(v):
    assert _kg(v) == _exact(v, 10**6, 3)
    assert _kwh(v) == _exact(v, 3_600_000_000, 3)


@given(UINT256)
@example(1)
@example(10**18)
def test_eco_keeps_the_sign_of_a_negative_figure(v):
    with localcontext() as ctx:
        ctx.prec = 200
        q = (Decimal(v) / Decimal(10**18)).quantize(Decimal("0.000001"), rounding="ROUND_DOWN")
    assert _eco(v) == f"{q:,.6f}"
    assert _eco(-v) == ("-" if v else "") + _eco(v)
