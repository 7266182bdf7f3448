"""Fiat-Shamir batch verification of Groth16 proofs: the Python mirror of
contracts/Groth16BatchVerifier.sol (same transcript, same coefficients, same equation).

A batch of N proofs of ONE verifying key is checked with one random linear combination
(`ecoai_chain.zk.verifier.check_combination`, N + 3 pairings). The coefficients cannot be
private on a chain, so they are derived from everything the check depends on, in the words the
contract receives as calldata (G2 coordinates imaginary part first, as EIP-197 wants them):

    seed = keccak256(DOMAIN || vk_hash || N || proof_0 .. proof_{N-1} || inputs_0 .. inputs_{N-1})
    proof_i = A.x, A.y, B.x_im, B.x_re, B.y_im, B.y_re, C.x, C.y   (8 words of 32 bytes)
    inputs_i = the key's n public signals (n words)
    r_0 = 1;  r_i = keccak256(seed || i) mod r for i >= 1, and 1 where that is 0

with DOMAIN = keccak256("ecoai.groth16-batch.v1") and vk_hash = keccak256 of the key's words
(`vk_words`). Every word is checked canonical first (coordinates < q, inputs < r), so a batch
has exactly one transcript. The soundness argument is in the contract's NatSpec. One difference
on degenerate data: the contract reads an A or C of (0, 0) as the point at infinity (as the
precompiles do), Python refuses it (False); no valid proof has one.
The shared vector tests/vectors/groth16_batch.json (scripts/gen_batch_verifier.py) pins the
seed and coefficients for Python and the Hardhat test alike.

keccak comes from eth_utils, imported when first used, so importing this module stays pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecoai_chain.errors import ValidationError
from ecoai_chain.zk import bn254 as bn
from ecoai_chain.zk import bn254_groups as grp
from ecoai_chain.zk.bundle import ProofBundle
from ecoai_chain.zk.verifier import VerifyingKey, check_combination, checked_items, engine_of

DOMAIN_TAG = b"ecoai.groth16-batch.v1"
PROOF_WORDS = 8


def keccak(data: bytes) -> bytes:
    from eth_utils import keccak as _keccak

    return _keccak(data)


def domain() -> bytes:
    return keccak(DOMAIN_TAG)


def _g2_words(pt) -> list[int]:
    (x_re, x_im), (y_re, y_im) = pt
    return [x_im, x_re, y_im, y_re]


def vk_words(vk: VerifyingKey) -> list[int]:
    """alpha (x, y); beta, gamma, delta (x_im, x_re, y_im, y_re); IC_0 .. IC_n (x, y)."""
    out = [*vk.alpha]
    for g2 in (vk.beta, vk.gamma, vk.delta):
        out += _g2_words(g2)
    for p in vk.ic:
        out += [*p]
    return out


def _encode(words: Sequence[int]) -> bytes:
    return b"".join(int(w).to_bytes(32, "big") for w in words)


def vk_hash(vk: VerifyingKey) -> bytes:
    return keccak(_encode(vk_words(vk)))


def proof_words(proof: dict | ProofBundle) -> list[int]:
    """The 8 calldata words of a snarkjs proof ({"pi_a","pi_b","pi_c"}) or a `ProofBundle`,
    each checked to be below the base field modulus q (field ``proof.<name>``)."""
    p = proof.proof if isinstance(proof, ProofBundle) else proof
    try:
        a, b, c = p["pi_a"], p["pi_b"], p["pi_c"]
        words = [a[0], a[1], b[0][1], b[0][0], b[1][1], b[1][0], c[0], c[1]]
    except (KeyError, TypeError, IndexError) as e:
        raise ValidationError("proof", f"not a snarkjs Groth16 proof: {e!r}") from e
    names = ["a.x", "a.y", "b.x_im", "b.x_re", "b.y_im", "b.y_re", "c.x", "c.y"]
    return [_word(v, f"proof.{n}", bn.P) for v, n in zip(words, names, strict=True)]


def _word(v, field: str, modulus: int) -> int:
    if isinstance(v, bool):
        raise ValidationError(field, "is a bool, not an integer")
    try:
        x = int(v)
    except (TypeError, ValueError) as e:
        raise ValidationError(field, f"{v!r} is not an integer") from e
    if not 0 <= x < modulus:
        raise ValidationError(field, f"{x} is not below the field modulus {modulus}")
    return x


def input_words(vk: VerifyingKey, signals: Sequence) -> list[int]:
    """The public signals as words, each checked below the scalar field modulus r."""
    if len(signals) != vk.n_public:
        raise ValidationError("inputs", f"{len(signals)} public signals, the key has {vk.n_public}")
    return [_word(v, f"inputs[{j}]", bn.R) for j, v in enumerate(signals)]


def batch_seed(vk: VerifyingKey, items: Sequence[tuple[dict | ProofBundle, Sequence]]) -> bytes:
    """The Fiat-Shamir seed of a batch of (proof, public_signals); raises `ValidationError`
    naming the item and field of the first non-canonical word."""
    proofs, inputs = [], []
    for i, (proof, signals) in enumerate(items):
        try:
            proofs += proof_words(proof)
            inputs += input_words(vk, signals)
        except ValidationError as e:
            raise ValidationError(f"items[{i}].{e.field}", e.reason) from e
    return keccak(domain() + vk_hash(vk) + _encode([len(items), *proofs, *inputs]))


def batch_coefficients(seed: bytes, n: int) -> list[int]:
    """r_0 = 1; r_i = keccak256(seed || i) mod r, nonzero (0 becomes 1), for i in 1..n-1."""
    out = [1] if n else []
    for i in range(1, n):
        r = int.from_bytes(keccak(seed + i.to_bytes(32, "big")), "big") % bn.R
        out.append(r or 1)
    return out


def verify_batch_fiat_shamir(vk: VerifyingKey,
                             items: Sequence[tuple[dict | ProofBundle, Sequence]],
                             engine: str = "fast") -> bool:
    """True iff every (proof, public_signals) is valid, with the contract's coefficients.
    Malformed or out-of-range data gives False (the contract reverts naming the item, see
    `batch_seed`); an empty batch is False (the contract refuses it)."""
    engine = engine_of(engine)
    checked = checked_items(vk, items)
    if not checked:
        return False
    coeffs = batch_coefficients(batch_seed(vk, items), len(items))
    return check_combination(vk, checked, coeffs, engine)


def rerandomize(proof: dict, s: int) -> dict:
    """Another valid proof of the same statement: (s*A, s^-1*B, C) (Groth16 proofs are
    malleable: e(sA, s^-1 B) = e(A, B)). For tests and benchmarks that need many distinct valid
    proofs without proving; also a reminder that replay protection must key on the statement
    (node, epoch), never on the proof bytes."""
    from py_ecc.fields import optimized_bn128_FQ2 as FQ2
    from py_ecc.optimized_bn128 import multiply, normalize

    s %= bn.R
    if s == 0:
        raise ValidationError("s", "must be nonzero mod r")
    a = grp.g1_mul((int(proof["pi_a"][0]), int(proof["pi_a"][1])), s)
    b = proof["pi_b"]
    bx, by = normalize(multiply(
        (FQ2([int(b[0][0]), int(b[0][1])]), FQ2([int(b[1][0]), int(b[1][1])]), FQ2.one()),
        pow(s, -1, bn.R)))
    return {**proof,
            "pi_a": [str(a[0]), str(a[1]), "1"],
            "pi_b": [[str(c) for c in bx.coeffs], [str(c) for c in by.coeffs], ["1", "0"]]}
