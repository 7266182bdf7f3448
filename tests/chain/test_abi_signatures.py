"""`eth_utils.abi_to_signature` / `collapse_if_tuple` give the canonical signatures the
revert decoder and the indexer key their selectors and topics by, for every GreenProof and
EcoCredit ABI entry (functions, events, errors, tuple arguments included)."""

from __future__ import annotations

import json

import pytest
from eth_utils import abi_to_signature, collapse_if_tuple

from ecoai_chain.chain.artifacts import artifacts_dir, load_artifact

CONTRACTS = ("GreenProof", "EcoCredit")


def _reference_type(inp: dict) -> str:
    """The hand-written expansion chain/revert.py and indexer/abi.py used before (kept here as
    the reference the library must reproduce)."""
    t = inp["type"]
    if t.startswith("tuple"):
        return f"({','.join(_reference_type(c) for c in inp['components'])}){t[5:]}"
    return t


def _entries():
    for name in CONTRACTS:
        for entry in load_artifact(name).abi:
            if entry["type"] in ("function", "event", "error"):
                yield pytest.param(entry, id=f"{name}.{entry['type']}.{entry['name']}")


def _solc_method_identifiers() -> dict[str, dict[str, str]]:
    """Each contract's identifiers from the build its artifact names (``buildInfoId``): after an
    incremental compile, build-info/ also holds older builds with older ABIs."""
    out: dict[str, dict[str, str]] = {}
    for name in CONTRACTS:
        artifact = json.loads(next(artifacts_dir().glob(f"**/{name}.sol/{name}.json")).read_text())
        path = artifacts_dir() / "build-info" / f"{artifact['buildInfoId']}.output.json"
        data = json.loads(path.read_text())
        for contracts in data.get("output", data).get("contracts", {}).values():
            c = contracts.get(name)
            if c and c.get("evm", {}).get("methodIdentifiers"):
                out[name] = c["evm"]["methodIdentifiers"]
    return out


@pytest.mark.parametrize("entry", list(_entries()))
def test_library_signature_equals_the_reference_expansion(entry):
    ref = f"{entry['name']}({','.join(_reference_type(i) for i in entry['inputs'])})"
    assert abi_to_signature(entry) == ref
    assert [collapse_if_tuple(i) for i in entry["inputs"]] == \
        [_reference_type(i) for i in entry["inputs"]]


def test_every_function_signature_is_the_one_solc_hashed():
    solc = _solc_method_identifiers()
    assert set(solc) == set(CONTRACTS), "build-info lacks methodIdentifiers: run the compile"
    for name in CONTRACTS:
        ours = {abi_to_signature(e) for e in load_artifact(name).abi if e["type"] == "function"}
        assert ours == set(solc[name])


def test_the_abis_exercise_tuple_arguments():
    """The comparison above is only meaningful if some entry has a tuple argument."""
    gp = load_artifact("GreenProof").abi
    assert any("tuple" in i["type"] for e in gp if e["type"] == "function" for i in e["inputs"])
