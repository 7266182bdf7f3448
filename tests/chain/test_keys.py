"""One keystore loader (`chain.keys.keystore_account`) for the chain CLI, `ecoai up` and the
attestor: the same permission checks (file and directory) and the same messages."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from eth_account import Account

from attestor.keystore import create_keystore, load_key
from ecoai_chain.chain.keys import keystore_account
from ecoai_chain.errors import KeystoreError

ROOT = Path(__file__).resolve().parents[2]


def write_keystore(path: Path, password: str) -> str:
    acct = Account.create()
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_text(json.dumps(Account.encrypt(acct.key, password, kdf="scrypt",
                                               iterations=2**10)))
    path.chmod(0o600)
    return acct.address


def test_key_file_in_a_directory_others_can_write_is_refused(tmp_path):
    f = tmp_path / "keys" / "deployer.json"
    addr = write_keystore(f, "pw")
    assert keystore_account(f, "pw").address == addr
    os.chmod(f.parent, 0o755)  # readable by others is fine for a shared directory...
    assert keystore_account(f, "pw").address == addr
    os.chmod(f.parent, 0o777)  # ...writable is not: the file could be swapped
    with pytest.raises(KeystoreError, match=r"keys has mode 0777.*chmod 0700"):
        keystore_account(f, "pw")
    os.chmod(f.parent, 0o700)
    os.chmod(f, 0o640)
    with pytest.raises(KeystoreError, match=r"deployer.json has mode 0640.*chmod 0600"):
        keystore_account(f, "pw")


def test_attestor_and_chain_loaders_are_one(tmp_path):
    d = tmp_path / "ks"
    addr = create_keystore(d, "pw-123456", scrypt_n=2**10)
    assert keystore_account(d / "attestor.json", "pw-123456").address == addr
    assert load_key(d, "pw-123456").address == addr
    os.chmod(d, 0o750)  # the attestor's own keystore directory must be private
    with pytest.raises(KeystoreError, match="mode 0750") as a:
        load_key(d, "pw-123456")
    with pytest.raises(KeystoreError) as b:
        keystore_account(d / "attestor.json", "pw-123456", private_dir=True)
    assert str(a.value) == str(b.value)


def test_only_the_one_loader_decrypts_keystores():
    users = [p.relative_to(ROOT).as_posix()
             for pkg in ("ecoai_chain", "attestor") for p in (ROOT / pkg).rglob("*.py")
             if "Account.decrypt(" in p.read_text()]
    assert users == ["ecoai_chain/chain/keys.py"]
