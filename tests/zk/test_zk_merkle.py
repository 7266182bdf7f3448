"""8-ary Poseidon Merkle tree: circomlibjs vectors, Hypothesis against a naive recomputation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoai_chain.core.units import SNARK_SCALAR_FIELD as P
from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.merkle import MerkleProof, MerkleTree, compute_root, verify_merkle_proof
from ecoai_chain.zk.poseidon import poseidon

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "merkle.json").read_text())


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_root_and_paths_match_circomlibjs(case):
    tree = MerkleTree([int(x) for x in case["leaves"]])
    assert tree.root == int(case["root"])
    for pr in case["proofs"]:
        proof = tree.proof(pr["index"])
        assert [[str(x) for x in lvl] for lvl in proof.siblings] == pr["siblings"]
        assert verify_merkle_proof(tree.root, int(pr["leaf"]), proof)
        # the JSON form from the vectors verifies too
        assert verify_merkle_proof(int(case["root"]), int(pr["leaf"]), MerkleProof.from_json(pr))


def naive_root(leaves: list[int]) -> int:
    level = leaves
    while len(level) > 1:
        level = [poseidon(level[i : i + 8]) for i in range(0, len(level), 8)]
    return level[0]


field_el = st.integers(min_value=0, max_value=P - 1)


@settings(max_examples=15, deadline=None)
@given(
    leaves=st.lists(field_el, min_size=64, max_size=64), index=st.integers(0, 63), data=st.data()
)
def test_tree_matches_naive_and_proofs_bind(leaves, index, data):
    tree = MerkleTree(leaves)
    assert tree.root == naive_root(leaves)
    proof = tree.proof(index)
    assert verify_merkle_proof(tree.root, leaves[index], proof, depth=2)
    # any other leaf value, index or sibling fails
    other = data.draw(field_el.filter(lambda v: v != leaves[index]))
    assert not verify_merkle_proof(tree.root, other, proof)
    wrong_index = data.draw(st.integers(0, 63).filter(lambda i: leaves[i] != leaves[index]))
    assert not verify_merkle_proof(
        tree.root, leaves[index], MerkleProof(wrong_index, proof.siblings)
    )
    lvl, k = data.draw(st.integers(0, 1)), data.draw(st.integers(0, 6))
    sibs = [list(s) for s in proof.siblings]
    sibs[lvl][k] = (sibs[lvl][k] + 1) % P
    assert not verify_merkle_proof(
        tree.root, leaves[index], MerkleProof(index, tuple(map(tuple, sibs)))
    )


def test_malformed_proofs_are_false_not_errors():
    tree = MerkleTree(list(range(64)))
    good = tree.proof(5)
    assert not verify_merkle_proof(tree.root, 5, MerkleProof(5, good.siblings[:1]), depth=2)
    assert not verify_merkle_proof(
        tree.root, 5, MerkleProof(5, (good.siblings[0][:6], good.siblings[1]))
    )
    assert not verify_merkle_proof(tree.root, 5, MerkleProof(64, good.siblings))
    assert not verify_merkle_proof(tree.root, 5, MerkleProof(-1, good.siblings))
    assert not verify_merkle_proof(tree.root, P + 5, good)
    # a depth-0 "proof" (leaf == root) is refused when the depth is given
    assert not verify_merkle_proof(tree.root, tree.root, MerkleProof(0, ()), depth=2)


def test_bad_trees_are_rejected_naming_the_field():
    with pytest.raises(ValidationError, match="power of 8"):
        MerkleTree(list(range(63)))
    with pytest.raises(ValidationError, match=r"leaves\[3\]"):
        MerkleTree([0, 0, 0, P, 0, 0, 0, 0])
    with pytest.raises(ValidationError, match="index"):
        MerkleTree(list(range(8))).proof(8)
    with pytest.raises(ValidationError):
        compute_root(1, MerkleProof(0, ((1, 2, 3),)))
