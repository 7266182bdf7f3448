"""The relayer of `ecoai up`: its key, its process (`ecoai relay serve`), and its status.

The demo's attestors post their signed certificates and proofs to it (their ``relay_urls``,
given through the environment of `ecoai attestor run`: ``ECOAI_RELAY_URLS``) and it lands
them in ``submitCertificates`` batches, paying the gas from its own account: a keystore
created here, in ``<data dir>/relay/``, funded like the attestors. If it dies, `ecoai up`
starts it again (it resumes from its SQLite queue) and, meanwhile, an attestor whose epoch
is not certified within ``RELAY_TIMEOUT_S`` of posting submits it alone
(attestor/relaying.py).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecoai_chain.errors import ChainError, ConfigError

# The demo's epochs are 30 s (6 windows of 5 s) and all nodes' epochs end together: a batch
# goes out once every node's item waits, or once the oldest has waited RELAY_MAX_AGE_S.
RELAY_MAX_AGE_S = 5.0
RELAY_TICK_S = 1.0
# An attestor gives the relayer three demo epochs to get its epoch certified, then goes alone.
RELAY_TIMEOUT_S = 90.0
RELAY_REQUEST_TIMEOUT_S = 5.0
# A dead relayer is started again this many times before `ecoai up` gives up on the network.
RELAY_RESTART_LIMIT = 5


def create_relay_keystore(relay_dir: Path, password: str) -> Path:
    """A fresh key in an encrypted V3 keystore, owner-only, in ``relay_dir``/keystore; the
    existing one if there is one (a resumed network keeps its relayer account)."""
    from eth_account import Account

    keys = relay_dir / "keystore"
    keys.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(keys, 0o700)
    existing = sorted(keys.glob("*.json"))
    if len(existing) > 1:
        raise ConfigError(f"{keys} should hold one keystore, has {len(existing)}")
    if existing:
        return existing[0]
    acct = Account.create()
    path = keys / f"{acct.address}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(Account.encrypt(acct.key, password, kdf="scrypt"), f)
    return path


@dataclass
class RelayService:
    """Where the demo's relayer keeps its key and queue, and how to reach it."""

    relay_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    address: str = ""
    keystore: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def password_file(self) -> Path:
        from ecoai_chain.network.plan import node_password_file

        return node_password_file(self.relay_dir)

    def ensure_key(self) -> str:
        """The relayer's account address (its keystore created on the first run)."""
        from eth_utils import to_checksum_address

        self.keystore = create_relay_keystore(self.relay_dir, self.password_file.read_text())
        self.address = to_checksum_address("0x" + json.loads(self.keystore.read_text())["address"])
        return self.address

    def argv(self, ecoai: Any, rpc_url: str, manifest: Path, max_batch_size: int) -> list[str]:
        """`ecoai relay serve` for this relayer (the key never on the command line)."""
        if self.keystore is None:
            raise ConfigError("the relayer's key is not set up: call ensure_key first")
        return ecoai("relay", "serve", "--db", str(self.relay_dir / "relay.sqlite"),
                     "--host", self.host, "--port", str(self.port),
                     "--max-batch-size", str(max_batch_size),
                     "--max-age-s", f"{RELAY_MAX_AGE_S:g}", "--tick-s", f"{RELAY_TICK_S:g}",
                     "--manifest", str(manifest), "--rpc", rpc_url,
                     "--key-file", str(self.keystore),
                     "--password-file", str(self.password_file))

    def attestor_env(self) -> dict[str, str]:
        """What makes an attestor post to this relayer first (attestor settings)."""
        return {"ECOAI_RELAY_URLS": json.dumps([self.url]),
                "ECOAI_RELAY_TIMEOUT_S": f"{RELAY_TIMEOUT_S:g}",
                "ECOAI_RELAY_REQUEST_TIMEOUT_S": f"{RELAY_REQUEST_TIMEOUT_S:g}"}

    def status(self, http: Any = None) -> dict[str, Any] | None:
        """The relayer's ``/relay/v1/status`` (counts by state, batches), None if it does
        not answer right now."""
        import httpx

        try:
            r = (http or httpx).get(f"{self.url}/relay/v1/status", timeout=2.0)
        except httpx.HTTPError:
            return None
        return r.json() if r.status_code == 200 else None

    def wait_ready(self, alive: Any, timeout_s: float = 60.0) -> dict[str, Any]:
        """Wait until the relayer answers (so the attestors' first posts find it); ``alive()``
        raises if its process died meanwhile."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            alive()
            st = self.status()
            if st is not None:
                return st
            time.sleep(0.3)
        raise ChainError(f"the relayer did not answer on {self.url} within {timeout_s:g} s")


def relay_line(status: dict[str, Any] | None) -> str:
    """One line of the relayer's counts for the console ("down" when it does not answer)."""
    if status is None:
        return "relayer: not answering (attestors submit alone after their relay timeout)"
    items, batches = status["items"], status["batches"]
    return (f"relayer: {items['queued']} queued, {items['submitted']} sent, "
            f"{items['landed']} landed, {items['skipped']} skipped, {items['refused']} refused; "
            f"{batches['sent']} batches, {status['gas_used']:,} gas")
