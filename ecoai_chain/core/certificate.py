"""`Certificate`: the signed certificate as one Python model, built from the one table.

Its fields are the members of ``IGreenProof.Certificate`` in member order, as
``core/public_signals.json`` lists them (`certificate_table`); nothing here names a field. From
the same table come the EIP-712 type string (`eip712_type`), the contract-call tuple
(`Certificate.as_tuple`), the contract-named struct (`Certificate.struct`), the public values in
table order, the verifier's packed public inputs (`Certificate.public_signals`) and the
index/REST field names (`api_names`).

Pure: no I/O. ``Certificate.from_mapping`` accepts either naming (contract ``nodeId`` or
Python ``node_id``) and raises `ValidationError` naming the (Python) field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import make_dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ecoai_chain.core.bytes32 import to_bytes32
from ecoai_chain.core.signals import FieldSpec, certificate_table, to_public_signals
from ecoai_chain.core.units import require_uint
from ecoai_chain.errors import ValidationError

PRIMARY_TYPE = "Certificate"
if TYPE_CHECKING:
    Certificate = Any


def eip712_fields(table: Sequence[FieldSpec] | None = None) -> tuple[tuple[str, str], ...]:
    """(member, type) pairs of the EIP-712 ``Certificate`` type, in struct order."""
    return tuple((f.solidity, f.abi_type) for f in table or certificate_table())


def eip712_type(table: Sequence[FieldSpec] | None = None) -> str:
    """``Certificate(uint256 nodeId,...,bytes32 workloadClass)``: its keccak is the contract's
    ``CERTIFICATE_TYPEHASH``."""
    members = ",".join(f"{t} {n}" for n, t in eip712_fields(table))
    return f"{PRIMARY_TYPE}({members})"


def solidity_names() -> tuple[str, ...]:
    return tuple(f.solidity for f in certificate_table())


def api_names() -> dict[str, str]:
    """Python field name -> index column / REST field name."""
    return {f.name: f.api for f in certificate_table()}


def _coerce(spec: FieldSpec, value: Any) -> int | bytes:
    if spec.abi_type == "bytes32":
        return to_bytes32(value, spec.name)
    return require_uint(spec.name, value, int(spec.abi_type[4:] or 256))


class _CertificateMethods:
    """Behaviour of `Certificate`; the fields themselves come from the table (``_table``)."""

    _table: tuple[FieldSpec, ...] = ()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Certificate:
        """From a dict keyed by contract names (``energyMj``) or Python names
        (``total_energy_mj``); a `Certificate` passes through."""
        if isinstance(values, cls):
            return values
        if not isinstance(values, Mapping):
            raise ValidationError("certificate", f"must be a mapping, got {type(values).__name__}")
        out = {}
        for spec in cls._table:
            value = values.get(spec.solidity, values.get(spec.name))
            if value is None:
                raise ValidationError(spec.name, "missing certificate field")
            out[spec.name] = _coerce(spec, value)
        return cls(**out)

    @classmethod
    def from_public(cls, public: Mapping[str, int], **others: Any) -> Certificate:
        """From the public values by signal name plus the non-signal fields by name."""
        return cls.from_mapping({**public, **others})

    @classmethod
    def from_api(cls, row: Any, **overrides: Any) -> Certificate:
        """From an index row / REST dict (api names); ``overrides`` by Python name."""
        get = row.get if isinstance(row, Mapping) else (lambda k: getattr(row, k, None))
        values = {f.name: get(f.api) for f in cls._table}
        values.update(overrides)
        for spec in cls._table:  # the index keeps uint256 values as decimal text
            v = values[spec.name]
            if spec.abi_type != "bytes32" and isinstance(v, str) and v.isascii() and v.isdigit():
                values[spec.name] = int(v)
        return cls.from_mapping(values)

    def struct(self) -> dict[str, int | bytes]:
        """Contract member name -> value (the EIP-712 message)."""
        return {f.solidity: getattr(self, f.name) for f in self._table}

    def as_tuple(self) -> tuple:
        """The ``Certificate`` struct tuple in ABI order, for a contract call."""
        return tuple(getattr(self, f.name) for f in self._table)

    def public_values(self) -> dict[str, int]:
        """The public signals by name (circuit order)."""
        signals = sorted((f for f in self._table if f.signal is not None),
                         key=lambda f: f.signal)
        return {f.name: getattr(self, f.name) for f in signals}

    def public_signals(self) -> list[int]:
        """The verifier's public inputs: the public values packed into words (raises
        `ValidationError` naming a field wider than the circuit proves)."""
        return to_public_signals(self.public_values())

    def differences(self, other: Certificate) -> list[str]:
        """Contract names of the members whose values differ."""
        return [f.solidity for f in self._table
                if getattr(self, f.name) != getattr(other, f.name)]


def make_certificate_class(table: Sequence[FieldSpec]) -> type:
    """A frozen dataclass with one field per member of ``table``, in order (pure: the model of
    any table, e.g. an edited copy in a test)."""
    fields = [(f.name, bytes if f.abi_type == "bytes32" else int) for f in table]
    cls = make_dataclass(PRIMARY_TYPE, fields, bases=(_CertificateMethods,), frozen=True,
                         namespace={"_table": tuple(table)})
    cls.__module__ = __name__
    cls.__doc__ = ("The signed certificate; fields in ``IGreenProof.Certificate`` member order: "
                   + ", ".join(f.name for f in table) + ".")
    return cls


@cache
def _make() -> type:
    return make_certificate_class(certificate_table())


def __getattr__(name: str) -> Any:
    # `Certificate` is made on first use (reading the table is work: none at import time).
    if name == PRIMARY_TYPE:
        return _make()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
