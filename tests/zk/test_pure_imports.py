"""The verifier side of the zk package is pure: importing it starts no process machinery.

Checked in a fresh interpreter, since this test process has long since imported both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["ecoai_chain.zk.verifier", "ecoai_chain.zk.bundle",
                                    "ecoai_chain.zk.batch"])
def test_import_loads_neither_subprocess_nor_threading(module):
    code = (f"import sys, {module}\n"
            "bad = sorted(m for m in ('subprocess', 'threading') if m in sys.modules)\n"
            "assert not bad, bad\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

