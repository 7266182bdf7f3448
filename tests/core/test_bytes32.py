"""The bytes32 <-> ASCII codec: ethers' encoding, its edges and its refusals."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecoai_chain.core.bytes32 import decode_bytes32, encode_bytes32, to_bytes32
from ecoai_chain.errors import ValidationError

ASCII_CODE = st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=32)


def test_matches_ethers_encode_bytes32_string():
    # ethers.encodeBytes32String("KR") == 0x4b52 + 60 zeros
    assert encode_bytes32("KR") == bytes.fromhex("4b52" + "00" * 30)
    assert encode_bytes32("llm-inference").hex() == b"llm-inference".hex() + "00" * 19


def test_empty_is_32_zero_bytes_and_back():
    assert encode_bytes32("") == b"\0" * 32
    assert decode_bytes32(b"\0" * 32) == ""


def test_exactly_32_characters_fill_the_word():
    text = "x" * 32
    assert encode_bytes32(text) == text.encode()
    assert decode_bytes32(text.encode()) == text


def test_33_characters_are_refused_naming_the_field():
    msg = "region: must be at most 32 characters, got 33"
    with pytest.raises(ValidationError, match=msg) as e:
        encode_bytes32("x" * 33, "region")
    assert isinstance(e.value, ValueError) and e.value.field == "region"
    with pytest.raises(ValidationError, match="must fit 32 bytes, got 33"):
        to_bytes32(b"x" * 33, "region")


def test_non_ascii_is_refused_both_ways():
    with pytest.raises(ValidationError, match="workload_class: must be ASCII"):
        encode_bytes32("léger", "workload_class")
    raw = "é".encode().ljust(32, b"\0")
    with pytest.raises(ValidationError, match="region: not ASCII: 0xc3a9"):
        decode_bytes32(raw, "region")
    assert decode_bytes32(raw, errors="replace") == "\ufffd\ufffd"


def test_nul_inside_text_is_refused():
    with pytest.raises(ValidationError, match="NUL"):
        encode_bytes32("K\0R")


def test_decode_wants_a_full_word():
    with pytest.raises(ValidationError, match="exactly 32 bytes, got 2"):
        decode_bytes32(b"KR")
    with pytest.raises(ValidationError, match="bad hex"):
        decode_bytes32("0xzz")


def test_to_bytes32_accepts_hex_bytes_and_text():
    assert to_bytes32("0x" + "ab" * 32) == b"\xab" * 32
    assert to_bytes32(b"KR") == encode_bytes32("KR")
    assert to_bytes32("KR") == encode_bytes32("KR")
    with pytest.raises(ValidationError, match="bad hex"):
        to_bytes32("0x" + "zz" * 32)
    with pytest.raises(ValidationError, match="must be str or bytes, got int"):
        to_bytes32(7)


@given(ASCII_CODE)
@example("")
@example("x" * 32)
def test_round_trip(text):
    word = encode_bytes32(text)
    assert len(word) == 32
    assert decode_bytes32(word) == text
    assert decode_bytes32("0x" + word.hex()) == text
