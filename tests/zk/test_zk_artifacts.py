"""The committed setup artifacts agree with each other and with a fresh compile of the circuit.

`snarkjs zkey verify` would also need the prepared phase-1 file, which is not committed (~40 MB);
instead the fresh r1cs must hash to the r1cs the zkey was made from (recorded in the manifest by
`ecoai zk setup`, which ran `zkey verify` against that r1cs and the phase-1 file)."""

from __future__ import annotations

import json

import pytest

from ecoai_chain.core.signals import word_table
from ecoai_chain.zk.artifacts import check_artifacts, zk_artifacts
from ecoai_chain.zk.setup import KNOWN_PTAU_BLAKE2B, n_public, required_power, sha256_file

pytestmark = pytest.mark.slow


def test_committed_artifacts_match_zkey_and_fresh_compile(compiled_circuit):
    paths, constraints = compiled_circuit
    m = zk_artifacts().manifest
    assert m["constraints"] == constraints
    assert sha256_file(paths.r1cs) == m["sha256"]["r1cs"]
    lines = check_artifacts(recompile=False)  # the fixture just compiled
    assert len(lines) == 6 and all(line.startswith("ok") for line in lines)


def test_manifest_records_the_setup():
    m = zk_artifacts().manifest
    assert m["power"] == required_power(m["constraints"]) == 15
    assert m["ptau"]["source"] in ("dev", "hermez")
    assert m["ptau"]["dev_only"] == (m["ptau"]["source"] == "dev")
    assert len(m["phase2"]["contributions"]) >= 1 and len(m["phase2"]["beacon_hash"]) == 64
    assert set(m["sha256"]) == {"r1cs", "wasm", "zkey", "vkey", "verifier", "ptau"}
    assert m["circuit_version"] == 2
    assert m["public_signals"] == n_public()
    assert m["public_words"] == [w.name for w in word_table()]


def test_verifier_header_names_circuit_and_zkey():
    a = zk_artifacts()
    head = a.verifier.read_text().splitlines()[:4]
    assert "GENERATED FILE - DO NOT EDIT" in head[0]
    assert "green_proof_main.circom" in head[1]
    assert a.manifest["sha256"]["zkey"] in head[2]
    assert "contract Groth16Verifier" in a.verifier.read_text()
    vk = json.loads(a.vkey.read_text())
    assert vk["nPublic"] == n_public() == 3  # circuit v2: the three packed words
    assert "uint[3] calldata _pubSignals" in a.verifier.read_text()


def test_public_ceremony_table_is_well_formed():
    assert set(KNOWN_PTAU_BLAKE2B) >= {15, 16}
    assert all(len(h) == 128 and int(h, 16) >= 0 for h in KNOWN_PTAU_BLAKE2B.values())


def test_unknown_ptau_file_is_refused(tmp_path):
    from ecoai_chain.errors import ConfigError
    from ecoai_chain.zk.setup import check_ceremony_ptau

    f = tmp_path / "powersOfTau28_hez_final_15.ptau"
    f.write_bytes(b"not a ceremony file")
    with pytest.raises(ConfigError, match="matches no known"):
        check_ceremony_ptau(f, 15)
    with pytest.raises(ConfigError, match="does not exist"):
        check_ceremony_ptau(tmp_path / "missing.ptau", 15)


def test_setup_refuses_unknown_ptau_before_compiling(tmp_path, monkeypatch):
    import ecoai_chain.zk.setup as setup_mod
    from ecoai_chain.errors import ConfigError

    def no_compile(paths):
        raise AssertionError("compiled before checking --ptau")

    monkeypatch.setattr(setup_mod, "compile_circuit", no_compile)
    f = tmp_path / "fake.ptau"
    f.write_bytes(b"x" * 100)
    with pytest.raises(ConfigError, match="--ptau"):
        setup_mod.run_setup(ptau=f, log=lambda s: None)
    with pytest.raises(ConfigError, match="contributions"):
        setup_mod.run_setup(contributions=0, log=lambda s: None)


def test_cli_check_without_recompile(capsys):
    from ecoai_chain.cli import main

    assert main(["zk", "check", "--no-recompile"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok  ") == 6
