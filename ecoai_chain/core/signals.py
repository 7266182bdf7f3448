"""The one table (``public_signals.json``): the proved fields, their packing into the circuit's
public inputs, and the certificate's fields.

`signal_table` gives the ten proved values (the statement's fields, "public values") in table
order, each with its width and its place (``word``, ``offset``) in one of the Groth16 public
inputs that `word_table` lists in snarkjs order (circuit v2: three words, see
`pack` / `unpack`). `certificate_table` gives the members of the signed
``IGreenProof.Certificate`` struct in member order (each proved value plus the fields that are
not, such as the workload class). Everything else that lists certificate fields or public
inputs derives from these functions (see `ecoai_chain.core.certificate`).

"Public signals" (`to_public_signals`) are what the verifier takes: the packed words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from ecoai_chain.core.units import SNARK_SCALAR_FIELD
from ecoai_chain.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


# A field of at least this many bits is a whole field element (it must be < the modulus).
FIELD_BITS = 254
# Every packed word stays below 2^253 < the BN254 scalar modulus, so it is never reduced.
WORD_BITS = 253


@dataclass(frozen=True)
class SignalSpec:
    """One proved value: ``index`` its order among the public values, ``bits`` the width the
    circuit range-checks it to, ``word``/``offset`` its bits [offset, offset+bits) of public
    input ``word``."""

    index: int
    name: str
    solidity: str
    bits: int
    doc: str
    api: str = ""
    word: int = 0
    offset: int = 0


@dataclass(frozen=True)
class WordSpec:
    """One Groth16 public input (snarkjs publicSignals index ``index``) and its fields."""

    index: int
    name: str
    doc: str
    fields: tuple[SignalSpec, ...]

    @property
    def bits(self) -> int:
        return sum(f.bits for f in self.fields)


@dataclass(frozen=True)
class FieldSpec:
    """One member of the certificate struct. ``name``: the Python name (a public signal's name
    for signals); ``solidity``: the struct member; ``abi_type``: its ABI/EIP-712 type;
    ``api``: the index column and REST field; ``signal``: public-signal index or None;
    ``bits``: the circuit's range bound for signals (256 for a plain uint256, 0 for bytes)."""

    name: str
    solidity: str
    abi_type: str
    api: str
    signal: int | None
    bits: int
    doc: str


@cache
def _raw_table() -> dict:
    return json.loads(resources.files("ecoai_chain.core").joinpath("public_signals.json")
                      .read_text())


@cache
def signal_table() -> tuple[SignalSpec, ...]:
    return signals_from_table(_raw_table())


@cache
def word_table() -> tuple[WordSpec, ...]:
    return words_from_table(_raw_table())


def signals_from_table(raw: dict) -> tuple[SignalSpec, ...]:
    """The proved values of a parsed table (pure: tests pass an edited copy); checks the layout
    with `words_from_table`."""
    specs = tuple(SignalSpec(s["index"], s["name"], s["solidity"], s["bits"], s["doc"],
                             s.get("api", s["name"]), s["word"], s["offset"])
                  for s in raw["signals"])
    if [s.index for s in specs] != list(range(len(specs))):
        raise ValidationError("public_signals.json", "signals: index is not 0, 1, 2, ...")
    words_from_table(raw, specs)
    return specs


def words_from_table(raw: dict, specs: tuple[SignalSpec, ...] | None = None
                     ) -> tuple[WordSpec, ...]:
    """The public inputs of a parsed table, each with its fields in listed order. Refuses a
    layout where fields could alias: an offset other than the sum of the bits of the word's
    earlier fields, a word over `WORD_BITS`, or a whole-field value sharing its word."""
    specs = specs if specs is not None else signals_from_table(raw)
    words = raw["words"]
    if [w["index"] for w in words] != list(range(len(words))):
        raise ValidationError("public_signals.json", "words: index is not 0, 1, 2, ...")
    stray = [s.name for s in specs if not 0 <= s.word < len(words)]
    if stray:
        raise ValidationError(stray[0], "field in no declared word")
    out = []
    for w in words:
        fields = tuple(s for s in specs if s.word == w["index"])
        if not fields:
            raise ValidationError("public_signals.json", f"word {w['name']!r} has no field")
        at = 0
        for f in fields:
            if f.bits < 1 or f.offset != at:
                raise ValidationError(f.name, f"offset must be {at} (the bits of the earlier "
                                      f"fields of word {w['name']!r}), got {f.offset}")
            at += f.bits
        whole = [f.name for f in fields if f.bits >= FIELD_BITS]
        if whole and len(fields) > 1:
            raise ValidationError(whole[0], "a whole field element must be alone in its word")
        if not whole and at > WORD_BITS:
            raise ValidationError(w["name"], f"word of {at} bits exceeds {WORD_BITS}")
        out.append(WordSpec(w["index"], w["name"], w["doc"], fields))
    return tuple(out)


