"""py-ecc Groth16 verifier vs `snarkjs groth16 verify` on one real proof and every single-field
tampering of it (each proof coordinate, each public signal); batch verification."""

from __future__ import annotations

import copy
import json

import pytest

from ecoai_chain.core.signals import from_public_signals, signal_table, to_public_signals
from ecoai_chain.core.units import SNARK_SCALAR_FIELD as R
from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.bundle import ProofBundle
from ecoai_chain.zk.prover import snarkjs_verify
from ecoai_chain.zk.verifier import load_vkey, verify_batch, verify_groth16

pytestmark = pytest.mark.slow

Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583  # base field


@pytest.fixture(scope="module")
def vk():
    return load_vkey(zk_artifacts().vkey)


def coordinate_paths():
    paths = [("pi_a", i) for i in range(2)] + [("pi_c", i) for i in range(2)]
    paths += [("pi_b", i, j) for i in range(2) for j in range(2)]
    return paths


def tamper_proof(bundle: ProofBundle, path) -> ProofBundle:
    proof = copy.deepcopy(bundle.proof)
    target = proof[path[0]]
    if len(path) == 2:
        target[path[1]] = str((int(target[path[1]]) + 1) % Q)
    else:
        target[path[1]][path[2]] = str((int(target[path[1]][path[2]]) + 1) % Q)
    return ProofBundle(proof, list(bundle.public_signals))


def test_valid_proof_agrees_with_snarkjs(vk, proof_bundle):
    assert snarkjs_verify(zk_artifacts().vkey, proof_bundle)
    assert verify_groth16(vk, proof_bundle, proof_bundle.public_signals)
    assert verify_groth16(vk, proof_bundle.proof, [str(s) for s in proof_bundle.public_signals])


def test_py_ecc_reference_engine_agrees(vk, proof_bundle):
    """The py-ecc engine (py_ecc pairing without final exponentiation, one final exponentiation)
    gives the same answers as the fast engine; ~1 s a check, so only three cases here."""
    s = list(proof_bundle.public_signals)
    assert verify_groth16(vk, proof_bundle, s, engine="py_ecc")
    assert not verify_groth16(vk, proof_bundle, [s[0], s[1] + 1, *s[2:]], engine="py_ecc")
    bad = tamper_proof(proof_bundle, ("pi_c", 1))
    assert not verify_groth16(vk, bad, s, engine="py_ecc") and not verify_groth16(vk, bad, s)
    with pytest.raises(ValidationError, match="engine"):
        verify_groth16(vk, proof_bundle, s, engine="gpu")


@pytest.mark.parametrize("path", coordinate_paths(), ids=lambda p: "/".join(map(str, p)))
def test_tampered_proof_coordinate_rejected_by_both(vk, proof_bundle, path):
    bad = tamper_proof(proof_bundle, path)
    assert not verify_groth16(vk, bad, bad.public_signals)
    assert not snarkjs_verify(zk_artifacts().vkey, bad)


@pytest.mark.parametrize("i", range(3))  # circuit v2: root, header, totals
def test_tampered_public_signal_rejected_by_both(vk, proof_bundle, i):
    signals = list(proof_bundle.public_signals)
    signals[i] += 1
    bad = ProofBundle(proof_bundle.proof, signals)
    assert not verify_groth16(vk, bad, signals)
    assert not snarkjs_verify(zk_artifacts().vkey, bad)


@pytest.mark.parametrize("spec", signal_table()[1:], ids=lambda s: s.name)
def test_each_packed_field_is_bound_by_the_proof(vk, proof_bundle, spec):
    """Every proved field is inside some word: the proof does not verify for a certificate with
    any one field + 1 (repacked)."""
    values = from_public_signals(proof_bundle.public_signals)
    other = to_public_signals({**values, spec.name: values[spec.name] + 1})
    assert other != list(proof_bundle.public_signals)
    assert not verify_groth16(vk, proof_bundle.proof, other)


def test_out_of_field_inputs_and_malformed_data_are_rejected(vk, proof_bundle):
    s = list(proof_bundle.public_signals)
    # x + r is the same field element: a verifier without the range check would accept it
    assert not verify_groth16(vk, proof_bundle, [s[0] + R, *s[1:]])
    assert not verify_groth16(vk, proof_bundle, s[:-1])
    assert not verify_groth16(vk, proof_bundle, [*s, 0])
    assert not verify_groth16(vk, proof_bundle, [-1, *s[1:]])
    assert not verify_groth16(vk, proof_bundle, [True, *s[1:]])
    p = copy.deepcopy(proof_bundle.proof)
    p["pi_a"][0] = str(int(p["pi_a"][0]) + Q)  # same point mod q, but not a canonical coordinate
    assert not verify_groth16(vk, p, s)
    p = copy.deepcopy(proof_bundle.proof)
    del p["pi_c"]
    assert not verify_groth16(vk, p, s)


