"""Child processes of `ecoai up`: started in their own process group, logged to files,
watched for unexpected exits, and stopped cleanly (SIGTERM, then SIGKILL) in reverse order.

An unexpected exit stops the network (`Supervisor.check` raises), except for a child started
with ``restart_limit`` > 0: one that others can do without for a while (the relayer: its
attestors fall back to submitting alone, and it resumes from its own queue). Such a child is
started again, with the same command, up to ``restart_limit`` times in all; after that its
exit is raised like any other."""

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
    env: dict[str, str] | None = None
    cwd: Path | None = None
    restart_limit: int = 0  # times it may be started again after an unexpected exit
    restarts: int = 0

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
              cwd: Path | None = None, restart_limit: int = 0) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        child = Child(name, argv, log_path, self._spawn(argv, log_path, env, cwd), env, cwd,
                      restart_limit)
        self.children.append(child)
        return child

    @staticmethod
    def _spawn(argv: list[str], log_path: Path, env: dict[str, str] | None,
               cwd: Path | None) -> subprocess.Popen:
        log = open(log_path, "ab", buffering=0)  # noqa: SIM115 - owned by the child's lifetime
        try:
            return subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True,
            )
        finally:
            log.close()

    def check(self) -> list[str]:
        """Start again each stopped child that may be restarted (within its limit); raise
        `ChildExited` (with the end of its log) if any other child has stopped. Returns one
        line per restart made, for the console."""
        restarted = []
        for c in self.children:
            code = c.proc.poll()
            if code is None:
                continue
            if c.restarts >= c.restart_limit:
                limit = f" (restarted {c.restarts} times already)" if c.restart_limit else ""
                raise ChildExited(f"{c.name} exited with code {code}{limit}; last log lines "
                                  f"({c.log_path}):\n{c.tail()}")
            c.restarts += 1
            c.proc = self._spawn(c.argv, c.log_path, c.env, c.cwd)
            restarted.append(f"{c.name} exited with code {code}; started again "
                             f"({c.restarts} of {c.restart_limit} restarts; log {c.log_path})")
        return restarted

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
