"""The relayer's wire format, one place for both ends (the relayer and the attestor's link).

An item is JSON ``{"certificate": {contract field names: decimal strings or ints,
"workloadClass": 0x-hex bytes32}, "proof": {snarkjs "pi_a", "pi_b", "pi_c"}, "signature":
"0x" + 65 bytes hex}``: the one `Certificate` model, the proof as the prover wrote it, the
attestor's EIP-712 signature. Integers travel as decimal strings (uint256 exceeds JSON's safe
range). Malformed input raises `ValidationError` naming the field.
"""

from __future__ import annotations

from typing import Any

from ecoai_chain.core.certificate import Certificate
from ecoai_chain.errors import ValidationError

ITEM_STATES = ("queued", "submitted", "landed", "skipped", "refused")


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


def _ints(values: dict) -> dict:
    out = {}
    for k, v in values.items():
        if isinstance(v, str) and v.isascii() and v.isdigit():
            v = int(v)
        out[k] = v
    return out


def _decimal(x: Any) -> bool:
    return isinstance(x, str | int) and not isinstance(x, bool) and str(x).isdigit()


def _proof(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError("proof", "must be an object with snarkjs pi_a, pi_b, pi_c")
    for key in ("pi_a", "pi_c"):
        v = raw.get(key)
        if not (isinstance(v, list) and len(v) == 3 and all(map(_decimal, v))):
            raise ValidationError(f"proof.{key}", "must be 3 decimal coordinates")
    b = raw.get("pi_b")
    if not (isinstance(b, list) and len(b) == 3 and all(
            isinstance(r, list) and len(r) == 2 and all(map(_decimal, r)) for r in b)):
        raise ValidationError("proof.pi_b", "must be 3 pairs of decimal coordinates")
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
