"""Generated files are what their generators write now (no hand edits, no stale copies)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "script", ["scripts/gen_public_signals_sol.py", "scripts/gen_scoring_vectors.py"]
)
def test_generated_file_is_current(script):
    done = subprocess.run(
        [sys.executable, str(ROOT / script), "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_public_signals_sol_follows_the_json_order():
    from ecoai_chain.core.signals import signal_table

    text = (ROOT / "contracts" / "generated" / "PublicSignals.sol").read_text()
    for spec in signal_table():
        assert f"uint256 internal constant {spec.name.upper()} = {spec.index};" in text
        assert f"s[{spec.name.upper()}] = c.{spec.solidity};" in text


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
