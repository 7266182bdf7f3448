"""The committed setup artifacts (circuits/setup/) and their consistency check."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ecoai_chain.errors import ToolchainError
from ecoai_chain.toolchain import project_root
from ecoai_chain.zk.setup import (
    SetupPaths,
    compile_circuit,
    export_verifier_source,
    export_vkey,
    sha256_file,
)


@dataclass(frozen=True)
class ZkArtifacts:
    zkey: Path
    wasm: Path
    vkey: Path
    manifest_path: Path
    verifier: Path

    @property
    def manifest(self) -> dict:
        return json.loads(self.manifest_path.read_text())

    def vkey_json(self) -> dict:
        return json.loads(self.vkey.read_text())


@cache
def zk_artifacts(root: Path | None = None) -> ZkArtifacts:
    """Locate the committed zkey / wasm / vkey / manifest; raise if any is missing."""
    p = SetupPaths(root or project_root())
    a = ZkArtifacts(
        zkey=p.zkey, wasm=p.wasm, vkey=p.vkey, manifest_path=p.manifest, verifier=p.verifier
    )
    for f in (a.zkey, a.wasm, a.vkey, a.manifest_path):
        if not f.is_file():
            raise ToolchainError(f"{f} is missing: run `ecoai zk setup` (see circuits/README.md)")
    return a


def check_artifacts(recompile: bool = True) -> list[str]:
    """Compare every committed artifact with what the committed zkey (and circuit) give now.

    Checks: manifest hashes of zkey/wasm/vkey/verifier; vkey and verifier re-exported from the
    zkey equal the committed ones; with ``recompile``, the freshly compiled r1cs has the hash the
    zkey was made from (recorded in the manifest: `snarkjs zkey verify` would also need the
    ~40 MB prepared phase-1 file, which is not committed). Raises `ToolchainError` on mismatch.
    """
    paths = SetupPaths(project_root())
    a = zk_artifacts()
    m = a.manifest
    lines = []

    def same(what: str, got: str, want: str) -> None:
        if got != want:
            raise ToolchainError(f"{what}: {got} != {want}; re-run `ecoai zk setup`")
        lines.append(f"ok  {what}")

    same("zkey sha256 vs manifest", sha256_file(a.zkey), m["sha256"]["zkey"])
    same("wasm sha256 vs manifest", sha256_file(a.wasm), m["sha256"]["wasm"])
    same("vkey sha256 vs manifest", sha256_file(a.vkey), m["sha256"]["vkey"])
    same("verifier sha256 vs manifest", sha256_file(a.verifier), m["sha256"]["verifier"])
    with tempfile.TemporaryDirectory() as td:
        vk = Path(td) / "vkey.json"
        export_vkey(a.zkey, vk)
        if json.loads(vk.read_text()) != a.vkey_json():
            raise ToolchainError(
                "verification key re-exported from the zkey differs from the committed one"
            )
        lines.append("ok  vkey == export verificationkey(zkey)")
        if export_verifier_source(a.zkey, Path(td)) != a.verifier.read_text():
            raise ToolchainError(
                "Solidity verifier re-exported from the zkey differs from the committed one"
            )
        lines.append("ok  Groth16Verifier.sol == export solidityverifier(zkey)")
    if recompile:
        constraints = compile_circuit(paths)
        same("constraints vs manifest", str(constraints), str(m["constraints"]))
        same(
            "r1cs sha256 (fresh compile) vs manifest", sha256_file(paths.r1cs), m["sha256"]["r1cs"]
        )
        same(
            "wasm (fresh compile) vs committed", sha256_file(paths.built_wasm), m["sha256"]["wasm"]
        )
    return lines
