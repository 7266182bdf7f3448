"""Groth16 (BN254) verification in pure Python, for DAO re-verification without snarkjs.

Checks: every coordinate an int in [0, p); A and C on G1 (cofactor 1: on-curve suffices, the
point at infinity is refused); B on the twist AND in the order-r subgroup (r*B == O); public
inputs ints in [0, r), exactly as many as the key has. The equation
e(A,B) = e(alpha,beta) e(vk_x,gamma) e(C,delta) is checked as ONE product of three Miller loops
with a single final exponentiation, times e(alpha, beta) cached per key.

Two engines compute the pairings, same checks around them:
* ``"fast"`` (default): ecoai_chain/zk/bn254.py, a tuple/int tower implementation with sparse
  lines, a shared-squaring multi-Miller loop, cached line schedules for the fixed vk points
  (gamma, delta) and a cyclotomic final exponentiation;
* ``"py_ecc"``: py_ecc.optimized_bn128 ``pairing(..., final_exponentiate=False)`` per pair and
  one ``final_exponentiate`` (the reference; ~10x slower).

`verify_batch` checks many proofs under one key by a random linear combination with independent
128-bit scalars r_i (`check_combination`: prod e(-r_i A_i, B_i) * e(sum r_i vk_x_i, gamma)
* e(sum r_i C_i, delta) * e(alpha, beta)^(sum r_i) == 1). A forged proof survives with
probability <= 2^-128; a failed batch says only that some proof is bad (re-check singly to find
it). ecoai_chain/zk/batch.py derives the r_i by Fiat-Shamir instead, as the contract does.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ecoai_chain.errors import InvalidPoint, ValidationError
from ecoai_chain.zk import bn254 as bn
from ecoai_chain.zk import bn254_groups as grp
from ecoai_chain.zk.bundle import ProofBundle

ENGINES = ("fast", "py_ecc")
# What a verification report says checked the proof (every report names its engine).
ENGINE_LABELS = {
    "fast": "fast: this project's pure-Python BN254 pairing (ecoai_chain/zk/bn254.py)",
    "py_ecc": "py-ecc: the reference library's optimized_bn128 pairing",
}


def engine_of(name: str) -> str:
    """The engine key for a user-facing name: ``fast``, ``py-ecc`` or ``py_ecc``."""
    key = str(name).strip().lower().replace("-", "_")
    if key not in ENGINES:
        raise ValidationError("engine", f"must be one of fast, py-ecc; got {name!r}")
    return key
_B2 = bn.f2_scale(bn.f2_inv((9, 1)), 3)  # twist coefficient 3 / (9 + u)


def _coord(v) -> int:
    if isinstance(v, bool):
        raise InvalidPoint("coordinate is a bool")
    try:
        x = int(v)
    except (TypeError, ValueError) as e:
        raise InvalidPoint(f"coordinate {v!r} is not an integer") from e
    if not 0 <= x < bn.P:
        raise InvalidPoint("coordinate not below the base field modulus")
    return x


def g1_from_snarkjs(p: Sequence) -> tuple[int, int]:
    """snarkjs [x, y, "1"] (affine) -> checked G1 point (infinity is refused)."""
    if len(p) != 3 or _coord(p[2]) != 1:
        raise InvalidPoint("G1 point must be affine [x, y, 1]")
    x, y = _coord(p[0]), _coord(p[1])
    if (y * y - x * x * x - 3) % bn.P:
        raise InvalidPoint("G1 point not on the curve")
    return (x, y)


def g2_from_snarkjs(p: Sequence) -> tuple[bn.Fp2, bn.Fp2]:
    """snarkjs [[x0, x1], [y0, y1], ["1", "0"]] -> checked G2 point (x = x0 + x1*u)."""
    if len(p) != 3 or len(p[2]) != 2 or [_coord(v) for v in p[2]] != [1, 0]:
        raise InvalidPoint("G2 point must be affine [[x0,x1],[y0,y1],[1,0]]")
    if len(p[0]) != 2 or len(p[1]) != 2:
        raise InvalidPoint("G2 coordinates must be pairs")
    x = (_coord(p[0][0]), _coord(p[0][1]))
    y = (_coord(p[1][0]), _coord(p[1][1]))
    if bn.f2_sqr(y) != bn.f2_add(bn.f2_mul(bn.f2_sqr(x), x), _B2):
        raise InvalidPoint("G2 point not on the twist curve")
    if not grp.g2_in_subgroup((x, y)):
        raise InvalidPoint("G2 point not in the order-r subgroup")
    return (x, y)


@dataclass
class VerifyingKey:
    alpha: tuple[int, int]
    beta: tuple[bn.Fp2, bn.Fp2]
    gamma: tuple[bn.Fp2, bn.Fp2]
    delta: tuple[bn.Fp2, bn.Fp2]
    ic: list[tuple[int, int]]
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def n_public(self) -> int:
        return len(self.ic) - 1

    def _cached(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def alpha_beta(self) -> bn.Fp12:
        """e(alpha, beta), computed once per key."""
        return self._cached("ab", lambda: bn.pairing(self.alpha, self.beta))

    @property
    def gamma_lines(self):
        return self._cached("gl", lambda: bn.g2_line_schedule(self.gamma))

    @property
    def delta_lines(self):
        return self._cached("dl", lambda: bn.g2_line_schedule(self.delta))

    @classmethod
    def from_snarkjs(cls, obj: dict) -> VerifyingKey:
        try:
            if obj.get("protocol") != "groth16" or obj.get("curve") != "bn128":
                raise ValidationError("vkey", "must be a groth16 bn128 key")
            vk = cls(
                alpha=g1_from_snarkjs(obj["vk_alpha_1"]),
                beta=g2_from_snarkjs(obj["vk_beta_2"]),
                gamma=g2_from_snarkjs(obj["vk_gamma_2"]),
                delta=g2_from_snarkjs(obj["vk_delta_2"]),
                ic=[g1_from_snarkjs(p) for p in obj["IC"]],
            )
        except (KeyError, TypeError, IndexError, InvalidPoint) as e:
            raise ValidationError("vkey", f"malformed verification key: {e}") from e
        if int(obj.get("nPublic", vk.n_public)) != vk.n_public:
            raise ValidationError("vkey", "nPublic does not match the IC length")
        return vk


def load_vkey(path: str | Path) -> VerifyingKey:
    try:
        obj = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise ValidationError("vkey", f"cannot read {path}: {e}") from e
    return VerifyingKey.from_snarkjs(obj)


def _check_inputs(vk: VerifyingKey, public_signals: Sequence) -> list[int] | None:
    if len(public_signals) != vk.n_public:
        return None
    out = []
    for s in public_signals:
        if isinstance(s, bool):
            return None
        try:
            v = int(s)
        except (TypeError, ValueError):
            return None
        if not 0 <= v < bn.R:
            return None
        out.append(v)
    return out


def _proof_points(proof: dict | ProofBundle):
    p = proof.proof if isinstance(proof, ProofBundle) else proof
    try:
        return g1_from_snarkjs(p["pi_a"]), g2_from_snarkjs(p["pi_b"]), g1_from_snarkjs(p["pi_c"])
    except (KeyError, TypeError, IndexError, InvalidPoint):
        return None


def _vk_x(vk: VerifyingKey, coeff0: int, coeffs: Sequence[int]):
    return grp.g1_msm(vk.ic, [coeff0, *coeffs])


def verify_groth16(
    vk: VerifyingKey, proof: dict | ProofBundle, public_signals: Sequence, engine: str = "fast"
) -> bool:
    """True iff ``proof`` (snarkjs proof.json dict or `ProofBundle`) is valid for the inputs.
    Malformed or out-of-range data is an invalid proof (False), never an exception."""
    engine = engine_of(engine)
    inputs = _check_inputs(vk, public_signals)
    pts = _proof_points(proof)
    if inputs is None or pts is None:
        return False
    a, b, c = pts
    vk_x = _vk_x(vk, 1, inputs)
    if engine == "py_ecc":
        return _verify_py_ecc(vk, a, b, c, vk_x)
    f = bn.multi_miller_loop(
        [
            (grp.g1_neg(a), bn.g2_line_schedule(b)),
            (vk_x, vk.gamma_lines),
            (c, vk.delta_lines),
        ]
    )
    return bn.f12_mul(bn.final_exponentiation(f), vk.alpha_beta) == bn.ONE12


def verify_batch(vk: VerifyingKey, items: Sequence[tuple[dict | ProofBundle, Sequence]]) -> bool:
    """True iff every (proof, public_signals) in ``items`` is valid (soundness error 2^-128).
    Coefficients are private random 128-bit scalars: for a verifier that can keep a secret.
    Where the prover must not influence them yet nothing is secret (a contract), see
    ecoai_chain/zk/batch.py (Fiat-Shamir coefficients, the Solidity batch verifier's mirror)."""
    checked = checked_items(vk, items)
    if checked is None:
        return False
    return check_combination(vk, checked, [secrets.randbits(128) | (1 << 127) for _ in checked])


def checked_items(vk: VerifyingKey, items: Sequence[tuple[dict | ProofBundle, Sequence]]):
    """[(A, B, C, inputs)] with every point and input checked as `verify_groth16` checks them,
    or None if any item is malformed."""
    out = []
    for proof, signals in items:
        inputs = _check_inputs(vk, signals)
        pts = _proof_points(proof)
        if inputs is None or pts is None:
            return None
        out.append((*pts, inputs))
    return out


def check_combination(vk: VerifyingKey, checked: Sequence, coeffs: Sequence[int],
                      engine: str = "fast") -> bool:
    """The batch equation for checked items (`checked_items`) and coefficients r_i:
    prod e(-r_i A_i, B_i) * e(sum r_i vk_x_i, gamma) * e(sum r_i C_i, delta)
    * e(alpha, beta)^(sum r_i) == 1, with sum r_i vk_x_i = one MSM over the IC points of the
    folded inputs sum_i r_i x_ij. True for an empty batch."""
    engine = engine_of(engine)
    if not checked:
        return True
    sum_r = sum(coeffs) % bn.R
    folded = [sum(r * it[3][j] for r, it in zip(coeffs, checked, strict=True)) % bn.R
              for j in range(vk.n_public)]
    vk_x = _vk_x(vk, sum_r, folded)
    c_sum = grp.g1_msm([it[2] for it in checked], list(coeffs))
    neg_ra = [(grp.g1_neg(grp.g1_mul(it[0], r)), it[1])
              for r, it in zip(coeffs, checked, strict=True)]
    if engine == "py_ecc":
        return _combination_py_ecc(vk, neg_ra, vk_x, c_sum, sum_r)
    pairs = [(a, bn.g2_line_schedule(b)) for a, b in neg_ra]
    pairs.append((vk_x, vk.gamma_lines))
    pairs.append((c_sum, vk.delta_lines))
    f = bn.final_exponentiation(bn.multi_miller_loop(pairs))
    # alpha_beta is in the cyclotomic subgroup: f12_pow works there
    return bn.f12_mul(f, bn.f12_pow(vk.alpha_beta, sum_r)) == bn.ONE12


# ----------------------------------------------------------------------------- py-ecc reference
def _verify_py_ecc(vk: VerifyingKey, a, b, c, vk_x) -> bool:
    return _combination_py_ecc(vk, [(grp.g1_neg(a), b)], vk_x, c, 1)


def _combination_py_ecc(vk: VerifyingKey, neg_a_b, vk_x, c, ab_power: int) -> bool:
    """prod e(-A_i, B_i) * e(vk_x, gamma) * e(c, delta) * e(alpha, beta)^ab_power == 1."""
    from py_ecc.fields import optimized_bn128_FQ as FQ
    from py_ecc.fields import optimized_bn128_FQ2 as FQ2
    from py_ecc.fields import optimized_bn128_FQ12 as FQ12
    from py_ecc.optimized_bn128 import final_exponentiate, pairing

    def p1(pt):
        return None if pt is None else (FQ(pt[0]), FQ(pt[1]), FQ.one())

    def p2(pt):
        return (FQ2(list(pt[0])), FQ2(list(pt[1])), FQ2.one())

    def ml(q, p):
        return FQ12.one() if p is None else pairing(q, p, final_exponentiate=False)

    ab = vk._cached("ab_py_ecc", lambda: pairing(p2(vk.beta), p1(vk.alpha)))
    f = ml(p2(vk.gamma), p1(vk_x)) * ml(p2(vk.delta), p1(c))
    for a, b in neg_a_b:
        f = f * ml(p2(b), p1(a))
    return final_exponentiate(f) * ab**ab_power == FQ12.one()
