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
from gas_measure import Tracer  # noqa: E402

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
