"""`ProofBundle`: a Groth16 proof in snarkjs's shape plus its public signals.

Pure (no subprocess, no threads): the verifier, the chain client and the API read bundles
without loading the prover's process machinery.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecoai_chain.errors import ValidationError


def _int_list(field: str, values, n: int) -> list[int]:
    try:
        out = [int(v) for v in values]
    except (TypeError, ValueError) as e:
        raise ValidationError(field, f"must hold integers: {e}") from e
    if len(out) != n:
        raise ValidationError(field, f"must hold {n} values, got {len(out)}")
    return out


@dataclass(frozen=True)
class ProofBundle:
    """A Groth16 proof in snarkjs's proof.json shape plus its public signals (as ints)."""

    proof: dict
    public_signals: list[int]

    @property
    def a(self) -> tuple[int, int]:
        x, y = _int_list("proof.pi_a", self.proof["pi_a"][:2], 2)
        return x, y

    @property
    def b(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """G2 point as snarkjs stores it: ((x0, x1), (y0, y1)), x = x0 + x1*u."""
        x = _int_list("proof.pi_b[0]", self.proof["pi_b"][0], 2)
        y = _int_list("proof.pi_b[1]", self.proof["pi_b"][1], 2)
        return (x[0], x[1]), (y[0], y[1])

    @property
    def c(self) -> tuple[int, int]:
        x, y = _int_list("proof.pi_c", self.proof["pi_c"][:2], 2)
        return x, y

    def solidity_calldata(self) -> tuple[list[int], list[list[int]], list[int], list[int]]:
        """(a, b, c, pub) for ``Groth16Verifier.verifyProof``; b's coordinates are swapped to
        [[x1, x0], [y1, y0]] (EIP-197 order), as snarkjs's exportSolidityCallData does."""
        (x0, x1), (y0, y1) = self.b
        return list(self.a), [[x1, x0], [y1, y0]], list(self.c), list(self.public_signals)

    def to_json(self) -> dict:
        """``{"proof": <snarkjs proof.json>, "public_signals": [decimal strings]}``."""
        return {"proof": self.proof, "public_signals": [str(s) for s in self.public_signals]}

    @classmethod
    def from_json(cls, obj: dict) -> ProofBundle:
        try:
            proof = obj["proof"]
            signals = [int(s) for s in obj.get("public_signals", obj.get("publicSignals"))]
        except (KeyError, TypeError, ValueError) as e:
            raise ValidationError("proof_bundle", f"malformed: {e!r}") from e
        for k in ("pi_a", "pi_b", "pi_c"):
            if k not in proof:
                raise ValidationError(f"proof.{k}", "missing")
        return cls(proof=proof, public_signals=signals)

    @classmethod
    def from_snarkjs(cls, proof: dict, public_signals: list) -> ProofBundle:
        return cls(proof=proof, public_signals=[int(s) for s in public_signals])
