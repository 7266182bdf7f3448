"""The fast BN254 pairing (ecoai_chain/zk/bn254.py) against py-ecc and the pairing laws."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.optimized_bn128 import G1 as PG1
from py_ecc.optimized_bn128 import G2 as PG2
from py_ecc.optimized_bn128 import add, multiply, normalize

from ecoai_chain.zk import bn254 as bn
from ecoai_chain.zk import bn254_groups as grp


def g1(p):
    x, y = normalize(p)
    return (x.n, y.n)


def g2(p):
    x, y = normalize(p)
    return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))


P1, Q1 = g1(PG1), g2(PG2)


@pytest.fixture(scope="module")
def e11():
    return bn.pairing(P1, Q1)


def test_non_degenerate_and_order_r(e11):
    assert e11 != bn.ONE12
    assert bn.f12_pow(e11, bn.R) == bn.ONE12


@settings(max_examples=5, deadline=None)
@given(a=st.integers(1, bn.R - 1), b=st.integers(1, bn.R - 1))
def test_bilinear(e11, a, b):
    assert bn.pairing(g1(multiply(PG1, a)), g2(multiply(PG2, b))) == bn.f12_pow(e11, a * b % bn.R)


def test_multi_miller_loop_is_the_product(e11):
    sched = bn.g2_line_schedule(Q1)
    f = bn.multi_miller_loop(
        [(P1, sched), (grp.g1_neg(P1), sched), (g1(multiply(PG1, 5)), sched), (None, sched)]
    )
    assert bn.final_exponentiation(f) == bn.f12_pow(e11, 5)


def test_frobenius_is_the_p_power(e11):
    assert bn.f12_frob(e11, 1) == bn.f12_pow(e11, bn.P)
    assert bn.f12_frob(e11, 2) == bn.f12_pow(e11, bn.P * bn.P)
    assert bn.f12_mul(e11, bn.f12_inv(e11)) == bn.ONE12


@settings(max_examples=20, deadline=None)
@given(k=st.integers(0, bn.R + 5), j=st.integers(0, bn.R - 1))
def test_g1_arithmetic_matches_py_ecc(k, j):
    want = multiply(PG1, k % bn.R)
    assert grp.g1_mul(P1, k) == (None if k % bn.R == 0 else g1(want))
    want2 = add(multiply(PG1, k % bn.R), multiply(PG1, 3 * j % bn.R))
    got = grp.g1_msm([P1, g1(multiply(PG1, 3))], [k, j])
    assert got == (None if (k + 3 * j) % bn.R == 0 else g1(want2))
    assert grp.g1_add(grp.g1_mul(P1, k), grp.g1_neg(grp.g1_mul(P1, k))) is None


def test_g2_subgroup():
    assert grp.g2_in_subgroup(g2(multiply(PG2, 123456789)))
    assert not grp.g2_mul_is_infinity(Q1, bn.R - 1)
