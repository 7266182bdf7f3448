"""Subprocess adapters for the circuit toolchain: snarkjs and circom2 (both npm, run by node).

Failures become `ToolchainError` with the tool's last output lines; nothing secret is ever put
on a command line (entropy goes through stdin).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ecoai_chain.errors import ToolchainError
from ecoai_chain.toolchain import node_binary, npm_package_file, project_root


def snarkjs_cli() -> Path:
    return npm_package_file("snarkjs", "build", "cli.cjs")


def snarkjs_cmd(*args: str) -> list[str]:
    return [node_binary(), "--max-old-space-size=4096", str(snarkjs_cli()), *args]


def _tail(text: str, n: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def run_tool(
    cmd: Sequence[str],
    *,
    what: str,
    stdin: str | None = None,
    stream: bool = False,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> str:
    """Run ``cmd``; return its stdout. ``stream`` echoes output lines live (for progress)."""
    try:
        if stream:
            proc = subprocess.Popen(
                list(cmd),
                cwd=cwd or project_root(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            assert proc.stdin is not None and proc.stdout is not None
            if stdin is not None:
                proc.stdin.write(stdin)
            proc.stdin.close()
            lines = []
            for line in proc.stdout:
                lines.append(line)
                # snarkjs -v logs every chunk; show every line but keep it on one terminal row
                sys.stderr.write(f"\r\033[K  {what}: {line.strip()[:110]}")
                sys.stderr.flush()
            rc = proc.wait(timeout=timeout)
            sys.stderr.write("\n")
            out = "".join(lines)
        else:
            res = subprocess.run(
                list(cmd),
                cwd=cwd or project_root(),
                input=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            rc, out = res.returncode, res.stdout + ("\n" + res.stderr if res.stderr else "")
    except FileNotFoundError as e:
        raise ToolchainError(f"{what}: cannot run {cmd[0]}: {e}") from e
    except subprocess.TimeoutExpired as e:
        raise ToolchainError(f"{what}: timed out after {timeout} s") from e
    if rc != 0:
        raise ToolchainError(f"{what} failed (exit {rc}):\n{_tail(out)}")
    return out


def snarkjs(*args: str, what: str | None = None, **kw) -> str:
    return run_tool(snarkjs_cmd(*args), what=what or f"snarkjs {' '.join(args[:2])}", **kw)


def circom_compile(main: Path, out_dir: Path) -> str:
    """Compile ``main`` (a path relative to the repository root) with --O2 into ``out_dir``.

    circom2 runs under WASI and cannot read ``../`` paths, so it runs from the repository root
    with relative paths and ``-l node_modules`` for circomlib includes.
    """
    root = project_root()
    circom = npm_package_file("circom2", "cli.js")
    out_dir.mkdir(parents=True, exist_ok=True)
    rel_main = main.resolve().relative_to(root)
    rel_out = out_dir.resolve().relative_to(root)
    return run_tool(
        [
            node_binary(),
            str(circom),
            str(rel_main),
            "--r1cs",
            "--sym",
            "--wasm",
            "--O2",
            "-l",
            "node_modules",
            "-l",
            ".",
            "-o",
            str(rel_out),
        ],
        what="circom2 compile",
        cwd=root,
    )
