"""EIP-191 ``personal_sign`` over a 32-byte hash: how off-chain records are signed by the
attestor key, so anyone can check them with an Ethereum library."""

from __future__ import annotations

from typing import Any


def sign_hash(hash_hex: str, signer: Any) -> str:
    """EIP-191 signature (hex, 65 bytes) over the 32 hash bytes; ``signer`` is a LocalAccount."""
    from eth_account.messages import encode_defunct

    return signer.sign_message(encode_defunct(primitive=bytes.fromhex(hash_hex))).signature.hex()


def recover_signer(hash_hex: str, signature_hex: str) -> str:
    from eth_account import Account
    from eth_account.messages import encode_defunct

    return Account.recover_message(encode_defunct(primitive=bytes.fromhex(hash_hex)),
                                   signature=bytes.fromhex(signature_hex.removeprefix("0x")))