def _fq_sqrt(a: int) -> int | None:
    r = pow(a, (Q + 1) // 4, Q)  # Q = 3 mod 4
    return r if r * r % Q == a % Q else None


def _fq2_sqrt(a0: int, a1: int) -> tuple[int, int] | None:
    """sqrt(a0 + a1*u) in Fq[u]/(u^2 + 1) (the complex method)."""
    g = _fq_sqrt((a0 * a0 + a1 * a1) % Q)
    if g is None:
        return None
    for d in ((a0 + g) * pow(2, -1, Q) % Q, (a0 - g) * pow(2, -1, Q) % Q):
        x0 = _fq_sqrt(d)
        if x0:
            x1 = a1 * pow(2 * x0, -1, Q) % Q
            return x0, x1
    return None


def test_g2_point_outside_the_subgroup_is_rejected(vk, proof_bundle):
    """An on-curve twist point of the wrong order must be refused (the twist's cofactor is huge)."""
    from py_ecc.fields import optimized_bn128_FQ2 as FQ2
    from py_ecc.optimized_bn128 import b2, curve_order, is_inf, is_on_curve, multiply

    from ecoai_chain.errors import InvalidPoint
    from ecoai_chain.zk.verifier import g2_from_snarkjs

    for x0 in range(1, 100):
        x = FQ2([x0, 1])
        rhs = x**3 + b2
        y = _fq2_sqrt(*(int(c) for c in rhs.coeffs))
        if y is None:
            continue
        pt = (x, FQ2(list(y)), FQ2.one())
        assert is_on_curve(pt, b2)
        if is_inf(multiply(pt, curve_order)):
            continue
        enc = [[str(x0), "1"], [str(y[0]), str(y[1])], ["1", "0"]]
        with pytest.raises(InvalidPoint, match="subgroup"):
            g2_from_snarkjs(enc)
        bad = copy.deepcopy(proof_bundle.proof)
        bad["pi_b"] = enc
        assert not verify_groth16(vk, bad, proof_bundle.public_signals)
        return
    pytest.fail("no test point found")


def test_batch(vk, proof_bundle):
    good = (proof_bundle, proof_bundle.public_signals)
    assert verify_batch(vk, [good, good, good])
    assert verify_batch(vk, [])
    s = list(proof_bundle.public_signals)
    s[2] += 1  # the totals word: total energy + 1 mJ
    assert not verify_batch(vk, [good, (proof_bundle, s), good])
    assert not verify_batch(vk, [good, (tamper_proof(proof_bundle, ("pi_c", 0)), s)])


def test_bundle_json_and_calldata(proof_bundle):
    again = ProofBundle.from_json(json.loads(json.dumps(proof_bundle.to_json())))
    assert again == proof_bundle
    a, b, c, pub = proof_bundle.solidity_calldata()
    (x0, x1), (y0, y1) = proof_bundle.b
    assert (
        b == [[x1, x0], [y1, y0]] and len(a) == len(c) == 2 and pub == proof_bundle.public_signals
    )
    with pytest.raises(ValidationError):
        ProofBundle.from_json({"proof": {"pi_a": []}, "public_signals": ["1"]})


def test_bad_vkey_file(tmp_path):
    f = tmp_path / "vk.json"
    vk = json.loads(zk_artifacts().vkey.read_text())
    vk["vk_delta_2"][0][0] = "5"
    f.write_text(json.dumps(vk))
    with pytest.raises(ValidationError, match="vkey"):
        load_vkey(f)
    with pytest.raises(ValidationError, match="vkey"):
        load_vkey(tmp_path / "missing.json")


@pytest.mark.parametrize("which", ["pi_a", "pi_b", "pi_c", "swap_a_c"])
def test_valid_points_in_wrong_places_rejected_by_both(vk, proof_bundle, which):
    """On-curve, in-subgroup replacements reach the pairing equation itself (unlike +1 on a
    coordinate, which the on-curve check already refuses)."""
    from ecoai_chain.zk import bn254 as bn
    from ecoai_chain.zk import bn254_groups as grp

    proof = copy.deepcopy(proof_bundle.proof)
    a = (int(proof["pi_a"][0]), int(proof["pi_a"][1]))
    if which == "pi_a":
        x, y = grp.g1_add(a, (1, 2))  # A + G1 generator
        proof["pi_a"] = [str(x), str(y), "1"]
    elif which == "pi_b":  # -B: same x, negated y
        proof["pi_b"][1] = [str(-int(v) % bn.P) for v in proof["pi_b"][1]]
    elif which == "pi_c":
        x, y = grp.g1_mul((int(proof["pi_c"][0]), int(proof["pi_c"][1])), 2)
        proof["pi_c"] = [str(x), str(y), "1"]
    else:
        proof["pi_a"], proof["pi_c"] = proof["pi_c"], proof["pi_a"]
    bad = ProofBundle(proof, list(proof_bundle.public_signals))
    assert _proof_is_well_formed(bad)
    assert not verify_groth16(vk, bad, bad.public_signals)
    assert not snarkjs_verify(zk_artifacts().vkey, bad)


def _proof_is_well_formed(bundle: ProofBundle) -> bool:
    from ecoai_chain.zk.verifier import g1_from_snarkjs, g2_from_snarkjs

    g1_from_snarkjs(bundle.proof["pi_a"])
    g2_from_snarkjs(bundle.proof["pi_b"])
    g1_from_snarkjs(bundle.proof["pi_c"])
    return True
