"""Circuit v2's packed public inputs (core/signals.py `pack` / `unpack`, from the one table).

Properties (Hypothesis): in-range fields round-trip through their words, every word stays below
2^253, a field one bit too wide is refused naming it (it would alias its neighbour), and a word
with bits above its fields unpacks to nothing. The shared vectors
(tests/vectors/public_signals_packing.json, also run by the Solidity and circuit tests) and the
circomlibjs-side packer's words in tests/vectors/epochs.json agree with the Python packer.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.core.certificate import Certificate
from ecoai_chain.core.signals import (
    FIELD_BITS,
    WORD_BITS,
    _raw_table,
    from_public_signals,
    signal_table,
    signals_from_table,
    to_public_signals,
    word_table,
)
from ecoai_chain.core.units import SNARK_SCALAR_FIELD as P
from ecoai_chain.errors import ValidationError

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
PACKING = json.loads((VECTORS / "public_signals_packing.json").read_text())
SPECS = signal_table()


def _bound(spec) -> int:
    return P if spec.bits >= FIELD_BITS else 1 << spec.bits


def values_strategy():
    return st.fixed_dictionaries({s.name: st.integers(0, _bound(s) - 1) for s in SPECS})


def test_layout_is_three_words_from_the_declared_bits():
    words = word_table()
    assert [w.name for w in words] == ["root", "header", "totals"]
    assert [[f.name for f in w.fields] for w in words] == [
        ["root"],
        ["node_id", "epoch_start_s", "window_s", "slot_count", "intensity_mg_per_kwh",
         "max_power_mw"],
        ["total_energy_mj", "total_work", "carbon_mg"],
    ]
    for w in words[1:]:
        assert w.bits <= WORD_BITS
        at = 0
        for f in w.fields:  # offsets: the running sum of the bits before, so no overlap
            assert f.offset == at
            at += f.bits


@given(values_strategy())
@example({s.name: 0 for s in SPECS})
@example({s.name: _bound(s) - 1 for s in SPECS})
def test_pack_unpack_round_trips(values):
    words = to_public_signals(values)
    assert len(words) == 3 and all(0 <= w < P for w in words)
    assert all(w >> WORD_BITS == 0 for w in words[1:])
    assert from_public_signals(words) == values


@given(values_strategy(), st.sampled_from(SPECS), st.integers(0, 2**300))
def test_a_field_too_wide_is_refused_naming_it(values, spec, extra):
    values = dict(values, **{spec.name: _bound(spec) + extra})
    with pytest.raises(ValidationError) as err:
        to_public_signals(values)
    assert err.value.field == spec.name


@given(values_strategy(), st.sampled_from(SPECS[1:]))
def test_aliasing_neighbours_cannot_pack(values, spec):
    """The alias a wrap would allow, field + 2^bits with its upper neighbour - 1, packs to the
    same integer but is refused: only in-range fields pack."""
    values = dict(values, **{spec.name: values[spec.name] + _bound(spec)})
    with pytest.raises(ValidationError, match=spec.name):
        to_public_signals(values)


def test_missing_field_and_bad_types_are_named():
    values = {s.name: 1 for s in SPECS}
    del values["carbon_mg"]
    with pytest.raises(ValidationError, match="carbon_mg: missing"):
        to_public_signals(values)
    for bad in (-1, True, 1.0, "1"):
        with pytest.raises(ValidationError, match="window_s"):
            to_public_signals({s.name: 1 for s in SPECS} | {"window_s": bad})


@given(st.integers(0, 2), st.integers(0, 2**256))
def test_unpack_refuses_words_no_fields_pack_to(i, junk):
    words = to_public_signals({s.name: 1 for s in SPECS})
    w = word_table()[i]
    words[i] = (P + junk) if w.bits >= FIELD_BITS else words[i] | ((junk + 1) << w.bits)
    with pytest.raises(ValidationError, match=w.name):
        from_public_signals(words)
    with pytest.raises(ValidationError, match="expected 3 values, got 10"):
        from_public_signals([0] * 10)


@pytest.mark.parametrize("case", PACKING["cases"], ids=lambda c: c["label"])
def test_shared_vectors_match_the_python_packer(case):
    cert = {s.name: int(case["cert"][s.solidity]) for s in SPECS}
    assert [str(w) for w in to_public_signals(cert)] == case["public_signals"]
    assert from_public_signals([int(w) for w in case["public_signals"]]) == cert


@pytest.mark.parametrize("case", PACKING["too_wide"], ids=lambda c: c["label"])
def test_shared_too_wide_vectors_are_refused_naming_the_field(case):
    cert = {s.name: int(case["cert"][s.solidity]) for s in SPECS}
    with pytest.raises(ValidationError) as err:
        to_public_signals(cert)
    assert err.value.field == case["field"]


def test_certificate_public_signals_are_the_packed_words():
    case = PACKING["cases"][1]  # every field at its maximum
    fields = {k: int(v) for k, v in case["cert"].items()}
    cert = Certificate.from_mapping({**fields, "workloadClass": b"llm".ljust(32, b"\0")})
    assert [str(w) for w in cert.public_signals()] == case["public_signals"]


def test_epoch_vectors_packed_by_circomlibjs_side_agree():
    """scripts/zk_gen_vectors.mjs packs with its own JS code from the same table."""
    epochs = json.loads((VECTORS / "epochs.json").read_text())["epochs"]
    for e in epochs:
        values = {k: int(v) for k, v in e["public_values"].items()}
        assert [str(w) for w in to_public_signals(values)] == e["public_signals"]


def _edited(edit) -> dict:
    raw = copy.deepcopy(_raw_table())
    edit(raw)
    return raw


def _signal(raw, name):
    return next(s for s in raw["signals"] if s["name"] == name)


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda t: _signal(t, "window_s").update(offset=127), "window_s"),  # overlaps epoch
        (lambda t: _signal(t, "max_power_mw").update(offset=184), "max_power_mw"),  # gap
        (lambda t: _signal(t, "carbon_mg").update(bits=130), "totals"),  # 254-bit word
        (lambda t: _signal(t, "node_id").update(word=0), "root"),  # shares root's word
        (lambda t: _signal(t, "node_id").update(word=7), "node_id"),  # no such word
    ],
)
def test_a_layout_that_could_alias_is_refused(edit, named):
    with pytest.raises(ValidationError, match=named):
        signals_from_table(_edited(edit))
