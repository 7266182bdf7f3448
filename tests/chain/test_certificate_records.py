"""One storage slot per certificate, from Python on anvil with real certificates: the slot is
at the certificate's (nodeId, epochStart) and holds its id, flags and record hash
(`recordOf(nodeId, epochStart)`); the record `GreenProofClient` reads from the
CertificateSubmitted log hashes to that slot and names its id, `get_certificate` keeps its
shape and follows the flags, an unknown id (or a log that cannot be found) raises
GreenProofUnknownCertificate, a log record that is not the slot's raises
CertificateRecordMismatch, and every call that sends a record refuses one with any member
changed (GreenProofRecordMismatch) -- the record the client builds is the one the contract
committed to."""

from __future__ import annotations

import dataclasses

import pytest

from ecoai_chain.chain.challenges import ChallengeClient
from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.client_certificates import LOW_BITS, RecordState, record_abi, record_hash
from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.core.certificate import Certificate
from ecoai_chain.errors import CertificateRecordMismatch, ContractRevert, UnknownCertificate
from tests.vector_chain import submit_vector

pytestmark = pytest.mark.chain


def _changed(record: tuple, k: int, width_bits: int) -> tuple:
    """``record`` with member ``k`` changed (its lowest bit flipped, within its width)."""
    out = list(record)
    v = out[k]
    out[k] = (bytes([*v[:-1], v[-1] ^ 1]) if isinstance(v, bytes)
              else (v ^ 1) % 2**width_bits)
    return tuple(out)


def _widths(client) -> list[int]:
    comps = record_abi(client.green_proof.abi)["components"]
    return [256 if c["type"] == "bytes32" else int(c["type"][4:]) for c in comps]


def test_the_record_from_the_log_is_the_slots_and_follows_the_flags(ready, vector_cert):
    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    cert, _ = vector_cert(0)
    record = client.certificate_record(cid)
    state = client.record_of(cert["nodeId"], cert["epochStart"])
    assert state.certificate_id == cid
    assert record_hash(record_abi(client.green_proof.abi), record) == state.record_hash
    assert int.from_bytes(state.record_hash, "big") & LOW_BITS == 0  # where the id and flags are
    assert (state.revoked, state.released) == (False, False)
    assert client.record_state(cid, record) == state
    view = client.get_certificate(cid)
    # every signed member, as signed (the record check of `ecoai verify` compares them all)
    assert Certificate.from_mapping(view).differences(Certificate.from_mapping(cert)) == []
    assert set(view) == {c["name"] for c in record_abi(client.green_proof.abi)["components"]} | {
        "revoked", "released"}
    assert client.check_record(cid, view) == (False, False)  # extra keys are ignored
    assert view["releaseAt"] > 0 and view["rewardUnits"] > 0

    set_chain_time(client.w3, view["releaseAt"], at_least=True)
    client.release_rewards([cid])
    assert client.record_of(cert["nodeId"], cert["epochStart"]) == dataclasses.replace(
        state, released=True)
    assert client.get_certificate(cid) == {**view, "released": True}
    client.revoke(cid, "audit")
    assert client.record_state(cid, record) == dataclasses.replace(
        state, revoked=True, released=True)
    assert client.get_certificate(cid) == {**view, "released": True, "revoked": True}
    assert client.certificate_record(cid) == record  # the flags are not part of the record


def test_many_records_in_one_lookup_in_the_asked_order(ready, vector_cert):
    client = ready["client"]
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1, 2)]
    one_by_one = [client.certificate_record(i) for i in ids]
    assert client.certificate_records(ids[::-1]) == one_by_one[::-1]
    assert client.certificate_records([ids[1], ids[1]]) == [one_by_one[1]] * 2


