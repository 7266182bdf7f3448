"""Poseidon port vs circomlibjs vectors (tests/vectors/poseidon.json, zk_gen_vectors.mjs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecoai_chain.core.units import SNARK_SCALAR_FIELD
from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.poseidon import poseidon, supported_arities

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "poseidon.json").read_text())


def test_vectors_use_our_field():
    assert int(VECTORS["field_modulus"]) == SNARK_SCALAR_FIELD


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: f"arity{len(c['inputs'])}")
def test_matches_circomlibjs(case):
    assert poseidon([int(x) for x in case["inputs"]]) == int(case["output"])


def test_every_arity_used_is_covered_by_vectors():
    covered = {len(c["inputs"]) for c in VECTORS["cases"]}
    assert {3, 4, 8} <= covered and covered == set(supported_arities())


def test_field_edges_are_in_the_vectors():
    flat = {x for c in VECTORS["cases"] for x in c["inputs"]}
    assert "0" in flat and str(SNARK_SCALAR_FIELD - 1) in flat


@pytest.mark.parametrize("inputs", VECTORS["reject"])
def test_rejects_values_outside_the_field(inputs):
    with pytest.raises(ValidationError) as e:
        poseidon([int(x) for x in inputs])
    assert e.value.field.startswith("inputs[")


def test_rejects_bad_types_and_arities():
    with pytest.raises(ValidationError):
        poseidon([])
    with pytest.raises(ValidationError):
        poseidon([True, 1])
    with pytest.raises(ValidationError):
        poseidon(["1", 2])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="arity 5"):
        poseidon([1, 2, 3, 4, 5])
