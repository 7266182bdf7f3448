"""Groth16 trusted setup for circuits/green_proof_main.circom (``ecoai zk setup``).

Steps: compile (circom2 --O2) -> phase 1 (a public ceremony file checked against known blake2b
hashes, or a development powers-of-tau made here once, DEV ONLY) -> phase 2 (groth16 setup, >= 1
contribution with os.urandom entropy fed on stdin and never logged, a beacon) -> zkey verify ->
export verification key and Solidity verifier -> manifest of hashes.

What is committed (circuits/setup/): the final zkey, the wasm witness generator, the verification
key and the manifest; contracts/generated/Groth16Verifier.sol. Not committed: the prepared phase-1
file (~40 MB at 2^15, only needed to re-run phase 2) and the r1cs (~14 MB, reproducible by
compiling; its sha256 is in the manifest). So `make test` / `make demo` never run phase 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ecoai_chain.core.paths import SubPath
from ecoai_chain.core.signals import word_table
from ecoai_chain.errors import ConfigError, ToolchainError
from ecoai_chain.toolchain import project_root
from ecoai_chain.zk.tools import circom_compile, snarkjs

CIRCUIT_NAME = "green_proof"
MAIN_NAME = "green_proof_main"


def n_public() -> int:
    """The circuit's public inputs: the packed words of core/public_signals.json (3 in v2)."""
    return len(word_table())


# Polygon Hermez "powersOfTau28_hez_final_NN.ptau" (54 contributions + beacon, already prepared
# for phase 2): blake2b-512 of the whole file, as published in the snarkjs README.
KNOWN_PTAU_BLAKE2B = {
    12: "ded2694169b7b08e898f736d5de95af87c3f1a64594013351b1a796dbee393bd825f88f9468c84505ddd11eb0b1465ac9b43b9064aa8ec97f2b73e04758b8a4a",  # noqa: E501
    13: "58efc8bf2834d04768a3d7ffcd8e1e23d461561729beaac4e3e7a47829a1c9066d5320241e124a1a8e8aa6c75be0ba66f65bc8239a0542ed38e11276f6fdb4d9",  # noqa: E501
    14: "eeefbcf7c3803b523c94112023c7ff89558f9b8e0cf5d6cdcba3ade60f168af4a181c9c21774b94fbae6c90411995f7d854d02ebd93fb66043dbb06f17a831c1",  # noqa: E501
    15: "982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e",  # noqa: E501
    16: "6a6277a2f74e1073601b4f9fed6e1e55226917efb0f0db8a07d98ab01df1ccf43eb0e8c3159432acd4960e2f29fe84a4198501fa54c8dad9e43297453efec125",  # noqa: E501
    17: "6247a3433948b35fbfae414fa5a9355bfb45f56efa7ab4929e669264a0258976741dfbe3288bfb49828e5df02c2e633df38d2245e30162ae7e3bcca5b8b49345",  # noqa: E501
    18: "7e6a9c2e5f05179ddfc923f38f917c9e6831d16922a902b0b4758b8e79c2ab8a81bb5f29952e16ee6c5067ed044d7857b5de120a90704c1d3b637fd94b95b13e",  # noqa: E501
    19: "bca9d8b04242f175189872c42ceaa21e2951e0f0f272a0cc54fc37193ff6648600eaf1c555c70cdedfaf9fb74927de7aa1d33dc1e2a7f1a50619484989da0887",  # noqa: E501
    20: "89a66eb5590a1c94e3f1ee0e72acf49b1669e050bb5f93c73b066b564dca4e0c7556a52b323178269d64af325d8fdddb33da3a27c34409b821de82aa2bf1a27b",  # noqa: E501
}


@dataclass(frozen=True)
class SetupPaths:
    root: Path

    main = SubPath("root", "circuits", f"{MAIN_NAME}.circom")
    build = SubPath("root", "circuits", "build")
    r1cs = SubPath("build", f"{MAIN_NAME}.r1cs")
    built_wasm = SubPath("build", f"{MAIN_NAME}_js", f"{MAIN_NAME}.wasm")
    setup = SubPath("root", "circuits", "setup")
    zkey = SubPath("setup", f"{CIRCUIT_NAME}.zkey")
    wasm = SubPath("setup", f"{CIRCUIT_NAME}.wasm")
    vkey = SubPath("setup", "verification_key.json")
    manifest = SubPath("setup", "manifest.json")
    verifier = SubPath("root", "contracts", "generated", "Groth16Verifier.sol")

    def dev_ptau(self, power: int) -> Path:
        return self.build / "ptau" / f"pot{power}_final.ptau"


def sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def blake2b_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "blake2b").hexdigest()


def _entropy() -> str:
    """Fresh secret entropy for a contribution; goes to snarkjs on stdin, never logged."""
    return os.urandom(64).hex() + "\n"


def compile_circuit(paths: SetupPaths) -> int:
    """Compile the circuit; return its constraint count (from `snarkjs r1cs info`)."""
    circom_compile(paths.main, paths.build)
    return constraint_count(paths.r1cs)


def constraint_count(r1cs: Path) -> int:
    out = snarkjs("r1cs", "info", str(r1cs), what="snarkjs r1cs info")
    m = re.search(r"# of Constraints:\s*(\d+)", out)
    if not m:
        raise ToolchainError(f"cannot read the constraint count from `snarkjs r1cs info`:\n{out}")
    return int(m.group(1))


def required_power(constraints: int) -> int:
    """Smallest power of tau whose domain holds the constraints plus the public-input rows."""
    need = constraints + n_public() + 1
    return max(8, (need - 1).bit_length())


def check_ceremony_ptau(path: Path, power: int) -> dict:
    """Accept a public ceremony file only if its blake2b matches a known Hermez file."""
    if not path.is_file():
        raise ConfigError(f"--ptau: {path} does not exist")
    digest = blake2b_file(path)
    for p, known in KNOWN_PTAU_BLAKE2B.items():
        if digest == known:
            if p < power:
                raise ConfigError(f"--ptau: {path.name} is 2^{p}, the circuit needs 2^{power}")
            return {"source": "hermez", "power": p, "dev_only": False, "blake2b": digest}
    raise ConfigError(
        f"--ptau: blake2b of {path} matches no known Hermez powersOfTau28_hez_final_NN.ptau "
        "(see KNOWN_PTAU_BLAKE2B); refusing an unverified phase-1 file"
    )


def make_dev_ptau(paths: SetupPaths, power: int, log: Callable[[str], None]) -> Path:
    """DEV ONLY: one party (this machine) knew tau. Made once, kept in circuits/build/ptau/."""
    final = paths.dev_ptau(power)
    if final.is_file():
        log(f"phase 1: reusing {final.relative_to(paths.root)}")
        return final
    d = final.parent
    d.mkdir(parents=True, exist_ok=True)
    p0, p1, pb = (d / f"pot{power}_{s}.ptau" for s in ("0000", "0001", "beacon"))
    log(f"phase 1 [1/4]: powersoftau new bn128 {power}")
    snarkjs("powersoftau", "new", "bn128", str(power), str(p0), "-v", stream=True)
    log("phase 1 [2/4]: contribute (entropy from os.urandom)")
    snarkjs(
        "powersoftau",
        "contribute",
        str(p0),
        str(p1),
        "--name=ecoai dev phase-1",
        "-v",
        stdin=_entropy(),
        stream=True,
    )
    log("phase 1 [3/4]: beacon")
    snarkjs(
        "powersoftau",
        "beacon",
        str(p1),
        str(pb),
        os.urandom(32).hex(),
        "10",
        "-n=ecoai dev phase-1 beacon",
        "-v",
        stream=True,
    )
    log(f"phase 1 [4/4]: prepare phase2 (slow: 10-25 min at 2^{power} on 2 cores)")
    tmp = final.with_suffix(".tmp")
    snarkjs("powersoftau", "prepare", "phase2", str(pb), str(tmp), "-v", stream=True)
    tmp.rename(final)
    for f in (p0, p1):
        f.unlink(missing_ok=True)
    return final


def _verifier_with_header(raw: str, zkey_sha: str) -> str:
    header = (
        "// GENERATED FILE - DO NOT EDIT. Made by `ecoai zk setup` (snarkjs zkey export\n"
        f"// solidityverifier) for circuits/{MAIN_NAME}.circom, GreenProof(64).\n"
        f"// zkey sha256: {zkey_sha}\n"
        "// Public signals: ecoai_chain/core/public_signals.json. Regenerate: `ecoai zk setup`.\n"
    )
    return header + raw


