"""The relayer's wire format, one place for both ends (the relayer and the attestor's link).

An item is JSON ``{"certificate": {contract field names: decimal strings or ints,
"workloadClass": 0x-hex bytes32}, "proof": {snarkjs "pi_a", "pi_b", "pi_c"}, "signature":
"0x" + 65 bytes hex}``: the one `Certificate` model, the proof as the prover wrote it, the
attestor's EIP-712 signature. Integers travel as decimal strings (uint256 exceeds JSON's safe
range). Malformed input raises `ValidationError` naming the field.
"""

from __future__ import annotations

import json
from typing import Any

from ecoai_chain.core.certificate import Certificate
from ecoai_chain.errors import ValidationError
from ecoai_chain.zk.bn254 import P as BASE_FIELD_P

ITEM_STATES = ("queued", "submitted", "landed", "skipped", "refused")
UINT256_DIGITS = len(str(2**256 - 1))  # a longer decimal is out of range (and int() may refuse it)
KEY_LIMIT = 2**63  # node ids and epoch starts key the relayer's SQLite rows (signed 64-bit)
MAX_BODY_BYTES = 16 * 1024  # an item is about 1.5 KB: room for pretty-printing, not for payloads
MAX_DEPTH = 8  # body > proof > pi_b > pair is 4 deep
_NAMES = {f.solidity: f.name for f in Certificate._table}


def item_body(cert: Any, proof: dict, signature: bytes) -> dict:
    """The JSON body an attestor posts for ``cert`` (a `Certificate` or a dict in either
    naming), its snarkjs ``proof`` and its 65-byte ``signature``."""
    struct = Certificate.from_mapping(cert).struct()
    return {
        "certificate": {k: ("0x" + v.hex() if isinstance(v, bytes) else str(v))
                        for k, v in struct.items()},
        "proof": {k: proof[k] for k in ("pi_a", "pi_b", "pi_c")},
        "signature": "0x" + bytes(signature).hex(),
    }


def _depth(raw: bytes) -> int:
    """The deepest bracket nesting of JSON text, strings skipped (linear, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def loads_item(raw: bytes) -> Any:
    """Posted bytes -> JSON, refusing text nested deeper than an item ever is before parsing
    it; `ValidationError` naming ``body``."""
    if _depth(raw) > MAX_DEPTH:
        raise ValidationError("body", f"nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValidationError("body", f"is not JSON: {str(e)[:120]}") from e


def _ints(values: dict) -> dict:
    out = {}
    for k, v in values.items():
        if isinstance(v, str) and v.isascii() and v.isdigit():
            if len(v) > UINT256_DIGITS:
                raise ValidationError(_NAMES.get(k, k), f"must be below 2**256, got "
                                      f"{len(v)} digits")
            v = int(v)
        out[k] = v
    return out


def _decimal(x: Any) -> bool:
    return isinstance(x, str | int) and not isinstance(x, bool) and str(x).isdigit()


def _in_field(field: str, coordinates: list) -> None:
    """Each coordinate below the BN254 base field modulus: no larger number is a point (the
    contract's precompiles refuse it), and one of 2**256 or more cannot even be encoded."""
    for x in coordinates:
        s = str(x)
        if len(s) > UINT256_DIGITS or int(s) >= BASE_FIELD_P:
            raise ValidationError(field, "coordinates must be below the BN254 base field "
                                  f"modulus, got {s[:20]}{'...' if len(s) > 20 else ''}")


def _proof(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError("proof", "must be an object with snarkjs pi_a, pi_b, pi_c")
    for key in ("pi_a", "pi_c"):
        v = raw.get(key)
        if not (isinstance(v, list) and len(v) == 3 and all(map(_decimal, v))):
            raise ValidationError(f"proof.{key}", "must be 3 decimal coordinates")
        _in_field(f"proof.{key}", v)
    b = raw.get("pi_b")
    if not (isinstance(b, list) and len(b) == 3 and all(
            isinstance(r, list) and len(r) == 2 and all(map(_decimal, r)) for r in b)):
        raise ValidationError("proof.pi_b", "must be 3 pairs of decimal coordinates")
    _in_field("proof.pi_b", [x for r in b for x in r])
    return {k: raw[k] for k in ("pi_a", "pi_b", "pi_c")}


def parse_item(body: Any) -> tuple[Certificate, dict, bytes]:
    """(certificate, snarkjs proof, signature) from a posted body; `ValidationError` names
    the first bad field."""
    if not isinstance(body, dict):
        raise ValidationError("body", "must be a JSON object")
    raw_cert = body.get("certificate")
    if not isinstance(raw_cert, dict):
        raise ValidationError("certificate", "must be an object of certificate fields")
    cert = Certificate.from_mapping(_ints(raw_cert))
    for name in ("node_id", "epoch_start_s"):
        if getattr(cert, name) >= KEY_LIMIT:
            raise ValidationError(name, f"must be below 2**63, got {getattr(cert, name)}")
    cert.public_signals()  # each proved field within its proved width, or it names the field
    proof = _proof(body.get("proof"))
    sig = body.get("signature")
    if not isinstance(sig, str):
        raise ValidationError("signature", "must be 0x-prefixed hex")
    try:
        signature = bytes.fromhex(sig.removeprefix("0x"))
    except ValueError as e:
        raise ValidationError("signature", "must be 0x-prefixed hex") from e
    if len(signature) != 65:
        raise ValidationError("signature", f"must be 65 bytes, got {len(signature)}")
    return cert, proof, signature
