"""A real local chain: anvil started on a free loopback port, stopped cleanly."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ecoai_chain.errors import ChainError
from ecoai_chain.toolchain import anvil_binary

# anvil's well-known development mnemonic; its keys are public and for local chains only.
DEV_MNEMONIC = "test test test test test test test test test test test junk"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def dev_private_key(index: int = 0) -> str:
    """The private key of anvil's development account ``index`` (never use on a real chain)."""
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    acct = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return acct.key.hex()


@dataclass
class Anvil:
    """``with Anvil() as a: a.rpc_url`` -- a fresh chain that is gone when the block ends."""

    host: str = "127.0.0.1"
    port: int = 0
    chain_id: int = 31337
    block_time_s: float | None = None
    state_path: Path | None = None  # --state: load on start, dump on exit (resumable chain)
    extra_args: list[str] = field(default_factory=list)
    _proc: subprocess.Popen | None = None

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 15.0) -> Anvil:
        if not self.port:
            self.port = free_port(self.host)
        args = [anvil_binary(), "--host", self.host, "--port", str(self.port),
                "--chain-id", str(self.chain_id), "--silent"]
        if self.block_time_s:
            args += ["--block-time", str(self.block_time_s)]
        if self.state_path:
            args += ["--state", str(self.state_path)]
        args += self.extra_args
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise ChainError(f"anvil exited with code {self._proc.returncode}: {err.strip()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise ChainError(f"anvil did not listen on {self.rpc_url} within {timeout_s} s")

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()  # SIGTERM lets anvil dump --state
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def set_chain_time(w3, timestamp_s: int, *, at_least: bool = False) -> None:
    """Local dev chains only (anvil, Hardhat): mine the next block at ``timestamp_s``; later
    blocks follow on from there. Moves the clock forward only; ``at_least``: do nothing when
    the latest block is already at or past ``timestamp_s``."""
    if at_least and int(w3.eth.get_block("latest")["timestamp"]) >= timestamp_s:
        return
    for method, params in (("evm_setNextBlockTimestamp", [int(timestamp_s)]), ("evm_mine", [])):
        reply = w3.provider.make_request(method, params)
        if reply.get("error"):
            raise ChainError(f"{method}({params}) failed: {reply['error'].get('message')}")
