"""Child processes of `ecoai up`: started in their own process group, logged to files,
watched for unexpected exits, and stopped cleanly (SIGTERM, then SIGKILL) in reverse order."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ecoai_chain.errors import ChildExited


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    proc: subprocess.Popen

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Supervisor:
    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None,
              cwd: Path | None = None) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        log = open(log_path, "ab", buffering=0)  # noqa: SIM115 - owned by the child's lifetime
        proc = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True,
        )
        log.close()
        child = Child(name, argv, log_path, proc)
        self.children.append(child)
        return child

    def check(self) -> None:
        """Raise `ChildExited` (with the end of its log) if any child has stopped."""
        for c in self.children:
            code = c.proc.poll()
            if code is not None:
                raise ChildExited(f"{c.name} exited with code {code}; last log lines "
                                  f"({c.log_path}):\n{c.tail()}")

    def stop_all(self, timeout_s: float = 15.0) -> None:
        for c in reversed(self.children):
            if c.proc.poll() is None:
                try:
                    os.killpg(c.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + timeout_s
        for c in reversed(self.children):
            remaining = max(0.1, deadline - time.monotonic())
            try:
                c.proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(c.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                c.proc.wait()
        self.children.clear()
