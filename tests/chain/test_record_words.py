"""CertificateSubmitted's four data words (ecoai_chain/chain/record_words.py): pack/unpack
round-trip every in-range record, refuse what does not fit naming the member, and agree with
the Solidity packer (contracts/RecordWords.sol) on random records through a real emission on
anvil, decoded both ways the readers decode it (the indexer's EventDecoder, web3 as
`ChainReads.events`)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3.logs import DISCARD

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client_certificates import record_abi, record_hash
from ecoai_chain.chain.record_words import (
    FIELDS_A,
    FIELDS_B,
    RECORD_MEMBERS,
    pack,
    submitted_args,
    unpack,
)
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.errors import ValidationError
from ecoai_chain.indexer.abi import EventDecoder

# Each member's packed width (work, rewardUnits and releaseAt are narrower than their types).
PACKED_BITS = dict(FIELDS_A + FIELDS_B)


def _uint(bits: int) -> st.SearchStrategy[int]:
    top = 2**bits - 1
    return st.one_of(st.sampled_from([0, 1, top, top - 1, 2 ** (bits - 1)]),
                     st.integers(0, top))


RECORDS = st.fixed_dictionaries({
    "root": _uint(256), "nodeId": _uint(64), "epochStart": _uint(64),
    **{n: _uint(b) for n, b in PACKED_BITS.items()},
    "workloadClass": st.binary(min_size=32, max_size=32),
}).map(lambda r: {n: r[n] for n in RECORD_MEMBERS})


def test_the_layout_covers_every_member_once_in_two_full_words():
    packed = [n for n, _ in FIELDS_A + FIELDS_B]
    assert sorted(packed + ["root", "nodeId", "epochStart", "workloadClass"]) == sorted(
        RECORD_MEMBERS)
    assert sum(b for _, b in FIELDS_A) == sum(b for _, b in FIELDS_B) == 256
    abi = load_artifact("GreenProof").abi
    assert [c["name"] for c in record_abi(abi)["components"]] == list(RECORD_MEMBERS)
    widths = {c["name"]: int(c["type"].removeprefix("uint")) for c in
              record_abi(abi)["components"] if c["type"].startswith("uint")}
    assert all(PACKED_BITS[n] <= widths[n] for n in PACKED_BITS)
    # narrower than its type only where the value is bounded far below it
    assert {n for n in PACKED_BITS if PACKED_BITS[n] < widths[n]} == {
        "work", "rewardUnits", "releaseAt"}


@given(RECORDS)
def test_pack_then_unpack_is_the_record(record):
    a, b = pack(record)
    assert 0 <= a < 2**256 and 0 <= b < 2**256
    assert unpack(record["nodeId"], record["epochStart"], record["root"], a, b,
                  record["workloadClass"]) == record


@given(st.integers(0, 2**256 - 1), st.integers(0, 2**256 - 1))
def test_any_two_words_are_some_records(a, b):
    """No spare bit: every pair of words unpacks to an in-range record that packs back."""
    rec = unpack(1, 2, 3, a, b, b"\0" * 32)
    assert pack(rec) == (a, b)


@pytest.mark.parametrize("name", sorted(PACKED_BITS))
def test_a_member_beyond_its_packed_bits_is_refused_by_name(name):
    record = dict.fromkeys(RECORD_MEMBERS, 0)
    for bad in (2 ** PACKED_BITS[name], -1, True, "1"):
        with pytest.raises(ValidationError, match=name) as e:
            pack({**record, name: bad})
        assert e.value.field == f"record.{name}"


@pytest.fixture
def emitter(w3, dev_accounts):
    account = dev_accounts[3]
    return account, deploy(w3, account, load_artifact("HostileEventEmitter",
                                                      "test/IndexerAdversary.sol"))


@pytest.mark.chain
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=RECORDS, cid=_uint(256))
def test_solidity_packs_as_python_unpacks_through_a_real_emission(w3, emitter, record, cid):
    account, e = emitter
    receipt = send_tx(w3, account, e.functions.certificateSubmitted(
        cid, record["nodeId"], record["epochStart"], tuple(record.values()))
        .build_transaction({"from": account.address}), gas=200_000)
    (log,) = receipt["logs"]
    data = bytes(log["data"])
    assert len(data) == 128  # four words, not fourteen
    assert [int.from_bytes(data[k:k + 32], "big") for k in (32, 64)] == list(pack(record))
    # the indexer's decoder, from the raw log as eth_getLogs gives it
    raw = {"address": log["address"], "topics": ["0x" + bytes(t).hex() for t in log["topics"]],
           "data": "0x" + data.hex(), "blockNumber": hex(log["blockNumber"]),
           "blockHash": "0x" + bytes(log["blockHash"]).hex(),
           "transactionHash": "0x" + bytes(log["transactionHash"]).hex(),
           "logIndex": hex(log["logIndex"])}
    decoded = EventDecoder(load_artifact("GreenProof").abi).decode(raw)
    assert decoded.args == {"certificateId": cid, "nodeId": record["nodeId"],
                            "epochStart": record["epochStart"],
                            "record": {**record,
                                       "workloadClass": "0x" + record["workloadClass"].hex()}}
    # web3's decoding, as the client's reads hand it on
    (ev,) = e.events.CertificateSubmitted().process_receipt(receipt, errors=DISCARD)
    via_web3 = submitted_args(ev.args)
    assert via_web3["record"] == record
    assert record_hash(record_abi(load_artifact("GreenProof").abi), via_web3["record"]) == \
        record_hash(record_abi(load_artifact("GreenProof").abi), record)


@pytest.mark.chain
@pytest.mark.parametrize("name", ["work", "rewardUnits", "releaseAt"])
def test_the_solidity_packer_refuses_what_python_refuses(w3, emitter, name):
    from eth_utils import keccak
    from web3.exceptions import ContractLogicError

    account, e = emitter
    too_big = 2 ** PACKED_BITS[name]
    record = {**dict.fromkeys(RECORD_MEMBERS, 0), "workloadClass": b"\0" * 32, name: too_big}
    with pytest.raises(ValidationError):
        pack(record)
    with pytest.raises(ContractLogicError) as err:
        e.functions.certificateSubmitted(1, 0, 0, tuple(record.values())).call(
            {"from": account.address})
    expected = (keccak(text="SafeCastOverflowedUintDowncast(uint8,uint256)")[:4]
                + PACKED_BITS[name].to_bytes(32, "big") + too_big.to_bytes(32, "big"))
    assert err.value.data == "0x" + expected.hex()
