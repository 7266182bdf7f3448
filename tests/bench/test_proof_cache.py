"""bench/proof_cache.py, the benches' one proof cache: a proof is made once per (zkey, set,
name, spec); a changed spec or a torn file is proved again; an interrupted set resumes. The
prove function here records what it was asked (the real Prover is started around it, as the
benches run it; proving itself is the prover's, tested in tests/zk)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import proof_cache  # noqa: E402

ASKED: list[int] = []


def fake_prove(prover, spec: dict) -> dict:
    assert prover is not None  # a real Prover was opened for the chunk
    ASKED.append(spec["n"])
    return {"square": spec["n"] ** 2}


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(proof_cache, "CACHE", tmp_path / "proofs")
    ASKED.clear()
    return tmp_path / "proofs"


def _entries(ns):
    return [(f"item{n:03d}", {"n": n}) for n in ns]


def test_each_proof_is_made_once_and_a_changed_spec_again(cache):
    first = proof_cache.ensure("t", _entries(range(3)), fake_prove)
    assert first["proved"] == 3 and first["total"] == 3 and sorted(ASKED) == [0, 1, 2]
    d = Path(first["dir"])
    assert d.parent.parent == cache and d.name == "t" and len(first["zkey_sha256"]) == 64
    assert proof_cache.load(d, "item002") == {"square": 4}
    ASKED.clear()
    assert proof_cache.ensure("t", _entries(range(3)), fake_prove)["proved"] == 0 and not ASKED
    changed = [("item001", {"n": 7}), *_entries([0, 2])]
    assert proof_cache.ensure("t", changed, fake_prove)["proved"] == 1 and ASKED == [7]
    assert proof_cache.load(d, "item001") == {"square": 49}


def test_a_torn_file_is_proved_again_and_a_missing_one_named(cache):
    d = Path(proof_cache.ensure("t", _entries([5]), fake_prove)["dir"])
    (d / "item005.json").write_text('{"spec": {"n": 5}, "val')  # killed mid-write elsewhere
    ASKED.clear()
    assert proof_cache.ensure("t", _entries([5]), fake_prove)["proved"] == 1 and ASKED == [5]
    assert json.loads((d / "item005.json").read_text())["value"] == {"square": 25}
    with pytest.raises(KeyError, match="item009"):
        proof_cache.load(d, "item009")
    assert not list(d.glob("*.tmp"))  # written atomically
