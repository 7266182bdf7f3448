"""Decode revert data into `ContractRevert(name, args)` by the 4-byte selector of ABI errors.

Covers the custom errors of the given ABIs plus Solidity's ``Error(string)`` and
``Panic(uint256)``. `decode_revert` works on the bytes a node returns for a failed call; the
web3 adapter (`revert_from_web3`) pulls those bytes out of web3's exceptions.
"""

from __future__ import annotations

from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import (
    abi_to_signature,
    collapse_if_tuple,
    function_signature_to_4byte_selector,
    to_checksum_address,
)

from ecoai_chain.errors import ContractRevert

_BUILTIN = [
    {"type": "error", "name": "Error", "inputs": [{"name": "message", "type": "string"}]},
    {"type": "error", "name": "Panic", "inputs": [{"name": "code", "type": "uint256"}]},
]


class RevertDecoder:
    """Selector table built from one or more contract ABIs."""

    def __init__(self, *abis: list[dict[str, Any]]) -> None:
        self._errors: dict[bytes, tuple[str, list[str], list[str]]] = {}
        for abi in (*abis, _BUILTIN):
            for item in abi:
                if item.get("type") != "error":
                    continue
                types = [collapse_if_tuple(i) for i in item["inputs"]]
                selector = function_signature_to_4byte_selector(abi_to_signature(item))
                names = [i.get("name", "") for i in item["inputs"]]
                self._errors[selector] = (item["name"], types, names)

    def decode(self, data: bytes | str | None) -> ContractRevert | None:
        """The named error for revert ``data``, or None if the selector is unknown / no data."""
        raw = _to_bytes(data)
        if raw is None or len(raw) < 4:
            return None
        entry = self._errors.get(raw[:4])
        if entry is None:
            return None
        name, types, _ = entry
        try:
            args = abi_decode(types, raw[4:])
        except Exception:  # malformed payload: report the name with no args
            return ContractRevert(name, ())
        return ContractRevert(
            name,
            tuple(
                to_checksum_address(a) if t == "address" else a
                for t, a in zip(types, args, strict=True)
            ),
        )


def _to_bytes(data: bytes | str | dict | None) -> bytes | None:
    if data is None:
        return None
    if isinstance(data, dict):  # some providers wrap it: {"data": "0x..."}
        data = data.get("data")
        if data is None:
            return None
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    if isinstance(data, str):
        text = data[2:] if data.startswith("0x") else data
        try:
            return bytes.fromhex(text)
        except ValueError:
            return None
    return None


def revert_data_from_exception(exc: BaseException) -> bytes | None:
    """Revert bytes carried by a web3 exception (ContractLogicError and friends), if any."""
    for candidate in (getattr(exc, "data", None), *getattr(exc, "args", ())):
        raw = (
            _to_bytes(candidate)
            if not isinstance(candidate, str) or candidate.startswith("0x")
            else None
        )
        if raw is not None and len(raw) >= 4:
            return raw
    return None
