"""8-ary Poseidon Merkle tree over slot leaves, identical to circuits/green_proof.circom.

Node = circomlib ``Poseidon(c_0, ..., c_7)``; the number of leaves must be a power of 8
(64 slots: depth 2, 8 inner nodes + the root). Why 8-ary and not binary: see the circuit header
(9 Poseidon(8) hashes cost ~3.6k constraints against ~15.1k for 63 Poseidon(2)).

A `MerkleProof` for leaf ``index`` holds, per level from the leaves up, the 7 siblings of the
node on the path in left-to-right order (the node itself left out); the position of the node
among its siblings is ``index // 8**level % 8``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.poseidon import check_field_element, poseidon

ARITY = 8


@dataclass(frozen=True)
class MerkleProof:
    index: int
    siblings: tuple[tuple[int, ...], ...]

    def to_json(self) -> dict:
        return {"index": self.index, "siblings": [[str(x) for x in lvl] for lvl in self.siblings]}

    @classmethod
    def from_json(cls, obj: dict) -> MerkleProof:
        try:
            return cls(
                index=int(obj["index"]),
                siblings=tuple(tuple(int(x) for x in lvl) for lvl in obj["siblings"]),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ValidationError("merkle_proof", f"malformed: {e}") from e


def _depth_for(n: int) -> int:
    depth, size = 0, n
    while size > 1:
        if size % ARITY:
            raise ValidationError("leaves", f"count must be a power of {ARITY}, got {n}")
        size //= ARITY
        depth += 1
    if size != 1:
        raise ValidationError("leaves", f"count must be a power of {ARITY}, got {n}")
    return depth


class MerkleTree:
    """All levels of the tree; ``levels[0]`` are the leaves, ``levels[-1] == [root]``."""

    def __init__(self, leaves: Sequence[int]) -> None:
        leaves = [check_field_element(f"leaves[{i}]", v) for i, v in enumerate(leaves)]
        self.depth = _depth_for(len(leaves))
        self.levels: list[list[int]] = [leaves]
        for _ in range(self.depth):
            prev = self.levels[-1]
            self.levels.append([poseidon(prev[j : j + ARITY]) for j in range(0, len(prev), ARITY)])

    @property
    def root(self) -> int:
        return self.levels[-1][0]

    @property
    def leaves(self) -> list[int]:
        return list(self.levels[0])

    def proof(self, index: int) -> MerkleProof:
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValidationError("index", "must be an integer")
        if not 0 <= index < len(self.levels[0]):
            raise ValidationError("index", f"must be in [0, {len(self.levels[0])}), got {index}")
        siblings = []
        idx = index
        for level in self.levels[:-1]:
            start = idx - idx % ARITY
            pos = idx % ARITY
            group = level[start : start + ARITY]
            siblings.append(tuple(group[:pos] + group[pos + 1 :]))
            idx //= ARITY
        return MerkleProof(index=index, siblings=tuple(siblings))


def compute_root(leaf: int, proof: MerkleProof) -> int:
    """Hash ``leaf`` up the path of ``proof``; raises `ValidationError` on a malformed proof."""
    node = check_field_element("leaf", leaf)
    idx = proof.index
    if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0:
        raise ValidationError("merkle_proof.index", f"must be a non-negative integer, got {idx!r}")
    if idx >= ARITY ** len(proof.siblings):
        raise ValidationError("merkle_proof.index", f"{idx} out of range for the proof's depth")
    for level, sib in enumerate(proof.siblings):
        if len(sib) != ARITY - 1:
            raise ValidationError(
                f"merkle_proof.siblings[{level}]", f"must hold {ARITY - 1} values, got {len(sib)}"
            )
        for k, v in enumerate(sib):
            check_field_element(f"merkle_proof.siblings[{level}][{k}]", v)
        pos = idx % ARITY
        node = poseidon((*sib[:pos], node, *sib[pos:]))
        idx //= ARITY
    return node


def verify_merkle_proof(root: int, leaf: int, proof: MerkleProof, depth: int | None = None) -> bool:
    """True iff ``leaf`` sits at ``proof.index`` under ``root``. Malformed input is False.

    Pass ``depth`` (2 for a 64-slot epoch) to reject proofs of another depth.
    """
    if depth is not None and len(proof.siblings) != depth:
        return False
    try:
        return compute_root(leaf, proof) == root
    except ValidationError:
        return False
