"""Generated files are what their generators write now (no hand edits, no stale copies)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "script",
    ["scripts/gen_public_signals_sol.py", "scripts/gen_scoring_vectors.py",
     "scripts/gen_challenge_vectors.py", "scripts/gen_batch_verifier.py",
     "scripts/gen_packing_vectors.py"],
)
def test_generated_file_is_current(script):
    done = subprocess.run(
        [sys.executable, str(ROOT / script), "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_public_signals_sol_follows_the_json_layout():
    """Circuit v2: PublicSignals.sol, the circuit's PublicWords and its main component's public
    list all follow the table's words, offsets and widths."""
    import re

    from ecoai_chain.core.signals import signal_table, word_table

    text = (ROOT / "contracts" / "generated" / "PublicSignals.sol").read_text()
    circom = (ROOT / "circuits" / "public_signals.circom").read_text()
    words = word_table()
    assert f"uint256 constant PUBLIC_SIGNALS = {len(words)};" in text
    for w in words:
        assert f"uint256 internal constant {w.name.upper()} = {w.index};" in text
    for spec in signal_table():
        up = spec.name.upper()
        assert f"uint256 internal constant {up}_OFFSET = {spec.offset};" in text
        assert f"uint256 internal constant {up}_BITS = {spec.bits};" in text
        if spec.bits < 254:
            m = spec.solidity
            assert f"if (c.{m} >> {up}_BITS != 0) {{" in text
            assert f'return _tooWide("{m}", c.{m}, {up}_BITS);' in text
            assert (f"c.{m}" if spec.offset == 0 else f"(c.{m} << {up}_OFFSET)") in text
            term = spec.name if spec.offset == 0 else f"{spec.name} * {1 << spec.offset}"
            assert term in circom
    main = (ROOT / "circuits" / "green_proof_main.circom").read_text()
    public = re.search(r"public \[([^\]]*)\]", main).group(1)
    assert [x.strip() for x in public.split(",")] == [w.name for w in words]


def test_scoring_vectors_match_units():
    import json

    from ecoai_chain.core import units

    cases = json.loads((ROOT / "tests" / "vectors" / "scoring.json").read_text())["cases"]
    labels = {c["label"] for c in cases}
    assert {
        "work 0 earns nothing and scores 0",
        "carbon > baseline: reward 0",
        "largest accepted values",
    } <= labels
    for c in cases:
        b = units.baseline_mg(int(c["baseline_ng_per_work"]), int(c["work"]))
        carbon = units.carbon_mg(int(c["energy_mj"]), int(c["intensity_mg_per_kwh"]))
        assert (str(b), str(carbon)) == (c["baseline_mg"], c["carbon_mg"])
        assert units.eco_score(b, carbon, int(c["work"])) == c["eco_score"]
        assert str(units.reward_units(b, carbon)) == c["reward_units"]


def test_contract_proofs_come_from_the_committed_zkey():
    """The Hardhat tests' real proofs only verify against the committed zkey's verifier."""
    import hashlib
    import json

    vectors = json.loads((ROOT / "tests" / "vectors" / "contract_proofs.json").read_text())
    zkey = ROOT / "circuits" / "setup" / "green_proof.zkey"
    assert vectors["zkey_sha256"] == hashlib.sha256(zkey.read_bytes()).hexdigest(), (
        "tests/vectors/contract_proofs.json is stale: run python scripts/gen_contract_proofs.py"
    )
    header = (ROOT / "contracts" / "generated" / "Groth16Verifier.sol").read_text()[:600]
    assert vectors["zkey_sha256"] in header


def test_contract_proof_certificates_are_their_public_signals():
    """Each vector's certificate fields, packed by the table, are its proof's public signals."""
    import json

    from ecoai_chain.core.signals import signal_table, to_public_signals

    vectors = json.loads((ROOT / "tests" / "vectors" / "contract_proofs.json").read_text())
    for item in [*vectors["certificates"], *vectors["ceiling_cases"].values()]:
        fields = {spec.name: int(item["cert"][spec.solidity]) for spec in signal_table()}
        assert to_public_signals(fields) == [int(s) for s in item["public_signals"]]