def export_verifier_source(zkey: Path, tmp_dir: Path) -> str:
    """The Solidity verifier snarkjs makes for ``zkey``, with our generated-file header."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    out = tmp_dir / "Groth16Verifier.raw.sol"
    snarkjs("zkey", "export", "solidityverifier", str(zkey), str(out))
    return _verifier_with_header(out.read_text(), sha256_file(zkey))


def export_vkey(zkey: Path, out: Path) -> None:
    snarkjs("zkey", "export", "verificationkey", str(zkey), str(out))


def run_setup(
    ptau: Path | None = None,
    contributions: int = 1,
    log: Callable[[str], None] = print,
) -> dict:
    """The whole setup; returns the manifest written to circuits/setup/manifest.json."""
    if contributions < 1:
        raise ConfigError("--contributions: need at least one phase-2 contribution")
    paths = SetupPaths(project_root())
    t0 = time.monotonic()
    if ptau is not None:  # refuse an unknown ceremony file before any slow work
        check_ceremony_ptau(ptau, 0)
    log(f"compile: {paths.main.relative_to(paths.root)} (circom2 --O2)")
    constraints = compile_circuit(paths)
    power = required_power(constraints)
    log(f"compile: {constraints} constraints -> powers of tau 2^{power}")

    if ptau is not None:
        ptau_info = check_ceremony_ptau(ptau, power)
        ptau_path = ptau
        log(f"phase 1: ceremony file {ptau.name} (Hermez 2^{ptau_info['power']}), blake2b ok")
    else:
        ptau_path = make_dev_ptau(paths, power, log)
        ptau_info = {
            "source": "dev",
            "power": power,
            "dev_only": True,
            "blake2b": blake2b_file(ptau_path),
            "note": "generated locally by one party: DEVELOPMENT ONLY, not for production",
        }
    ptau_info["file"] = ptau_path.name
    ptau_info["sha256"] = sha256_file(ptau_path)

    work = paths.build / "phase2"
    work.mkdir(parents=True, exist_ok=True)
    z = [work / f"{CIRCUIT_NAME}_{i:04d}.zkey" for i in range(contributions + 1)]
    log("phase 2: groth16 setup")
    snarkjs("groth16", "setup", str(paths.r1cs), str(ptau_path), str(z[0]), stream=True)
    names = []
    for i in range(1, contributions + 1):
        name = f"ecoai phase-2 contribution {i}"
        log(f"phase 2: contribution {i}/{contributions} (entropy from os.urandom)")
        snarkjs("zkey", "contribute", str(z[i - 1]), str(z[i]), f"--name={name}", stdin=_entropy())
        names.append(name)
    beacon = os.urandom(32).hex()
    final = work / f"{CIRCUIT_NAME}_final.zkey"
    log("phase 2: beacon")
    snarkjs("zkey", "beacon", str(z[-1]), str(final), beacon, "10", "-n=ecoai phase-2 beacon")
    log("phase 2: zkey verify (r1cs + ptau + every contribution)")
    out = snarkjs("zkey", "verify", str(paths.r1cs), str(ptau_path), str(final))
    if "ZKey Ok!" not in out:
        raise ToolchainError(f"snarkjs zkey verify did not confirm the zkey:\n{out[-2000:]}")

    paths.setup.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(final, paths.zkey)
    shutil.copyfile(paths.built_wasm, paths.wasm)
    export_vkey(paths.zkey, paths.vkey)
    paths.verifier.parent.mkdir(parents=True, exist_ok=True)
    paths.verifier.write_text(export_verifier_source(paths.zkey, work))
    for f in z:
        f.unlink(missing_ok=True)

    manifest = {
        "_comment": "Written by `ecoai zk setup`; hashes of the committed setup artifacts.",
        "circuit": f"circuits/{MAIN_NAME}.circom",
        "template": "GreenProof(64)",
        "n_slots": 64,
        "constraints": constraints,
        "circuit_version": 2,
        "public_signals": n_public(),
        "public_words": [w.name for w in word_table()],
        "power": power,
        "ptau": ptau_info,
        "phase2": {"contributions": names, "beacon_hash": beacon, "beacon_iterations_exp": 10},
        "sha256": {
            "r1cs": sha256_file(paths.r1cs),
            "wasm": sha256_file(paths.wasm),
            "zkey": sha256_file(paths.zkey),
            "vkey": sha256_file(paths.vkey),
            "verifier": sha256_file(paths.verifier),
            "ptau": ptau_info["sha256"],
        },
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    paths.manifest.write_text(json.dumps(manifest, indent=2) + "\n")
    log(
        f"setup done in {time.monotonic() - t0:.0f} s; "
        f"manifest {paths.manifest.relative_to(paths.root)}"
    )
    return manifest
