"""Decode raw JSON-RPC logs and submit-call calldata generically from a contract ABI.

Decoding with eth_abi directly (not web3's contract event machinery) keeps the indexer's hot
path at tens of microseconds per log. Topic 0 selects the event; indexed arguments come from
the remaining topics (dynamic indexed types stay as their 32-byte hash), the rest from data.

Anyone can put bytes on chain that GreenProof's events carry (a metadataURI, a reason), so
nothing here trusts them: a ``string`` is decoded as the bytes it is and returned as
`AbiString` (text with invalid UTF-8 replaced and NUL escaped, the raw bytes kept beside), and
a log that does not fit its ABI raises `UnindexableLog`, which the follower quarantines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils import abi_to_signature, collapse_if_tuple, keccak, to_checksum_address

from ecoai_chain.chain.record_words import WORDS, submitted_args
from ecoai_chain.errors import UnindexableLog, ValidationError

_DYNAMIC = ("string", "bytes")
NUL_SYMBOL = "\u2400"  # what a NUL byte shows as: PostgreSQL text cannot hold U+0000


class AbiString(str):
    """A Solidity ``string`` as display text (invalid UTF-8 replaced by U+FFFD, NUL shown as
    U+2400) that keeps the exact bytes in ``raw``."""

    raw: bytes

    def __new__(cls, raw: bytes) -> AbiString:
        self = super().__new__(cls, clean_text(raw))
        self.raw = bytes(raw)
        return self


def clean_text(raw: bytes) -> str:
    """Bytes a stranger chose, as text any database stores."""
    return raw.decode("utf-8", errors="replace").replace("\0", NUL_SYMBOL)


@dataclass(frozen=True)
class DecodedLog:
    event: str
    args: dict[str, Any]
    address: str
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int
    raw: dict | None = field(default=None, compare=False, repr=False)  # the eth_getLogs entry


def _norm(t: str, v: Any) -> Any:
    if t == "string":
        return AbiString(v)  # decoded as bytes: see _decode_types
    if t == "address":
        return to_checksum_address(v)
    if t.startswith("bytes") and isinstance(v, bytes | bytearray):
        return "0x" + bytes(v).hex()
    return v


def _named(inp: dict, v: Any) -> Any:
    """A decoded value by its ABI input: a struct as a dict of its components by name, an
    array of structs element by element; any other value as `_norm` gives it."""
    t = inp["type"]
    if not t.startswith("tuple"):
        return _norm(t, v)
    if t.endswith("]"):
        inner = {**inp, "type": t[: t.rindex("[")]}
        return [_named(inner, x) for x in v]
    return {c["name"]: _named(c, x) for c, x in zip(inp["components"], v, strict=True)}


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


def _data_word(event: str, field: str, t: str, w: bytes) -> Any:
    """`_word`, refusing a word wider than its type (a typed emit cannot log one; raw bytes
    under our topic 0 can): `UnindexableLog`, never a value that does not fit."""
    if t.startswith("uint") and t != "uint256":
        if int.from_bytes(w, "big") >> int(t[4:]):
            raise UnindexableLog(f"{event} {field} 0x{w.hex()} does not fit {t}")
    elif t == "address" and any(w[:12]) or t == "bool" and int.from_bytes(w, "big") > 1:
        raise UnindexableLog(f"{event} {field} 0x{w.hex()} is not a {t}")
    elif t.startswith("bytes") and any(w[int(t[5:]):]):
        raise UnindexableLog(f"{event} {field} 0x{w.hex()} does not fit {t}")
    return _word(t, w)


def _decode_types(types: tuple[str, ...] | list[str]) -> list[str]:
    """``string`` decodes as ``bytes`` (same encoding) so invalid UTF-8 cannot raise."""
    return [t.replace("string", "bytes") for t in types]


@dataclass(frozen=True)
class _EventSpec:
    name: str
    indexed: tuple[tuple[str, str], ...]  # (name, type)
    data_names: tuple[str, ...]
    data_types: tuple[str, ...]
    data_inputs: tuple[dict, ...]  # their ABI entries (a struct's components name its values)
    # When every data field is one static word, or a struct of such words, the data is
    # consecutive words: decoded by slicing (10x faster). Per field, its word type, or its
    # struct's (component name, word type) pairs; None when some field is not of that kind.
    words: tuple[tuple[str, Any], ...] | None
    word_count: int


def _word_layout(inputs: list[dict]) -> tuple[tuple[tuple[str, Any], ...] | None, int]:
    out: list[tuple[str, Any]] = []
    count = 0
    for i in inputs:
        t = i["type"]
        if _is_word(t):
            out.append((i["name"], t))
            count += 1
        elif t == "tuple" and all(_is_word(c["type"]) for c in i["components"]):
            out.append((i["name"], tuple((c["name"], c["type"]) for c in i["components"])))
            count += len(i["components"])
        else:
            return None, 0
    return tuple(out), count


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
                data = [i for i in ins if not i["indexed"]]
                self._specs[topic0] = _EventSpec(
                    entry["name"],
                    tuple((i["name"], collapse_if_tuple(i)) for i in ins if i["indexed"]),
                    tuple(i["name"] for i in data), tuple(collapse_if_tuple(i) for i in data),
                    tuple(data), *_word_layout(data),
                )

    def topics(self, *names: str) -> list[str]:
        """Topic-0 hashes of the named events (all known events when no names are given)."""
        return [t for t, s in self._specs.items() if not names or s.name in names]

    def decode(self, log: dict) -> DecodedLog | None:
        """Decode one raw ``eth_getLogs`` entry; None for an event not in the ABIs; raises
        `UnindexableLog` for one whose topic 0 is ours but whose topics or data do not fit."""
        topics = log["topics"]
        if not topics:
            return None
        spec = self._specs.get(topics[0].lower())
        if spec is None:
            return None
        if len(topics) != 1 + len(spec.indexed):
            raise UnindexableLog(f"{spec.name} has {len(topics) - 1} indexed topics, its ABI "
                                 f"{len(spec.indexed)}")
        args: dict[str, Any] = {}
        for (name, t), topic in zip(spec.indexed, topics[1:], strict=True):
            raw = bytes.fromhex(topic[2:])
            if _is_word(t):
                args[name] = _word(t, raw)
            elif t in _DYNAMIC or t.endswith("]") or t.startswith("("):
                args[name] = "0x" + raw.hex()
            else:
                args[name] = _norm(t, self._abi_decode(spec, [t], raw)[0])
        data = bytes.fromhex(log["data"][2:])
        if spec.words is not None:
            if len(data) < 32 * spec.word_count:
                raise UnindexableLog(f"{spec.name} data is {len(data)} bytes, its ABI needs "
                                     f"{32 * spec.word_count}")
            k = 0
            for name, t in spec.words:
                if isinstance(t, str):
                    args[name] = _data_word(spec.name, name, t, data[32 * k: 32 * k + 32])
                    k += 1
                else:  # a struct of words
                    args[name] = {cn: _data_word(spec.name, f"{name}.{cn}", ct,
                                                 data[32 * (k + j): 32 * (k + j) + 32])
                                  for j, (cn, ct) in enumerate(t)}
                    k += len(t)
        elif spec.data_types:
            values = self._abi_decode(spec, spec.data_types, data)
            for name, inp, v in zip(spec.data_names, spec.data_inputs, values, strict=True):
                args[name] = _named(inp, v)
        if spec.name == "CertificateSubmitted" and spec.data_names == WORDS:
            args = submitted_args(args)  # its four data words as the record they carry
        return DecodedLog(
            spec.name, args, to_checksum_address(log["address"]), int(log["blockNumber"], 16),
            log["blockHash"], log["transactionHash"], int(log["logIndex"], 16), log,
        )

    @staticmethod
    def _abi_decode(spec: _EventSpec, types, data: bytes) -> tuple:
        try:
            return abi_decode(_decode_types(types), data, strict=False)
        except DecodingError as e:
            raise UnindexableLog(f"{spec.name} data does not decode: {e}") from e


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
        try:  # strict=False: Solidity's calldata decoder ignores dirty padding, so must we
            values = abi_decode(types, data[4:], strict=False)
        except DecodingError as e:
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
