"""The one table (``public_signals.json``): the public-signal order and the certificate's fields.

`signal_table` gives the Groth16 public signals in circuit order; `certificate_table` gives the
members of the signed ``IGreenProof.Certificate`` struct in member order (each public signal
plus the fields that are not signals, such as the workload class). Everything else that lists
certificate fields derives from these two functions (see `ecoai_chain.core.certificate`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ecoai_chain.core.units import SNARK_SCALAR_FIELD
from ecoai_chain.errors import ValidationError


@dataclass(frozen=True)
class SignalSpec:
    index: int
    name: str
    solidity: str
    bits: int
    doc: str
    api: str = ""


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
    specs = tuple(SignalSpec(s["index"], s["name"], s["solidity"], s["bits"], s["doc"],
                             s.get("api", s["name"])) for s in _raw_table()["signals"])
    assert [s.index for s in specs] == list(range(len(specs))), "public_signals.json out of order"
    return specs


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
    """Order a mapping of field name -> int into the public-signal list, checking ranges."""
    out = []
    for spec in signal_table():
        if spec.name not in values:
            raise ValidationError(spec.name, "missing public signal")
        v = values[spec.name]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v >= SNARK_SCALAR_FIELD:
            raise ValidationError(spec.name, f"must be an integer in [0, field modulus), got {v!r}")
        if spec.bits < 254 and v >> spec.bits:
            raise ValidationError(spec.name, f"must be below 2**{spec.bits}, got {v}")
        out.append(v)
    return out


def from_public_signals(signals: list[int]) -> dict[str, int]:
    names = signal_names()
    if len(signals) != len(names):
        raise ValidationError("public_signals", f"expected {len(names)} values, got {len(signals)}")
    return dict(zip(names, (int(s) for s in signals), strict=True))
