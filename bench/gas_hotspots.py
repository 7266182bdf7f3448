"""Gas by source line: struct-log gas per (contract, pc), mapped through the compiler's source
map (Hardhat 3 build info under artifacts/build-info) to the Solidity line each instruction
came from. A developer's view of where a transaction's gas goes, for bench_gas.py with
``GAS_HOTSPOTS=1``; CALL-like steps are not in it (see gas_measure.opcode_profile).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

ROOT = Path.cwd()  # gas_measure runs in the tree it measures


def _instruction_starts(code: bytes) -> list[int]:
    """Byte offset of each instruction (PUSH1..PUSH32 carry 1..32 data bytes)."""
    out, i = [], 0
    while i < len(code):
        out.append(i)
        op = code[i]
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return out


def _decode_source_map(sm: str) -> list[tuple[int, int, int]]:
    """Per instruction (start, length, file index), the compressed form expanded."""
    out: list[tuple[int, int, int]] = []
    s = ln = f = -1
    for entry in sm.split(";"):
        parts = entry.split(":")
        if len(parts) > 0 and parts[0]:
            s = int(parts[0])
        if len(parts) > 1 and parts[1]:
            ln = int(parts[1])
        if len(parts) > 2 and parts[2]:
            f = int(parts[2])
        out.append((s, ln, f))
    return out


@cache
def _contract(name: str) -> tuple[dict[int, tuple[str, int]], dict[str, str]] | None:
    """pc -> (source file, 1-based line) for contract ``name``'s deployed code, or None."""
    arts = list((ROOT / "artifacts" / "contracts").glob(f"**/{name}.json"))
    if not arts:
        return None
    art = json.loads(arts[0].read_text())
    bi = ROOT / "artifacts" / "build-info"
    inp = json.loads((bi / f"{art['buildInfoId']}.json").read_text())["input"]
    out = json.loads((bi / f"{art['buildInfoId']}.output.json").read_text())["output"]
    evm = out["contracts"][art["inputSourceName"]][name]["evm"]["deployedBytecode"]
    ids = {v["id"]: src for src, v in out["sources"].items()}
    code = bytes.fromhex(evm["object"].removeprefix("0x"))
    # Source map offsets count bytes, not characters (a source with non-ASCII text).
    texts = {src: v["content"].encode() for src, v in inp["sources"].items()}
    pcs: dict[int, tuple[str, int]] = {}
    for pc, (s, _ln, f) in zip(_instruction_starts(code), _decode_source_map(evm["sourceMap"]),
                               strict=False):
        src = ids.get(f)
        if src is None or s < 0:
            continue
        pcs[pc] = (src, texts[src].count(b"\n", 0, s) + 1)
    return pcs, {src: t.decode() for src, t in texts.items()}


def by_line(by_pc: dict[tuple[str, int], int], top: int) -> list[dict]:
    """The ``top`` source lines by gas: [{"contract", "where", "code", "gas"}]."""
    lines: dict[tuple[str, str, int], int] = {}
    for (label, pc), gas in by_pc.items():
        m = _contract(label)
        src, line = (m[0].get(pc, ("?", 0)) if m else ("?", 0))
        key = (label, src, line)
        lines[key] = lines.get(key, 0) + gas
    rows = sorted(lines.items(), key=lambda kv: -kv[1])[:top]
    out = []
    for (label, src, line), gas in rows:
        m = _contract(label)
        text = m[1].get(src, "").splitlines()[line - 1].strip() if m and line else ""
        out.append({"contract": label, "where": f"{src.split('/')[-1]}:{line}",
                    "code": text[:90], "gas": gas})
    return out
