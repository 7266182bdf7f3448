"""BN254 group arithmetic on plain ints (companion of bn254.py): G1 scalar multiplication and
multi-scalar multiplication (Jacobian), and the G2 subgroup check r*Q == O on the twist."""

from __future__ import annotations

from collections.abc import Sequence

from ecoai_chain.zk.bn254 import (
    G1,
    G2,
    ONE2,
    ZERO2,
    Fp2,
    P,
    R,
    f2_add,
    f2_mul,
    f2_scale,
    f2_sqr,
    f2_sub,
)


# ----------------------------------------------------------------------------- G1 / G2 groups
def g1_mul(pt: G1, k: int) -> G1:
    """k * pt on y^2 = x^3 + 3 (Jacobian double-and-add, affine in/out)."""
    k %= R
    if pt is None or k == 0:
        return None
    X, Y, Z = pt[0], pt[1], 1
    rx, ry, rz = 0, 1, 0  # infinity
    for bit in bin(k)[2:]:
        rx, ry, rz = _jdouble(rx, ry, rz)
        if bit == "1":
            rx, ry, rz = _jadd(rx, ry, rz, X, Y, Z)
    return _to_affine(rx, ry, rz)


def g1_add(a: G1, b: G1) -> G1:
    if a is None:
        return b
    if b is None:
        return a
    return _to_affine(*_jadd(a[0], a[1], 1, b[0], b[1], 1))


def g1_neg(a: G1) -> G1:
    return None if a is None else (a[0], -a[1] % P)


def _to_affine(x: int, y: int, z: int) -> G1:
    if z == 0:
        return None
    zi = pow(z, -1, P)
    zi2 = zi * zi % P
    return (x * zi2 % P, y * zi2 * zi % P)


def _jdouble(x: int, y: int, z: int) -> tuple[int, int, int]:
    if z == 0 or y == 0:
        return (0, 1, 0)
    a = x * x % P
    b = y * y % P
    c = b * b % P
    d = 2 * ((x + b) ** 2 - a - c) % P
    e = 3 * a % P
    x3 = (e * e - 2 * d) % P
    return (x3, (e * (d - x3) - 8 * c) % P, 2 * y * z % P)


def _jadd(x1: int, y1: int, z1: int, x2: int, y2: int, z2: int) -> tuple[int, int, int]:
    if z1 == 0:
        return (x2, y2, z2)
    if z2 == 0:
        return (x1, y1, z1)
    z1z1, z2z2 = z1 * z1 % P, z2 * z2 % P
    u1, u2 = x1 * z2z2 % P, x2 * z1z1 % P
    s1, s2 = y1 * z2 * z2z2 % P, y2 * z1 * z1z1 % P
    if u1 == u2:
        return _jdouble(x1, y1, z1) if s1 == s2 else (0, 1, 0)
    h = (u2 - u1) % P
    i = 4 * h * h % P
    j = h * i % P
    r = 2 * (s2 - s1) % P
    v = u1 * i % P
    x3 = (r * r - j - 2 * v) % P
    y3 = (r * (v - x3) - 2 * s1 * j) % P
    z3 = ((z1 + z2) ** 2 - z1z1 - z2z2) * h % P
    return (x3, y3, z3)


def g1_msm(points: Sequence[G1], scalars: Sequence[int]) -> G1:
    """sum k_i * P_i (Straus/Shamir: one shared doubling chain)."""
    pts = [(p, k % R) for p, k in zip(points, scalars, strict=True) if p is not None and k % R]
    if not pts:
        return None
    rx, ry, rz = 0, 1, 0
    for i in range(max(k.bit_length() for _, k in pts) - 1, -1, -1):
        rx, ry, rz = _jdouble(rx, ry, rz)
        for (x, y), k in pts:
            if (k >> i) & 1:
                rx, ry, rz = _jadd(rx, ry, rz, x, y, 1)
    return _to_affine(rx, ry, rz)


def _j2double(x: Fp2, y: Fp2, z: Fp2) -> tuple[Fp2, Fp2, Fp2]:
    if z == ZERO2 or y == ZERO2:
        return (ZERO2, ONE2, ZERO2)
    a, b = f2_sqr(x), f2_sqr(y)
    c = f2_sqr(b)
    d = f2_scale(f2_sub(f2_sub(f2_sqr(f2_add(x, b)), a), c), 2)
    e = f2_scale(a, 3)
    x3 = f2_sub(f2_sqr(e), f2_scale(d, 2))
    y3 = f2_sub(f2_mul(e, f2_sub(d, x3)), f2_scale(c, 8))
    return (x3, y3, f2_scale(f2_mul(y, z), 2))


def _j2add_affine(x1: Fp2, y1: Fp2, z1: Fp2, x2: Fp2, y2: Fp2) -> tuple[Fp2, Fp2, Fp2]:
    """Jacobian (x1, y1, z1) + affine (x2, y2)."""
    if z1 == ZERO2:
        return (x2, y2, ONE2)
    z1z1 = f2_sqr(z1)
    u2 = f2_mul(x2, z1z1)
    s2 = f2_mul(y2, f2_mul(z1, z1z1))
    if u2 == x1:
        return _j2double(x1, y1, z1) if s2 == y1 else (ZERO2, ONE2, ZERO2)
    h = f2_sub(u2, x1)
    hh = f2_sqr(h)
    i = f2_scale(hh, 4)
    j = f2_mul(h, i)
    r = f2_scale(f2_sub(s2, y1), 2)
    v = f2_mul(x1, i)
    x3 = f2_sub(f2_sub(f2_sqr(r), j), f2_scale(v, 2))
    y3 = f2_sub(f2_mul(r, f2_sub(v, x3)), f2_scale(f2_mul(y1, j), 2))
    z3 = f2_sub(f2_sub(f2_sqr(f2_add(z1, h)), z1z1), hh)
    return (x3, y3, z3)


def g2_mul_is_infinity(q: G2, k: int) -> bool:
    """Whether k * q is the point at infinity on the twist y^2 = x^3 + 3/xi."""
    if q is None:
        return True
    x, y, z = ZERO2, ONE2, ZERO2
    for bit in bin(k)[2:]:
        x, y, z = _j2double(x, y, z)
        if bit == "1":
            x, y, z = _j2add_affine(x, y, z, q[0], q[1])
    return z == ZERO2


def g2_in_subgroup(q: G2) -> bool:
    return g2_mul_is_infinity(q, R)
