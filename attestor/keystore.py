"""The attestor key: an encrypted Ethereum V3 keystore (scrypt) with owner-only permissions.

Layout: ``<keystore_dir>/`` (mode 0700) holds ``attestor.json`` (mode 0600). A keystore
whose directory or file is readable by group or others is refused. The password comes from
``--password-file``, else ``ECOAI_KEYSTORE_PASSWORD``, else an interactive prompt.

The per-epoch slot seed is *derived* from the key (HKDF-SHA256, info
``ecoai/attestor/slot-seed/v1``) rather than stored in a second file: it survives restarts
with nothing extra to back up, and is as secret as the key. Consequence: after rotating the
attestor key, keep the old keystore to answer challenges (open-slot) on older epochs.
The key and seed are never logged; `AttestorKey.__repr__` hides them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecoai_chain.chain.keys import keystore_account, read_password
from ecoai_chain.errors import KeystoreError

KEYFILE = "attestor.json"
_SEED_INFO = b"ecoai/attestor/slot-seed/v1"


@dataclass(frozen=True)
class AttestorKey:
    address: str
    account: Any = field(repr=False)
    seed: bytes = field(repr=False)


def derive_seed(private_key: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"ecoai-attestor",
                info=_SEED_INFO).derive(private_key)


def resolve_password(password_file: Path | None = None, prompt: bool = True,
                     confirm: bool = False) -> str:
    """The attestor's keystore password (file > ``ECOAI_KEYSTORE_PASSWORD`` > prompt)."""
    return read_password(password_file, prompt=prompt, confirm=confirm)


def create_keystore(directory: Path, password: str, private_key: str | bytes | None = None,
                    scrypt_n: int | None = None, overwrite: bool = False) -> str:
    """Write a new encrypted keystore; returns the attestor address."""
    from eth_account import Account

    directory = Path(directory)
    path = directory / KEYFILE
    if path.exists() and not overwrite:
        raise KeystoreError(f"{path} already exists (refusing to overwrite a key)")
    acct = Account.from_key(private_key) if private_key else Account.create()
    enc = Account.encrypt(acct.key, password, kdf="scrypt", iterations=scrypt_n)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    tmp = directory / (KEYFILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(enc, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return acct.address


def load_key(directory: Path, password: str) -> AttestorKey:
    """The attestor key from ``<directory>/attestor.json`` through the library's one
    keystore loader (owner-only file *and* directory)."""
    path = Path(directory) / KEYFILE
    if not path.is_file():
        raise KeystoreError(f"no keystore at {path} (run `ecoai attestor init`)")
    acct = keystore_account(path, password, private_dir=True)
    return AttestorKey(address=acct.address, account=acct, seed=derive_seed(bytes(acct.key)))


def keystore_address(directory: Path) -> str:
    """The address recorded in the keystore (no password needed)."""
    try:
        enc = json.loads((Path(directory) / KEYFILE).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise KeystoreError(f"cannot read keystore in {directory}: {e}") from e
    return "0x" + str(enc.get("address", "")).removeprefix("0x")
