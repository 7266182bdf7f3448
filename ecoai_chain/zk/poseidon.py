"""Poseidon over the BN254 scalar field, identical to circomlib / circomlibjs.

A port of circomlibjs ``poseidon_opt.js`` (the optimized form with sparse partial-round
matrices) using its own constants, extracted by ``scripts/zk_extract_poseidon_constants.py``
into ``poseidon_constants.json``. ``tests/vectors/poseidon.json`` (made by circomlibjs through
``scripts/zk_gen_vectors.mjs``) proves equality for every arity used here:

* ``poseidon([seed_field, node_id, epoch_start_s, i])`` — per-slot salt (4 inputs)
* ``poseidon([energy_mj, work, salt])`` — slot leaf (3 inputs)
* ``poseidon([c0, ..., c7])`` — Merkle tree node (8 inputs)

Inputs must be integers in [0, p); anything else raises `ValidationError` (circomlibjs would
silently reduce mod p, which would let two different values hash alike).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ecoai_chain.core.units import SNARK_SCALAR_FIELD
from ecoai_chain.errors import ValidationError

P = SNARK_SCALAR_FIELD
N_ROUNDS_F = 8
N_ROUNDS_P = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)


@dataclass(frozen=True)
class _Params:
    t: int
    n_rounds_p: int
    C: tuple[int, ...]
    S: tuple[int, ...]
    M: tuple[tuple[int, ...], ...]
    P: tuple[tuple[int, ...], ...]


@cache
def _table() -> dict:
    text = resources.files("ecoai_chain.zk").joinpath("poseidon_constants.json").read_text()
    return json.loads(text)["arities"]


@cache
def _params(arity: int) -> _Params:
    raw = _table().get(str(arity))
    if raw is None:
        raise ValidationError(
            "inputs", f"Poseidon arity {arity} not supported (have {sorted(map(int, _table()))})"
        )
    t = arity + 1
    return _Params(
        t=t,
        n_rounds_p=N_ROUNDS_P[t - 2],
        C=tuple(int(x, 16) for x in raw["C"]),
        S=tuple(int(x, 16) for x in raw["S"]),
        M=tuple(tuple(int(x, 16) for x in row) for row in raw["M"]),
        P=tuple(tuple(int(x, 16) for x in row) for row in raw["P"]),
    )


def supported_arities() -> tuple[int, ...]:
    return tuple(sorted(int(a) for a in _table()))


def check_field_element(field: str, value: int) -> int:
    """Return ``value`` if it is an int in [0, p), else raise naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be an integer, got {type(value).__name__}")
    if value < 0 or value >= P:
        raise ValidationError(field, f"must be in [0, field modulus), got {value}")
    return value


def _mix(state: list[int], m: Sequence[Sequence[int]], t: int) -> list[int]:
    # out[i] = sum_j m[j][i] * state[j]   (circomlib's Mix uses M[j][i])
    return [sum(m[j][i] * state[j] for j in range(t)) % P for i in range(t)]


def _pow5(a: int) -> int:
    a2 = a * a % P
    return a2 * a2 % P * a % P


def poseidon(inputs: Sequence[int]) -> int:
    """circomlib ``Poseidon(len(inputs))`` with initial state 0; returns the field element."""
    if len(inputs) == 0:
        raise ValidationError("inputs", "Poseidon needs at least one input")
    for i, v in enumerate(inputs):
        check_field_element(f"inputs[{i}]", v)
    prm = _params(len(inputs))
    t, C, S, M = prm.t, prm.C, prm.S, prm.M
    half = N_ROUNDS_F // 2

    state = [(a + C[i]) % P for i, a in enumerate([0, *inputs])]
    for r in range(half - 1):
        state = [(_pow5(a) + C[(r + 1) * t + i]) % P for i, a in enumerate(state)]
        state = _mix(state, M, t)
    state = [(_pow5(a) + C[half * t + i]) % P for i, a in enumerate(state)]
    state = _mix(state, prm.P, t)

    base = (half + 1) * t
    width = 2 * t - 1
    for r in range(prm.n_rounds_p):
        s0_in = (_pow5(state[0]) + C[base + r]) % P
        state[0] = s0_in
        off = width * r
        s0 = sum(S[off + j] * state[j] for j in range(t)) % P
        for k in range(1, t):
            state[k] = (state[k] + s0_in * S[off + t + k - 1]) % P
        state[0] = s0

    base2 = base + prm.n_rounds_p
    for r in range(half - 1):
        state = [(_pow5(a) + C[base2 + r * t + i]) % P for i, a in enumerate(state)]
        state = _mix(state, M, t)
    state = [_pow5(a) for a in state]
    return sum(M[j][0] * state[j] for j in range(t)) % P

