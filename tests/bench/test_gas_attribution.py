"""bench/gas_measure.py's attribution of a transaction's gas, on a real anvil: SSTOREs to a
slot keyed by an operator's address count as reward (escrow), every other SSTORE as storage,
calls into a verifier as verification; and bench_gas / bench_capacity's arithmetic."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from eth_account import Account
from eth_utils import keccak
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.devnet import Anvil, dev_private_key

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import bench_capacity  # noqa: E402
import bench_gas  # noqa: E402
import gas_hotspots  # noqa: E402
from gas_measure import Tracer, opcode_profile  # noqa: E402

pytestmark = pytest.mark.chain

OPERATOR = "0x" + "ab" * 20


def _sstore(slot: int, value: int) -> bytes:
    return bytes([0x60, value, 0x7F]) + slot.to_bytes(32, "big") + b"\x55"  # PUSH1 v PUSH32 k


def test_sstores_are_split_into_operator_keyed_reward_and_other_storage():
    escrow_slot = int.from_bytes(keccak(bytes(12) + bytes.fromhex(OPERATOR[2:]) +
                                        (7).to_bytes(32, "big")), "big") + 1  # struct word 1
    init = _sstore(escrow_slot, 1) + _sstore(0, 2) + _sstore(5, 3) + b"\x00"  # then STOP
    with Anvil(extra_args=["--steps-tracing", "--hardfork", "prague"]) as anvil:
        w3 = Web3(HTTPProvider(anvil.rpc_url))
        sender = Account.from_key(dev_private_key(0))
        tx_hash = w3.eth.send_transaction({"from": sender.address, "data": init,
                                           "gas": 200_000})
        w3.eth.wait_for_transaction_receipt(tx_hash)
        split = Tracer(anvil.rpc_url, set(), [OPERATOR]).split(tx_hash.to_0x_hex())
    # Each is a cold write of a fresh slot: 2,100 + 20,000.
    assert split["reward_escrow"] == 22_100
    assert split["storage"] == 2 * 22_100
    assert split["verification"] == 0
    # The profile sees the same three SSTOREs, and the six PUSHes (3 gas each) as arithmetic.
    assert list(split["profile"].values()) == [{"stack_arith_jump": 6 * 3,
                                                "sstore": 3 * 22_100}]


def _step(pc: int, op: str, cost: int, depth: int) -> bytes:
    return (f'{{"pc":{pc},"op":"{op}","gas":1000000,"gasCost":{cost},"depth":{depth},'
            f'"stack":["0x1"]}}').encode()


def test_opcode_profile_charges_each_step_to_the_frame_running_it():
    gp, v, eco = "0x" + "aa" * 20, "0x" + "bb" * 20, "0x" + "cc" * 20
    calls = {"from": "0xeoa", "to": gp, "calls": [
        {"from": gp, "to": gp},  # a self-call: its steps are GreenProof's, labelled apart
        {"from": gp, "to": "0x0000000000000000000000000000000000000008"},  # no steps
        {"from": gp, "to": v}, {"from": gp, "to": eco}]}
    raw = b"[" + b",".join([
        _step(0, "SLOAD", 2100, 1), _step(1, "STATICCALL", 50_000, 1),
        _step(0, "SLOAD", 100, 2), _step(1, "ADD", 3, 2),
        _step(2, "STATICCALL", 9_000, 1),  # the precompile: no steps of its own
        _step(3, "STATICCALL", 40_000, 1), _step(0, "MLOAD", 3, 2),
        _step(4, "CALL", 30_000, 1), _step(0, "SSTORE", 2900, 2), _step(1, "LOG3", 1500, 2),
        _step(5, "KECCAK256", 36, 1)]) + b"]"
    by_pc: dict = {}
    prof = opcode_profile(raw, calls, {gp: "GreenProof", v: "Verifier", eco: "EcoCredit"},
                          by_pc)
    assert prof == {"GreenProof": {"sload": 2100, "keccak": 36},
                    "GreenProof (self-call)": {"sload": 100, "stack_arith_jump": 3},
                    "Verifier": {"memory": 3}, "EcoCredit": {"sstore": 2900, "log": 1500}}
    assert by_pc[("GreenProof", 0)] == 2200  # the self-call's pc 0 is GreenProof's code too
    with pytest.raises(RuntimeError, match="not understood"):
        opcode_profile(raw.replace(b'"depth":1', b'"dpth":1', 1), calls, {})


def test_source_map_expansion_and_instruction_offsets():
    # PUSH1 1, PUSH2 0 0, ADD, PUSH32 ..., STOP: offsets 0, 2, 5, 6, 39
    code = bytes([0x60, 1, 0x61, 0, 0, 0x01, 0x7F]) + bytes(32) + b"\x00"
    assert gas_hotspots._instruction_starts(code) == [0, 2, 5, 6, 39]
    # Empty fields repeat the previous entry's; extra fields (jump, modifier depth) ignored.
    assert gas_hotspots._decode_source_map("10:5:0:-:0;;12::1;:3;-1:0:-1") == [
        (10, 5, 0), (10, 5, 0), (12, 5, 1), (12, 3, 1), (-1, 0, -1)]


def test_release_cadence_separates_transaction_operator_and_certificate_costs():
    t, o, c = 60_000, 20_000, 15_000
    rows = {"single": {"n": 1, "release": t + o + c},
            "release_run": {"n": 4, "release": t + o + 4 * c},
            "batch_32": {"n": 32, "release": t + 32 * (o + c)}}
    rc = bench_gas.release_cadence(rows)
    assert (rc["per_tx"], rc["per_operator"], rc["per_certificate"]) == pytest.approx((t, o, c))
    assert rc["daily_single"] == pytest.approx((t + o) / 24 + c)
    assert rc["daily_batch"] == pytest.approx(t / (32 * 24) + o / 24 + c)
    assert bench_gas.daily_share(rc, "single") == pytest.approx(rc["daily_single"])
    assert bench_gas.daily_share(rc, "batch_32") == pytest.approx(rc["daily_batch"])
    assert bench_gas.daily_share(rc, "batch_8") == pytest.approx(t / (8 * 24) + o / 24 + c)
    del rows["release_run"]["release"]  # that release failed: no figure is made up
    assert bench_gas.release_cadence(rows) is None


def test_capacity_uses_the_chosen_release_figure():
    f = {"all_in": 120_000, "all_in_daily": 90_000, "tx_gas": 1_000_000}
    figures = {"current": {"batch_32": f, "release_cadence": None}}
    each = bench_capacity.model(figures, 3_000_000, 36_000_000)
    daily = bench_capacity.model(figures, 3_000_000, 36_000_000, "all_in_daily")
    pick = [next(x for x in rows if x["nodes"] == 10_000 and x["mode"] == "batch_32")["current"]
            for rows in (each, daily)]
    assert [p["gas_per_cert"] for p in pick] == [120_000, 90_000]
    f["all_in_daily"] = None  # a tree without the release rows: not measured, not guessed
    again = bench_capacity.model(figures, 3_000_000, 36_000_000, "all_in_daily")
    assert all(x["current"] is None for x in again)


def test_verifier_gas_sums_the_outermost_calls_into_a_verifier():
    v = "0x" + "11" * 20
    frame = {"to": "0xgp", "gasUsed": "0x100000", "calls": [
        {"to": "0xgp", "gasUsed": "0x5000", "calls": [
            {"to": v.upper().replace("0X", "0x"), "gasUsed": "0x1000",
             "calls": [{"to": "0x08", "gasUsed": "0x800"}]}]},
        {"to": v, "gasUsed": "0x2000"}, {"to": "0x01", "gasUsed": "0xbb8"}]}
    assert Tracer("http://unused", {v}, [])._verifier_gas(frame) == 0x1000 + 0x2000


def test_per_certificate_and_capacity_arithmetic():
    row = {"n": 8, "total": 800_000, "verification": 400_000, "storage": 160_000,
           "reward_escrow": 40_000, "calldata": 80_000, "release": 240_000}
    f = bench_gas.per_certificate(row)
    assert (f["submit"], f["verification"], f["storage"], f["other"]) == (
        100_000, 50_000, 20_000, 25_000)
    assert (f["release"], f["reward"], f["all_in"]) == (30_000, 35_000, 130_000)
    assert bench_gas.per_certificate({"n": 128, "unreachable": "why"}) is None
    rows = bench_capacity.model({"current": {"batch_8": f}}, gas_per_s=3_000_000,
                                block_gas_limit=700_000)
    r = next(x for x in rows if x["nodes"] == 10_000 and x["mode"] == "batch_8")["current"]
    assert r["gas_per_s"] == pytest.approx(10_000 * 130_000 / 3600)
    assert r["share"] == pytest.approx(r["gas_per_s"] / 3_000_000)
    assert r["tx_fits_block"] is False  # 800,000 > 700,000
    assert r["max_nodes"] == pytest.approx(3_000_000 * 3600 / 130_000)
    single = next(x for x in rows if x["mode"] == "single")
    assert single["current"] is None  # not measured: no number is made up


def test_first_release_rows_per_certificate_and_why_one_is_missing():
    rows = {"first_release_single": {"n": 1, "release": 93_000},
            "first_release_batch": {"n": 31, "release_error": "ContractRevert: X"}}
    assert bench_gas.first_release(rows) == {
        "first_release_single": {"n": 1, "release": 93_000},
        "first_release_batch": {"n": 31, "release": None, "error": "ContractRevert: X"}}
    rows["first_release_batch"] = {"n": 31, "release": 31 * 40_000}
    assert bench_gas.first_release(rows)["first_release_batch"] == {"n": 31, "release": 40_000}
    # A tree measured before the first release had its own rows: reported, not made up.
    assert bench_gas.first_release({})["first_release_single"] == {
        "n": None, "release": None, "error": "not measured"}
    line = bench_gas._first_release_line({"first_release": bench_gas.first_release(rows)})
    assert line == "one certificate 93,000, 31 operators' in one call 40,000"
