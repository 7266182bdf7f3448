"""Decode raw JSON-RPC logs and submit-call calldata generically from a contract ABI.

Decoding with eth_abi directly (not web3's contract event machinery) keeps the indexer's hot
path at tens of microseconds per log. Topic 0 selects the event; indexed arguments come from
the remaining topics (dynamic indexed types stay as their 32-byte hash), the rest from data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import abi_to_signature, collapse_if_tuple, keccak, to_checksum_address

from ecoai_chain.errors import ValidationError

_DYNAMIC = ("string", "bytes")


@dataclass(frozen=True)
class DecodedLog:
    event: str
    args: dict[str, Any]
    address: str
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int


def _norm(t: str, v: Any) -> Any:
    if t == "address":
        return to_checksum_address(v)
    if t.startswith("bytes") and isinstance(v, bytes | bytearray):
        return "0x" + bytes(v).hex()
    return v


def _is_word(t: str) -> bool:
    """A static type that occupies exactly one 32-byte word and can be sliced directly."""
    return (t in ("address", "bool") or (t.startswith("uint") and t[4:].isdigit())
            or (t.startswith("bytes") and t[5:].isdigit()))


def _word(t: str, w: bytes) -> Any:
    if t.startswith("uint"):
        return int.from_bytes(w, "big")
    if t == "address":
        return to_checksum_address(w[12:])
    if t == "bool":
        return w[-1] == 1
    return "0x" + w[: int(t[5:])].hex()


@dataclass(frozen=True)
class _EventSpec:
    name: str
    indexed: tuple[tuple[str, str], ...]  # (name, type)
    data_names: tuple[str, ...]
    data_types: tuple[str, ...]
    words_only: bool  # every data field is one static word: decode by slicing (10x faster)


class EventDecoder:
    """Decoder for the events of any number of ABIs, keyed by topic 0."""

    def __init__(self, *abis: list[dict]) -> None:
        self._specs: dict[str, _EventSpec] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") != "event" or entry.get("anonymous"):
                    continue
                topic0 = "0x" + keccak(text=abi_to_signature(entry)).hex()
                ins = entry["inputs"]
                self._specs[topic0] = _EventSpec(
                    entry["name"],
                    tuple((i["name"], collapse_if_tuple(i)) for i in ins if i["indexed"]),
                    tuple(i["name"] for i in ins if not i["indexed"]),
                    tuple(collapse_if_tuple(i) for i in ins if not i["indexed"]),
                    all(_is_word(collapse_if_tuple(i)) for i in ins if not i["indexed"]),
                )

    def topics(self, *names: str) -> list[str]:
        """Topic-0 hashes of the named events (all known events when no names are given)."""
        return [t for t, s in self._specs.items() if not names or s.name in names]

    def decode(self, log: dict) -> DecodedLog | None:
        """Decode one raw ``eth_getLogs`` entry; None for an event not in the ABIs."""
        topics = log["topics"]
        if not topics:
            return None
        spec = self._specs.get(topics[0].lower())
        if spec is None:
            return None
        args: dict[str, Any] = {}
        for (name, t), topic in zip(spec.indexed, topics[1:], strict=True):
            raw = bytes.fromhex(topic[2:])
            if _is_word(t):
                args[name] = _word(t, raw)
            elif t in _DYNAMIC or t.endswith("]") or t.startswith("("):
                args[name] = "0x" + raw.hex()
            else:
                args[name] = _norm(t, abi_decode([t], raw)[0])
        if spec.words_only:
            data = bytes.fromhex(log["data"][2:])
            if len(data) < 32 * len(spec.data_types):
                return None  # malformed for this ABI: not one of ours
            for i, (name, t) in enumerate(zip(spec.data_names, spec.data_types, strict=True)):
                args[name] = _word(t, data[32 * i: 32 * i + 32])
        elif spec.data_types:
            values = abi_decode(list(spec.data_types), bytes.fromhex(log["data"][2:]))
            for name, t, v in zip(spec.data_names, spec.data_types, values, strict=True):
                args[name] = _norm(t, v)
        return DecodedLog(
            spec.name, args, to_checksum_address(log["address"]), int(log["blockNumber"], 16),
            log["blockHash"], log["transactionHash"], int(log["logIndex"], 16),
        )


class CallDecoder:
    """Decode GreenProof ``submitCertificate`` / ``submitCertificates`` calldata into per-cert
    inputs (certificate struct, Solidity-ordered proof, signature)."""

    def __init__(self, abi: list[dict]) -> None:
        self._fns: dict[bytes, tuple[str, list[str], list[str]]] = {}
        for entry in abi:
            if entry.get("type") == "function" and entry["name"] in (
                "submitCertificate", "submitCertificates"
            ):
                sig = abi_to_signature(entry)
                self._fns[keccak(text=sig)[:4]] = (
                    entry["name"], [collapse_if_tuple(i) for i in entry["inputs"]],
                    [i for i in entry["inputs"]],
                )

    def decode(self, calldata: str | bytes) -> list[dict[str, Any]]:
        """A list of {cert: {...}, proof: {a,b,c}, signature: hex}; [] for other functions."""
        data = bytes.fromhex(calldata[2:]) if isinstance(calldata, str) else bytes(calldata)
        fn = self._fns.get(data[:4])
        if fn is None:
            return []
        name, types, inputs = fn
        try:
            values = abi_decode(types, data[4:])
        except Exception as e:  # malformed calldata cannot have passed the contract
            raise ValidationError("calldata", f"cannot decode {name}: {e}") from e
        cert_fields = [c["name"] for c in inputs[0]["components"]]
        proof_fields = [c["name"] for c in inputs[1]["components"]]
        if name == "submitCertificate":
            rows = [(values[0], values[1], values[2])]
        else:
            rows = list(zip(values[0], values[1], values[2], strict=True))
        out = []
        for cert, proof, sig in rows:
            c = {k: _norm("bytes32", v) if isinstance(v, bytes) else v
                 for k, v in zip(cert_fields, cert, strict=True)}
            p = dict(zip(proof_fields, proof, strict=True))
            out.append({
                "cert": c,
                "proof": {k: _jsonable(v) for k, v in p.items()},
                "signature": "0x" + bytes(sig).hex(),
            })
        return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return str(v) if isinstance(v, int) else v