def test_an_unknown_certificate_is_the_contracts_error_not_none(ready, vector_cert):
    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    for call in (lambda: client.get_certificate(cid + 1),
                 lambda: client.certificate_records([cid, cid + 1]),
                 lambda: client.release_rewards([cid + 1]),
                 lambda: client.revoke(cid + 1, "x")):
        with pytest.raises(UnknownCertificate) as e:
            call()
        assert (e.value.name, e.value.args_) == ("GreenProofUnknownCertificate", (cid + 1,))
    with pytest.raises(ContractRevert) as e:  # the contract's own answer for the id
        client.check_record(cid + 1, client.certificate_record(cid))
    assert (e.value.name, e.value.args_) == ("GreenProofUnknownCertificate", (cid + 1,))
    # The slot of an epoch not certified is the index's "none": all zero, no revert.
    cert, _ = vector_cert(0)
    assert client.record_of(cert["nodeId"], cert["epochStart"] + 3600) == RecordState(
        0, bytes(32), False, False)


def test_a_log_record_that_is_not_the_slots_is_refused_by_name(ready, vector_cert):
    """`record_state` checks a record against the slot at its node and epoch: the id there must
    be the one asked for, and the hash the record's."""
    client = ready["client"]
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1)]
    first, second = (client.certificate_record(i) for i in ids)
    with pytest.raises(CertificateRecordMismatch) as e:
        client.record_state(ids[1], first)  # certificate 1's slot, asked as certificate 2
    assert e.value.certificate_id == ids[1]
    assert f"is certificate {ids[0]}'s" in str(e.value)
    names = [c["name"] for c in record_abi(client.green_proof.abi)["components"]]
    at = {n: k for k, n in enumerate(names)}
    later = list(first)
    later[at["epochStart"]] += 7 * 86_400  # an epoch nobody certified
    with pytest.raises(CertificateRecordMismatch, match="is empty"):
        client.record_state(ids[0], tuple(later))
    other_root = list(second)
    other_root[at["root"]] ^= 1
    with pytest.raises(CertificateRecordMismatch, match="does not hash"):
        client.record_state(ids[1], tuple(other_root))
    assert client.record_state(ids[1], second).certificate_id == ids[1]


def test_a_log_searched_from_after_the_certificate_is_not_found(ready, vector_cert):
    """The record lives in the log: a manifest whose GreenProof block is later than the
    certificate's (a wrong manifest, a pruned node) finds none, and says so."""
    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    client.w3.provider.make_request("anvil_mine", [1])
    head = client.block_number()  # the block after the certificate's
    gp = client.deployment.contracts["GreenProof"]
    later = dataclasses.replace(client.deployment, contracts={
        **client.deployment.contracts, "GreenProof": dataclasses.replace(gp, block=head)})
    blind = GreenProofClient(client.w3, later, client.account)
    record = client.certificate_record(cid)
    assert blind.record_state(cid, record) == client.record_state(cid, record)  # needs no log
    with pytest.raises(UnknownCertificate) as e:
        blind.get_certificate(cid)
    assert e.value.certificate_id == cid
    assert f"no CertificateSubmitted log of it from block {head}" in str(e.value)


def test_every_call_refuses_a_record_with_any_member_changed(ready, vector_cert, dev_accounts):
    client = ready["client"]
    operator = client.with_account(ready["operators"][0])
    cid = submit_vector(ready, vector_cert, 0)
    record = client.certificate_record(cid)
    widths = _widths(client)
    mismatch = ("GreenProofRecordMismatch", (cid,))
    for k in range(len(record)):
        with pytest.raises(ContractRevert) as e:
            client.check_record(cid, _changed(record, k, widths[k]))
        assert (e.value.name, e.value.args_) == mismatch, k
    bad = _changed(record, 0, widths[0])  # another root
    set_chain_time(client.w3, client.get_certificate(cid)["releaseAt"], at_least=True)
    calls = [lambda: client.release_rewards([cid], [bad]),
             lambda: client.revoke(cid, "audit", record=bad),
             lambda: operator.claim_certificate(cid, dev_accounts[4].address, "x", record=bad),
             lambda: ChallengeClient(client.with_account(dev_accounts[4])).challenge(
                 cid, record=bad)]
    for call in calls:
        with pytest.raises(ContractRevert) as e:
            call()
        assert (e.value.name, e.value.args_) == mismatch
    assert client.record_state(cid, record).released is False  # nothing went through
    assert client.release_rewards([cid], [record])["minted_units"] > 0  # the true one does
