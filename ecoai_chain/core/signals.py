"""The public-signal table (``public_signals.json``), the one place their order is fixed."""

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


@cache
def signal_table() -> tuple[SignalSpec, ...]:
    raw = json.loads(resources.files("ecoai_chain.core").joinpath("public_signals.json").read_text())
    specs = tuple(
        SignalSpec(s["index"], s["name"], s["solidity"], s["bits"], s["doc"]) for s in raw["signals"]
    )
    assert [s.index for s in specs] == list(range(len(specs))), "public_signals.json out of order"
    return specs


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
