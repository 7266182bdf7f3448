"""The one bytes32 <-> ASCII codec for on-chain codes (regions "KR", workload classes
"llm-inference"): ASCII, right-padded with zero bytes to 32, as ethers'
``encodeBytes32String`` / ``decodeBytes32String`` do.

Pure: no I/O. Bad values raise `ValidationError` (a `ValueError`) naming the field.
"""

from __future__ import annotations

from ecoai_chain.errors import ValidationError

SIZE = 32


def encode_bytes32(text: str, field: str = "value") -> bytes:
    """``"KR"`` -> ``b"KR" + 30 zero bytes``. ``""`` -> 32 zero bytes (as ethers).

    Refused: non-ASCII text, a NUL character (it would not survive the round trip) and more
    than 32 characters."""
    if not isinstance(text, str):
        raise ValidationError(field, f"must be a string, got {type(text).__name__}")
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as e:
        raise ValidationError(field, f"must be ASCII, got {text!r}") from e
    if b"\0" in raw:
        raise ValidationError(field, f"must not contain a NUL character, got {text!r}")
    if len(raw) > SIZE:
        raise ValidationError(field, f"must be at most {SIZE} characters, got {len(raw)}")
    return raw.ljust(SIZE, b"\0")


def to_bytes32(value: str | bytes | bytearray, field: str = "value") -> bytes:
    """Anything a caller may hand in for a bytes32 argument: an ASCII code (encoded), a
    ``0x`` + 64-hex string (decoded), or raw bytes of at most 32 (right-padded)."""
    if isinstance(value, str):
        if value.startswith("0x") and len(value) == 2 + 2 * SIZE:
            try:
                return bytes.fromhex(value[2:])
            except ValueError as e:
                raise ValidationError(field, f"bad hex: {value!r}") from e
        return encode_bytes32(value, field)
    if isinstance(value, bytes | bytearray):
        if len(value) > SIZE:
            raise ValidationError(field, f"must fit {SIZE} bytes, got {len(value)}")
        return bytes(value).ljust(SIZE, b"\0")
    raise ValidationError(field, f"must be str or bytes, got {type(value).__name__}")


def decode_bytes32(raw: bytes | bytearray | str, field: str = "value",
                   errors: str = "strict") -> str:
    """Inverse of `encode_bytes32`: trailing zero bytes stripped, ASCII decoded. ``raw`` may be
    ``0x``-hex. With ``errors="strict"`` non-ASCII bytes raise `ValidationError`; ``"replace"``
    gives U+FFFD for them (for display of what a stranger put on chain)."""
    if isinstance(raw, str):
        try:
            raw = bytes.fromhex(raw.removeprefix("0x"))
        except ValueError as e:
            raise ValidationError(field, f"bad hex: {raw!r}") from e
    if len(raw) != SIZE:
        raise ValidationError(field, f"must be exactly {SIZE} bytes, got {len(raw)}")
    try:
        return bytes(raw).rstrip(b"\0").decode("ascii", errors=errors)
    except UnicodeDecodeError as e:
        raise ValidationError(field, f"not ASCII: 0x{bytes(raw).hex()}") from e