@cache
def certificate_table() -> tuple[FieldSpec, ...]:
    """The certificate struct's members in order (``public_signals.json`` -> ``certificate``)."""
    return fields_from_table(_raw_table())


def fields_from_table(raw: dict) -> tuple[FieldSpec, ...]:
    """The certificate's members from a parsed table (pure: tests pass an edited copy)."""
    cert = raw["certificate"]
    signals = {s["name"]: s for s in raw["signals"]}
    extra = {f["name"]: f for f in cert["fields"]}
    out = []
    for name in cert["struct"]:
        if name in signals:
            s = signals[name]
            out.append(FieldSpec(name, s["solidity"], "uint256", s.get("api", name), s["index"],
                                 s["bits"], s["doc"]))
        elif name in extra:
            f = extra[name]
            bits = int(f["type"][4:] or 256) if f["type"].startswith("uint") else 0
            out.append(FieldSpec(name, f["solidity"], f["type"], f.get("api", name), None, bits,
                                 f["doc"]))
        else:
            raise ValidationError("public_signals.json", f"certificate member {name!r} is "
                                  "neither a signal nor in certificate.fields")
    missing = set(signals) - set(cert["struct"])
    if missing:
        raise ValidationError("public_signals.json", f"signals {sorted(missing)} are not "
                              "members of the certificate")
    return tuple(out)


def signal_names() -> tuple[str, ...]:
    return tuple(s.name for s in signal_table())


def to_public_signals(values: dict[str, int]) -> list[int]:
    """The verifier's public inputs (the packed words) from field name -> int; raises
    `ValidationError` naming a field that is missing or wider than its bits."""
    return pack(word_table(), values)


def from_public_signals(signals: list[int]) -> dict[str, int]:
    """Field name -> value (table order) from the packed public inputs."""
    unpacked = unpack(word_table(), signals)
    return {name: unpacked[name] for name in signal_names()}


def _field_value(spec: SignalSpec, v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValidationError(spec.name, f"must be a non-negative integer, got {v!r}")
    if spec.bits >= FIELD_BITS:
        if v >= SNARK_SCALAR_FIELD:
            raise ValidationError(spec.name, f"must be below the field modulus, got {v}")
    elif v >> spec.bits:
        raise ValidationError(spec.name, f"must be below 2**{spec.bits}, got {v}")
    return v


def pack(words: Sequence[WordSpec], values: Mapping[str, int]) -> list[int]:
    """The public inputs: word = sum of field << offset over its fields. Each field is checked
    against its width first (a wider one would spill into its neighbour), so the map from
    in-range fields to words is injective and every word is below the field modulus."""
    out = []
    for w in words:
        acc = 0
        for f in w.fields:
            if f.name not in values:
                raise ValidationError(f.name, "missing public value")
            acc |= _field_value(f, values[f.name]) << f.offset
        out.append(acc)
    return out


def unpack(words: Sequence[WordSpec], signals: Sequence[int]) -> dict[str, int]:
    """Field name -> value from the public inputs (the inverse of `pack`); refuses a count
    other than the words', a word at or over the modulus, or a word with bits above its
    fields (no in-range fields pack to it)."""
    if len(signals) != len(words):
        raise ValidationError("public_signals", f"expected {len(words)} values, got "
                              f"{len(signals)}")
    out: dict[str, int] = {}
    for w, raw in zip(words, signals, strict=True):
        v = int(raw)
        if not 0 <= v < SNARK_SCALAR_FIELD or (w.bits < FIELD_BITS and v >> w.bits):
            raise ValidationError(w.name, f"public input {w.index} is not a packed "
                                  f"{w.name} word: {v}")
        for f in w.fields:
            out[f.name] = v if f.bits >= FIELD_BITS else (v >> f.offset) & ((1 << f.bits) - 1)
    return out
