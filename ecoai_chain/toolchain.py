"""Where the external tools live: the project-local Node (>= 22.13), npm packages, anvil.

`scripts/setup.sh` installs them inside the checkout; environment variables override:
``ECOAI_NODE`` (node binary), ``ECOAI_NODE_MODULES`` (node_modules dir), ``ECOAI_ANVIL``.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from ecoai_chain.errors import ToolchainError


@cache
def project_root() -> Path:
    """The checkout that holds package.json (this package lives inside it in development)."""
    env = os.environ.get("ECOAI_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent
    for p in (here, *here.parents):
        if (p / "package.json").is_file() and (p / "pyproject.toml").is_file():
            return p
    return Path.cwd()


def node_modules() -> Path:
    return Path(os.environ.get("ECOAI_NODE_MODULES") or project_root() / "node_modules")


def node_binary() -> str:
    """Node >= 22.13: the project-local one from setup, else ``node`` on PATH."""
    env = os.environ.get("ECOAI_NODE")
    if env:
        return env
    local = project_root() / ".tools" / "bin" / "node"
    if local.exists():
        return str(local)
    found = shutil.which("node")
    if not found:
        raise ToolchainError("node not found: run `make setup` (scripts/setup.sh)")
    return found


def npm_package_file(*parts: str) -> Path:
    """A file inside an installed npm package, e.g. ``npm_package_file("snarkjs", "cli.js")``."""
    p = node_modules().joinpath(*parts)
    if not p.exists():
        raise ToolchainError(f"{p} is missing: run `make setup` to install the npm packages")
    return p


def anvil_binary() -> str:
    env = os.environ.get("ECOAI_ANVIL")
    if env:
        return env
    p = node_modules() / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
    if p.exists():
        return str(p)
    found = shutil.which("anvil")
    if found:
        return found
    raise ToolchainError("anvil not found: run `make setup` (npm package @foundry-rs/anvil)")


def artifacts_dir() -> Path:
    return Path(os.environ.get("ECOAI_ARTIFACTS") or project_root() / "artifacts")
