"""Fiat-Shamir batch verification (ecoai_chain/zk/batch.py) against the single verifier, on the
committed real proofs (tests/vectors/contract_proofs.json); its coefficients against the shared
vector tests/vectors/groth16_batch.json that tests/contracts/Groth16BatchVerifier.test.js also
asserts for the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ecoai_chain.errors import ValidationError
from ecoai_chain.zk import batch
from ecoai_chain.zk import bn254 as bn
from ecoai_chain.zk import bn254_groups as grp
from ecoai_chain.zk.verifier import check_combination, checked_items, load_vkey, verify_groth16

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
_proofs = json.loads((VECTORS / "contract_proofs.json").read_text())
# 15 distinct real proofs, each with its own public signals
ITEMS = [(v["snarkjs_proof"], [int(x) for x in v["public_signals"]])
         for v in [*_proofs["certificates"], *_proofs["ceiling_cases"].values()]]
BATCH = json.loads((VECTORS / "groth16_batch.json").read_text())


@pytest.fixture(scope="module")
def vk():
    return load_vkey(ROOT / "circuits" / "setup" / "verification_key.json")


def _negate_a(item):
    proof, signals = item
    a = proof["pi_a"]
    return {**proof, "pi_a": [a[0], str(bn.P - int(a[1])), "1"]}, signals


def _with_c(item, c):
    proof, signals = item
    return {**proof, "pi_c": [str(c[0]), str(c[1]), "1"]}, signals


def _agrees_with_single(vk, items) -> bool:
    """The batch verdict, checked to equal 'every item passes the single verifier'."""
    got = batch.verify_batch_fiat_shamir(vk, items)
    assert got == all(verify_groth16(vk, p, s) for p, s in items)
    return got


def test_the_shared_vector_is_derived_from_its_batch(vk):
    items = ITEMS[:4]
    assert BATCH["domain"] == "0x" + batch.domain().hex()
    assert BATCH["vk_hash"] == "0x" + batch.vk_hash(vk).hex()
    assert BATCH["proofs"] == [[str(w) for w in batch.proof_words(p)] for p, _ in items]
    assert BATCH["inputs"] == [[str(x) for x in s] for _, s in items]
    seed = batch.batch_seed(vk, items)
    assert BATCH["seed"] == "0x" + seed.hex()
    assert BATCH["coefficients"] == [str(r) for r in batch.batch_coefficients(seed, 4)]


def test_coefficients_are_one_then_nonzero_scalars():
    rs = batch.batch_coefficients(b"\x07" * 32, 64)
    assert rs[0] == 1
    assert all(0 < r < bn.R for r in rs)
    assert len(set(rs)) == 64
    assert batch.batch_coefficients(b"\x07" * 32, 0) == []


@settings(max_examples=40, deadline=None)
@given(item=st.integers(0, 2), word=st.integers(0, 7 + 3), delta=st.integers(1, 2**64))
@example(item=0, word=0, delta=1)  # A.x of the first item
@example(item=2, word=10, delta=1)  # the last input (totals word, circuit v2) of the last item
def test_changing_any_word_of_any_item_changes_every_coefficient(vk, item, word, delta):
    items = [(dict(p), list(s)) for p, s in ITEMS[:3]]
    seed = batch.batch_seed(vk, items)
    proof, signals = items[item]
    if word < 8:  # a proof word: move it inside the base field (need not stay a curve point)
        names = [("pi_a", 0), ("pi_a", 1), ("pi_b", 0, 1), ("pi_b", 0, 0), ("pi_b", 1, 1),
                 ("pi_b", 1, 0), ("pi_c", 0), ("pi_c", 1)]
        key, *path = names[word]
        moved = json.loads(json.dumps(proof[key]))
        target = moved if len(path) == 1 else moved[path[0]]
        target[path[-1]] = str((int(target[path[-1]]) + delta) % bn.P)
        items[item] = ({**proof, key: moved}, signals)
    else:
        signals[word - 8] = (signals[word - 8] + delta) % bn.R
    seed2 = batch.batch_seed(vk, items)
    assert seed2 != seed
    old, new = batch.batch_coefficients(seed, 3), batch.batch_coefficients(seed2, 3)
    assert new[0] == old[0] == 1
    assert all(a != b for a, b in zip(old[1:], new[1:], strict=True))


@pytest.mark.parametrize("n", [1, 2, 8])
def test_valid_batches_pass_as_every_single_proof_does(vk, n):
    assert _agrees_with_single(vk, ITEMS[:n]) is True


@pytest.mark.parametrize("bad", [0, 4, 7], ids=["first", "middle", "last"])
def test_one_bad_proof_anywhere_fails_the_batch_and_the_single_check_names_it(vk, bad):
    items = list(ITEMS[:8])
    items[bad] = _negate_a(items[bad])
    assert _agrees_with_single(vk, items) is False
    assert [i for i, (p, s) in enumerate(items) if not verify_groth16(vk, p, s)] == [bad]


def test_the_same_proof_twice_is_a_valid_batch(vk):
    assert _agrees_with_single(vk, [ITEMS[2], ITEMS[2], ITEMS[5]]) is True


def test_a_rerandomized_proof_is_another_valid_proof_of_the_same_statement(vk):
    proof, signals = ITEMS[3]
    other = batch.rerandomize(proof, 987654321)
    assert batch.proof_words(other) != batch.proof_words(proof)
    assert _agrees_with_single(vk, [(proof, signals), (other, signals)]) is True
    assert verify_groth16(vk, other, ITEMS[4][1]) is False
    with pytest.raises(ValidationError, match="^s: "):
        batch.rerandomize(proof, bn.R)


def test_proofs_valid_for_other_inputs_fail(vk):
    (p0, s0), (p1, s1), third = ITEMS[:3]
    assert _agrees_with_single(vk, [(p0, s1), (p1, s0), third]) is False


def test_errors_that_cancel_in_a_plain_sum_do_not_cancel_with_fiat_shamir_coefficients(vk):
    # C_0 + C_1 in item 0 and the point at infinity in item 1: with every coefficient 1 the C sum
    # is unchanged, so a predictable combination accepts two bad proofs.
    x, y = ITEMS[:2]
    c0 = (int(x[0]["pi_c"][0]), int(x[0]["pi_c"][1]))
    c1 = (int(y[0]["pi_c"][0]), int(y[0]["pi_c"][1]))
    moved = [_with_c(x, grp.g1_add(c0, c1)), y]
    moved_checked = checked_items(vk, moved)
    moved_checked[1] = (*moved_checked[1][:2], None, moved_checked[1][3])  # C_1 = infinity
    assert check_combination(vk, moved_checked, [1, 1]) is True  # the plain sum is fooled
    seed = batch.batch_seed(vk, moved)  # (what the contract hashes: C_1 as it was sent)
    assert check_combination(vk, moved_checked, batch.batch_coefficients(seed, 2)) is False
    assert not verify_groth16(vk, *moved[0])


def test_an_input_of_r_or_more_is_refused_naming_the_item_and_signal(vk):
    items = [ITEMS[0], (ITEMS[1][0], [*ITEMS[1][1][:1], ITEMS[1][1][1] + bn.R, *ITEMS[1][1][2:]])]
    assert _agrees_with_single(vk, items) is False
    with pytest.raises(ValidationError, match=r"^items\[1\]\.inputs\[1\]: .* not below"):
        batch.batch_seed(vk, items)


def test_a_coordinate_of_q_or_more_is_refused_naming_the_item_and_word(vk):
    proof, signals = ITEMS[1]
    bad = {**proof, "pi_c": [proof["pi_c"][0], str(int(proof["pi_c"][1]) + bn.P), "1"]}
    assert _agrees_with_single(vk, [ITEMS[0], (bad, signals)]) is False
    with pytest.raises(ValidationError, match=r"^items\[1\]\.proof\.c\.y: "):
        batch.batch_seed(vk, [ITEMS[0], (bad, signals)])


def test_an_empty_batch_is_not_all_valid(vk):
    assert batch.verify_batch_fiat_shamir(vk, []) is False


@pytest.mark.slow
def test_the_py_ecc_reference_engine_agrees(vk):
    items = ITEMS[:3]
    assert batch.verify_batch_fiat_shamir(vk, items, engine="py-ecc") is True
    bad = [items[0], _negate_a(items[1]), items[2]]
    assert batch.verify_batch_fiat_shamir(vk, bad, engine="py-ecc") is False
