"""`make test` (what CI runs) runs every test, the soak runs included; `make test-fast`
deselects the slow and soak markers; the soak runs carry the marker."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOAK = ["tests/attestor/test_reliability.py", "tests/network/test_up_e2e.py"]


def _recipe(target: str) -> tuple[str, str]:
    """(prerequisites, recipe lines) of one Makefile target."""
    text = (ROOT / "Makefile").read_text()
    m = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", text, re.M)
    assert m, f"no {target} target"
    return m[1].strip(), m[2]


def test_ci_runs_make_test_which_runs_everything():
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)
    prereqs, _ = _recipe("test")
    assert prereqs.split() == ["test-contracts", "test-python"]
    _, recipe = _recipe("test-python")
    assert "-m pytest $(PYTEST_ARGS)" in recipe and " -m \"" not in recipe  # no deselection


def test_fast_deselects_slow_and_soak():
    prereqs, recipe = _recipe("test-fast")
    assert "test-contracts" in prereqs.split()
    assert '-m "not slow and not soak"' in recipe


def test_soak_marker_is_registered_and_on_the_soak_runs():
    markers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]["markers"]
    assert any(m.startswith("soak:") for m in markers)
    for path in SOAK:
        text = (ROOT / path).read_text()
        assert re.search(r"^pytestmark = \[[^\]]*pytest\.mark\.soak", text, re.M), path
