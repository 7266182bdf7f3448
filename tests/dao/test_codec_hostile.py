"""The indexer decodes every proposal's actions with the ActionCodec while indexing, and
anyone with the proposal threshold can propose any calldata: decoding must never raise,
whatever the arguments (a time past any calendar, invalid UTF-8, extreme integers)."""

from __future__ import annotations

import json

from eth_abi import encode as abi_encode
from eth_utils import collapse_if_tuple, function_abi_to_4byte_selector
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.dao.actions import ActionCodec

NAMES = ("GreenProof", "EcoCredit", "EcoGovernor", "EcoTimelock")
ADDRESS = {n: "0x" + f"{i + 1:02x}" * 20 for i, n in enumerate(NAMES)}
ABIS = {n: load_artifact(n).abi for n in NAMES}
CODEC = ActionCodec({n: (ADDRESS[n], ABIS[n]) for n in NAMES})
FUNCTIONS = [(n, f) for n in NAMES for f in ABIS[n] if f.get("type") == "function"]
EDGES = [0, 1, 2**32 - 1, 2**63, 2**64 - 1, 2**255, 2**256 - 1]


def value_of(t: str) -> st.SearchStrategy:
    if t.endswith("]"):
        inner, size = t[: t.rindex("[")], t[t.rindex("[") + 1: -1]
        n = int(size) if size else None
        return st.lists(value_of(inner), min_size=n or 0, max_size=n or 3)
    if t.startswith("("):
        parts, depth, cur = [], 0, ""
        for ch in t[1:-1]:
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        parts.append(cur)
        return st.tuples(*(value_of(p) for p in parts if p))
    if t.startswith("uint"):
        bits = int(t[4:] or 256)
        return st.one_of(st.sampled_from([v for v in EDGES if v < 2**bits]),
                         st.integers(0, 2**bits - 1))
    if t.startswith("int"):
        bits = int(t[3:] or 256)
        return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if t == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
    if t == "bool":
        return st.booleans()
    if t == "string":
        return st.text(max_size=40)
    if t == "bytes":
        return st.binary(max_size=80)
    return st.binary(min_size=int(t[5:]), max_size=int(t[5:]))  # bytesN


@st.composite
def calls(draw):
    name, fn = draw(st.sampled_from(FUNCTIONS))
    types = [collapse_if_tuple(i) for i in fn["inputs"]]
    args = [draw(value_of(t)) for t in types]
    return ADDRESS[name], function_abi_to_4byte_selector(fn) + abi_encode(types, args)


GP = ABIS["GreenProof"]
SET_INTENSITY = next(f for f in GP if f.get("name") == "setRegionIntensity")


@given(call=st.one_of(calls(), st.tuples(st.sampled_from(list(ADDRESS.values())),
                                         st.binary(max_size=100))))
@example(call=(ADDRESS["GreenProof"], function_abi_to_4byte_selector(SET_INTENSITY) + abi_encode(
    ["bytes32", "uint256", "uint64"], [b"KR".ljust(32, b"\0"), 1, 2**64 - 1])))
@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
def test_decoding_any_action_never_raises(call):
    target, calldata = call
    decoded = CODEC.decode(target, calldata)
    json.dumps(decoded.to_json())  # what the indexer stores for the proposal
    assert decoded.calldata == calldata
