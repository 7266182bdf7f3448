"""EIP-712 typed data for GreenProof: the signed `Certificate` and `RotateAttestor`.

Domain: {name: "GreenProof", version: "1", chainId, verifyingContract: GreenProof}. The
``Certificate`` type is the `ecoai_chain.core.certificate.Certificate` model, whose members and
order come from ``core/public_signals.json``; tests/chain/test_certificate_model.py rebuilds
GreenProof's ``CERTIFICATE_TYPEHASH`` and ``IGreenProof.Certificate`` from that table. The
contract recomputes the digest and recovers the attestor, so a signature is bound to one chain
and one contract.

A certificate may be a `Certificate` or a dict using the contract's field names (``nodeId``,
``energyMj``...) or the Python names (``node_id``, ``total_energy_mj``...), with
``workloadClass`` / ``workload_class`` as bytes32, ``0x``-hex, or an ASCII code such as
``"llm-inference"`` (encoded by `ecoai_chain.core.bytes32`).
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_keys.exceptions import BadSignature
from eth_keys.exceptions import ValidationError as KeysValidationError
from eth_utils import to_checksum_address

from ecoai_chain.core.certificate import Certificate, eip712_fields
from ecoai_chain.core.units import require_uint
from ecoai_chain.errors import ValidationError

DOMAIN_NAME = "GreenProof"
DOMAIN_VERSION = "1"

# secp256k1's group order: OpenZeppelin's ECDSA (GreenProof) refuses s > n / 2 (EIP-2), and
# the ecrecover precompile takes v as 27 or 28 only; eth_account recovers from either form.
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

CERTIFICATE_FIELDS: tuple[tuple[str, str], ...] = eip712_fields()
ROTATE_FIELDS: tuple[tuple[str, str], ...] = (
    ("nodeId", "uint256"),
    ("newAttestor", "address"),
    ("nonce", "uint256"),
)
_EIP712_DOMAIN = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


def certificate_struct(cert: Any) -> dict[str, Any]:
    """Normalise a certificate (dict in either naming, or a `Certificate`) to the contract's
    field names (ints and a bytes32)."""
    return Certificate.from_mapping(cert).struct()


def _domain(chain_id: int, verifying_contract: str) -> dict[str, Any]:
    return {
        "name": DOMAIN_NAME,
        "version": DOMAIN_VERSION,
        "chainId": require_uint("chain_id", chain_id),
        "verifyingContract": to_checksum_address(verifying_contract),
    }


def _typed_data(primary: str, fields: Any, chain_id: int, verifying_contract: str,
                message: dict) -> dict:
    """A full EIP-712 message of type ``primary`` (its ``fields``: (name, type) pairs) under
    GreenProof's domain at ``verifying_contract``."""
    return {
        "types": {
            "EIP712Domain": _EIP712_DOMAIN,
            primary: [{"name": n, "type": t} for n, t in fields],
        },
        "primaryType": primary,
        "domain": _domain(chain_id, verifying_contract),
        "message": message,
    }


def certificate_typed_data(chain_id: int, verifying_contract: str, cert: Any) -> dict:
    """The full EIP-712 message (domain, types, primaryType, message) for ``cert``."""
    return _typed_data("Certificate", CERTIFICATE_FIELDS, chain_id, verifying_contract,
                       certificate_struct(cert))


def rotate_attestor_typed_data(
    chain_id: int, verifying_contract: str, node_id: int, new_attestor: str, nonce: int
) -> dict:
    """EIP-712 message the CURRENT attestor signs to authorise ``rotateAttestor``."""
    return _typed_data("RotateAttestor", ROTATE_FIELDS, chain_id, verifying_contract, {
        "nodeId": require_uint("node_id", node_id, 64),
        "newAttestor": to_checksum_address(new_attestor),
        "nonce": require_uint("nonce", nonce, 64),
    })


def _account(private_key_or_account: Any):
    if hasattr(private_key_or_account, "sign_message"):
        return private_key_or_account
    return Account.from_key(private_key_or_account)


def sign_typed_data(private_key_or_account: Any, typed_data: dict) -> bytes:
    """65-byte r || s || v signature of a full typed-data message."""
    signed = _account(private_key_or_account).sign_message(
        encode_typed_data(full_message=typed_data)
    )
    return bytes(signed.signature)


def sign_certificate(
    private_key_or_account: Any, chain_id: int, verifying_contract: str, cert: dict[str, Any]
) -> bytes:
    """The attestor's 65-byte signature over ``cert`` for GreenProof at ``verifying_contract``."""
    return sign_typed_data(
        private_key_or_account, certificate_typed_data(chain_id, verifying_contract, cert)
    )


def recover_certificate_signer(
    chain_id: int, verifying_contract: str, cert: Any, signature: bytes
) -> str:
    """The checksummed address that signed ``cert`` under this domain. A signature that is not
    a recoverable 65-byte secp256k1 signature in the form GreenProof recovers (s <= n / 2, v
    27 or 28: the contract recovers no one from the other forms of the same signature) raises
    `ValidationError` ("signature")."""
    try:
        signature = bytes(signature)
    except TypeError as e:
        raise ValidationError("signature", f"must be bytes, got {type(signature).__name__}") from e
    if len(signature) == 65:
        if int.from_bytes(signature[32:64], "big") > SECP256K1_N // 2:
            raise ValidationError("signature", "s is above n / 2 (EIP-2): GreenProof refuses "
                                  "this form; sign again (every signer here writes low s)")
        if signature[64] not in (27, 28):
            raise ValidationError("signature", f"v must be 27 or 28, got {signature[64]}")
    message = encode_typed_data(
        full_message=certificate_typed_data(chain_id, verifying_contract, cert)
    )
    try:
        return Account.recover_message(message, signature=signature)
    except (ValueError, TypeError, IndexError, BadSignature, KeysValidationError) as e:
        raise ValidationError("signature", f"not a recoverable signature: {e}") from e


def certificate_digest(chain_id: int, verifying_contract: str, cert: dict[str, Any]) -> bytes:
    """The 32-byte EIP-712 digest the contract recovers the signer from."""
    from eth_utils import keccak

    m = encode_typed_data(full_message=certificate_typed_data(chain_id, verifying_contract, cert))
    return keccak(b"\x19" + m.version + m.header + m.body)
