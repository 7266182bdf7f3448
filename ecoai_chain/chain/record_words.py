"""A certificate's record in the four data words of GreenProof's ``CertificateSubmitted``.

The event carries the record (``IGreenProof.CertificateRecord``, fixed at submission; its
slot keeps only its hash) as ``root``, ``fieldsA``, ``fieldsB`` and ``workloadClass``, with
``nodeId`` and ``epochStart`` its topics: four words of log data instead of the struct's
fourteen. This is the one Python place that knows how the narrow members sit in the two
packed words (contracts/RecordWords.sol is the Solidity one, tests/contracts/helpers/
recordWords.js the JavaScript one), low bits first. Every member keeps its type's width
except work (80 bits of its uint128: the circuit bounds it to 70), rewardUnits (160 of its
uint192: < 2^154) and releaseAt (48 of its uint64: seconds). No bit is spare, so any two
words unpack to some record; whether it is a certificate's is for its slot to say
(`CertificatesMixin.record_state`).

Pure: no chain access. Every reader of the event (the client's `ChainReads.events`, the
indexer's `EventDecoder`) turns its words into ``record`` with `submitted_args`, so what they
hand on is the record by member name, in struct order, as the removed 14-word event gave it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecoai_chain.errors import ValidationError

# (member, bit width), low bits first.
FIELDS_A: tuple[tuple[str, int], ...] = (
    ("intensityMgPerKwh", 32), ("maxPowerMw", 32), ("slotCount", 8), ("ecoScore", 8),
    ("energyMj", 64), ("carbonMg", 64), ("releaseAt", 48))
FIELDS_B: tuple[tuple[str, int], ...] = (("windowS", 16), ("work", 80), ("rewardUnits", 160))
# CertificateRecord's members in struct order (what abi.encode(record) hashes).
RECORD_MEMBERS: tuple[str, ...] = (
    "root", "nodeId", "epochStart", "intensityMgPerKwh", "maxPowerMw", "windowS", "slotCount",
    "ecoScore", "energyMj", "carbonMg", "work", "workloadClass", "rewardUnits", "releaseAt")
# The event's data words (after its three topics certificateId, nodeId, epochStart).
WORDS: tuple[str, ...] = ("root", "fieldsA", "fieldsB", "workloadClass")

assert sum(w for _, w in FIELDS_A) == 256 and sum(w for _, w in FIELDS_B) == 256


def _pack(record: Mapping[str, Any], layout: tuple[tuple[str, int], ...]) -> int:
    word, shift = 0, 0
    for name, bits in layout:
        v = record[name]
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 1 << bits:
            raise ValidationError(f"record.{name}", f"{v!r} does not fit its {bits} packed bits")
        word |= v << shift
        shift += bits
    return word


def _unpack(word: int, layout: tuple[tuple[str, int], ...]) -> dict[str, int]:
    if not 0 <= word < 1 << 256:
        raise ValidationError("packed word", f"{word!r} is not a 256-bit word")
    out, shift = {}, 0
    for name, bits in layout:
        out[name] = (word >> shift) & ((1 << bits) - 1)
        shift += bits
    return out


def pack(record: Mapping[str, Any]) -> tuple[int, int]:
    """(fieldsA, fieldsB) of ``record`` (by member name), as RecordWords.pack gives them;
    `ValidationError` naming the first member out of its packed range."""
    return _pack(record, FIELDS_A), _pack(record, FIELDS_B)


def unpack(node_id: int, epoch_start: int, root: Any, fields_a: int, fields_b: int,
           workload_class: Any) -> dict[str, Any]:
    """The CertificateRecord (by member name, in struct order) the event's words carry;
    ``root`` and ``workload_class`` are passed through as the decoder gave them."""
    narrow = {**_unpack(fields_a, FIELDS_A), **_unpack(fields_b, FIELDS_B)}
    given = {"root": root, "nodeId": node_id, "epochStart": epoch_start,
             "workloadClass": workload_class}
    return {n: given[n] if n in given else narrow[n] for n in RECORD_MEMBERS}


def submitted_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """A decoded CertificateSubmitted's arguments with its four data words replaced by
    ``record``, the CertificateRecord they carry (its nodeId and epochStart the topics)."""
    out = {k: v for k, v in args.items() if k not in WORDS}
    out["record"] = unpack(args["nodeId"], args["epochStart"], args["root"], args["fieldsA"],
                           args["fieldsB"], args["workloadClass"])
    return out
