"""Compiled contract artifacts written by `npx hardhat compile` (Hardhat 3 layout)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ecoai_chain.errors import ToolchainError
from ecoai_chain.toolchain import artifacts_dir


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list
    bytecode: str
    deployed_bytecode: str


def load_artifact(name: str, source: str | None = None, root: Path | None = None) -> Artifact:
    """Load ``artifacts/contracts/<source>/<name>.json``; ``source`` defaults to ``<name>.sol``."""
    base = root or artifacts_dir()
    path = base / "contracts" / (source or f"{name}.sol") / f"{name}.json"
    if not path.is_file():
        matches = list(base.glob(f"contracts/**/{name}.json"))
        if len(matches) != 1:
            raise ToolchainError(f"artifact {name} not found under {base}: run `make build`")
        path = matches[0]
    data = json.loads(path.read_text())
    return Artifact(name, data["abi"], data["bytecode"], data["deployedBytecode"])
