"""Deployer / admin keys for the chain CLI: an encrypted V3 keystore file, or anvil's dev keys.

Dev keys are public (anvil's mnemonic) and refused on any chain but a local one (31337, 1337).
Keystore files readable by group or others, or in a directory they can write, are refused
(one loader, `keystore_account`, also used by the attestor). Keys are never printed or logged.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ecoai_chain.chain.devnet import dev_private_key
from ecoai_chain.errors import ConfigError, KeystoreError

LOCAL_CHAIN_IDS = frozenset({31337, 1337})
PASSWORD_ENV = "ECOAI_KEYSTORE_PASSWORD"


def dev_account(index: int, chain_id: int) -> LocalAccount:
    """Anvil's development account ``index``, only on a local chain."""
    if chain_id not in LOCAL_CHAIN_IDS:
        raise ConfigError(
            f"--dev-account uses a publicly known key and is only allowed on a local chain "
            f"(chain id 31337 or 1337); this RPC reports chain id {chain_id}: use --key-file"
        )
    if index < 0:
        raise ConfigError(f"--dev-account must be >= 0, got {index}")
    return Account.from_key(dev_private_key(index))


def read_password(password_file: Path | None = None, prompt: bool = True,
                  confirm: bool = False) -> str:
    """A keystore password: from ``password_file``, else ``ECOAI_KEYSTORE_PASSWORD``, else a
    hidden prompt (``prompt=False`` makes that an error). Never logged; empty is refused."""
    if password_file is not None:
        try:
            password = Path(password_file).read_text().rstrip("\n")
        except OSError as e:
            raise KeystoreError(f"password file {password_file}: {e.strerror}") from e
    elif os.environ.get(PASSWORD_ENV):
        password = os.environ[PASSWORD_ENV]
    elif prompt:
        import typer

        password = typer.prompt("Keystore password", hide_input=True,
                                confirmation_prompt=confirm)
    else:
        raise KeystoreError(f"no keystore password: use --password-file or set {PASSWORD_ENV}")
    if not password:
        raise KeystoreError("keystore password is empty")
    return password


def check_key_permissions(path: Path, private: bool = True) -> None:
    """Refuse a key file, or its directory, that others could read or swap.

    A file must have no group/other bits (0600). Its directory must not be writable by
    group/other (they could replace the file); with ``private`` (a dedicated keystore
    directory, as the attestor's) it must have no group/other bits at all (0700)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    mask = 0o077 if private or not path.is_dir() else 0o022
    if mode & mask:
        want = "0700" if path.is_dir() else "0600"
        how = ("read it" if not path.is_dir() else "access it" if private
               else "write it (and swap the key file)")
        raise KeystoreError(
            f"{path} has mode {mode:04o}: group/other may {how}; refusing to use it "
            f"(run: chmod {want} {path})")


def keystore_account(path: Path, password: str, private_dir: bool = False) -> LocalAccount:
    """Decrypt a V3 keystore JSON file: the one keystore loader (the chain CLI, ``ecoai up``
    and the attestor use it). The file must be owner-only and its directory safe, see
    `check_key_permissions` (``private_dir``: the directory must be owner-only too)."""
    path = Path(path)
    if not path.is_file():
        raise KeystoreError(f"keystore {path} does not exist")
    check_key_permissions(path.parent, private=private_dir)
    check_key_permissions(path)
    try:
        encrypted = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise KeystoreError(f"{path} is not a readable keystore: {e}") from e
    try:
        return Account.from_key(Account.decrypt(encrypted, password))
    except ValueError as e:
        raise KeystoreError(f"{path}: wrong keystore password (or corrupted keystore)") from e
