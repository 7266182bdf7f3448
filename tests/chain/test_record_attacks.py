"""A dishonest operator and a stranger against the one-word certificate (issue 16, stage D) on
the real `ready` anvil: every call that takes a certificate's record as calldata
(releaseRewards, revokeCertificate, ChallengeManager.challenge, claimCertificate(Part)) is sent
records and ids it must refuse -- another certificate's record under this id, this record under
an id that aliases it in 64 bits, the same id twice in one call, words wider than their field
-- and the escrow, the debt and the supply must come out as the rules say, whatever the order
of release, revocation and challenge.

Not tried by brute force: a record that collides with the stored one in the word's 189 hash
bits. A stranger needs a second preimage of the honest record (2^189 work); the operator, who
chooses its certificate's root, could search for a pair (a record it can land, a richer one)
by birthday, about 2^94.5 keccak evaluations -- and even then `_release` subtracts the forged
reward from the operator's escrow, so it could mint at most what it has escrowed."""

from __future__ import annotations

import pytest
from eth_abi import encode as abi_encode
from eth_utils import keccak
from web3.exceptions import ContractLogicError

from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from ecoai_chain.chain.client_certificates import record_abi
from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.errors import ContractRevert
from tests.vector_chain import submit_vector

pytestmark = pytest.mark.chain

NODE2_FIRST = 10  # vector 10: node 2's certificate of the same epoch as vector 0 (node 1's)


def _names(client) -> list[str]:
    return [c["name"] for c in record_abi(client.green_proof.abi)["components"]]


def _with(client, record: tuple, **changes) -> tuple:
    at = {n: k for k, n in enumerate(_names(client))}
    out = list(record)
    for name, value in changes.items():
        out[at[name]] = value
    return tuple(out)


def _revert(call) -> tuple[str, tuple]:
    with pytest.raises(ContractRevert) as e:
        call()
    return e.value.name, e.value.args_


def _vest(client, *ids: int) -> None:
    set_chain_time(client.w3, max(client.get_certificate(i)["releaseAt"] for i in ids),
                   at_least=True)


def _escrow_matches_the_open_rewards(client, operator: str, ids: list[int]) -> None:
    """The operator's escrow (client.escrowed_of: its nodes' CertificateSubmitted logs and
    the words' flags; GreenProof keeps no counter since issue 16 stage E) is the sum of these
    certificates' rewards neither released nor revoked: the flags the forged records would
    have to break."""
    views = [client.get_certificate(i) for i in ids]
    open_units = sum(v["rewardUnits"] for v in views if not v["released"] and not v["revoked"])
    assert client.escrowed_of(operator) == open_units


def test_a_richer_record_of_the_same_certificate_is_refused_everywhere(ready, vector_cert,
                                                                      dev_accounts):
    """The operator's record with a larger reward, energy or carbon, or a release time in the
    past: refused by release, claim (whole and part) and challenge; nothing is minted."""
    client = ready["client"]
    op = client.with_account(ready["operators"][0])
    cid = submit_vector(ready, vector_cert, 0)
    record = client.certificate_record(cid)
    view = client.get_certificate(cid)
    forged = [_with(client, record, rewardUnits=view["rewardUnits"] * 1000),
              _with(client, record, energyMj=view["energyMj"] * 2),
              _with(client, record, carbonMg=view["carbonMg"] + 1),
              _with(client, record, releaseAt=1),
              _with(client, record, rewardUnits=view["rewardUnits"] + 1, releaseAt=1,
                    energyMj=view["energyMj"] + 1, carbonMg=view["carbonMg"] + 1)]
    mismatch = ("GreenProofRecordMismatch", (cid,))
    for bad in forged:  # before vesting: a past releaseAt must not release early
        assert _revert(lambda b=bad: op.release_rewards([cid], [b])) == mismatch
    _vest(client, cid)
    ben = dev_accounts[4].address
    for bad in forged:
        assert _revert(lambda b=bad: op.release_rewards([cid], [b])) == mismatch
    client.release_rewards([cid])
    supply = client.total_supply()
    for bad in forged:
        assert _revert(lambda b=bad: op.claim_certificate(cid, ben, "x", record=b)) == mismatch
        assert _revert(lambda b=bad: op.claim_certificate(
            cid, ben, "x", energy_mj=view["energyMj"] + 1, record=b)) == mismatch
    assert client.total_supply() == supply
    assert op.claimed_of(cid)["energy_mj"] == 0


def test_another_certificates_record_under_this_id_and_the_reverse(ready, vector_cert):
    """Node 2's record under node 1's id (same epoch), node 1's record under node 2's id, and
    node 2's record re-labelled node 1 (it then points at node 1's word): all refused."""
    client = ready["client"]
    a = submit_vector(ready, vector_cert, 0)
    b = submit_vector(ready, vector_cert, NODE2_FIRST)
    ra, rb = client.certificate_record(a), client.certificate_record(b)
    _vest(client, a, b)
    for cid, rec in ((a, rb), (b, ra), (a, _with(client, rb, nodeId=1)),
                     (b, _with(client, ra, nodeId=2))):
        assert _revert(lambda c=cid, r=rec: client.release_rewards([c], [r])) == (
            "GreenProofRecordMismatch", (cid,))
        assert _revert(lambda c=cid, r=rec: client.check_record(c, r)) == (
            "GreenProofRecordMismatch", (cid,))
    # Both records in one call, swapped: the first item already refuses the call.
    assert _revert(lambda: client.release_rewards([a, b], [rb, ra]))[0] == (
        "GreenProofRecordMismatch")
    assert client.escrowed_of(ready["operators"][1].address) == client.get_certificate(b)[
        "rewardUnits"]
    assert client.release_rewards([a, b], [ra, rb])["minted_units"] > 0


def test_ids_that_alias_in_64_bits_are_unknown(ready, vector_cert, dev_accounts):
    """The word keeps the id in 64 bits: 2^64 + id, 2^256 - 2^64 + id and 0 with the real
    record are unknown certificates in every call, never this one."""
    client = ready["client"]
    op = client.with_account(ready["operators"][0])
    cid = submit_vector(ready, vector_cert, 0)
    record = client.certificate_record(cid)
    aliases = [cid + 2**64, cid + 2**65, 2**256 - 2**64 + cid, 0]
    challenger = ChallengeClient(client.with_account(dev_accounts[4]))
    for alias in aliases:
        unknown = ("GreenProofUnknownCertificate", (alias,))
        assert _revert(lambda x=alias: client.check_record(x, record)) == unknown
        assert _revert(lambda x=alias: client.revoke(x, "alias", record=record)) == unknown
        assert _revert(lambda x=alias: challenger.challenge(x, record=record)) == unknown
    _vest(client, cid)
    for alias in aliases:
        unknown = ("GreenProofUnknownCertificate", (alias,))
        assert _revert(lambda x=alias: client.release_rewards([x], [record])) == unknown
    client.release_rewards([cid])
    for alias in aliases:
        unknown = ("GreenProofUnknownCertificate", (alias,))
        assert _revert(lambda x=alias: op.claim_certificate(
            x, dev_accounts[4].address, "alias", record=record)) == unknown
    op.claim_certificate(cid, dev_accounts[4].address, "the real one", energy_mj=1)
    assert op.claimed_of(cid + 2**64) == {"energy_mj": 0, "carbon_mg": 0, "parts": 0,
                                          "complete": False}


def test_the_same_certificate_twice_in_one_call_and_across_calls(ready, vector_cert):
    client = ready["client"]
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1)]
    recs = client.certificate_records(ids)
    _vest(client, *ids)
    operator = ready["operators"][0].address
    before = client.eco_balance(operator)
    for twice in ([ids[0], ids[0]], [ids[0], ids[1], ids[0]]):
        recs_twice = [recs[ids.index(i)] for i in twice]
        assert _revert(lambda t=twice, r=recs_twice: client.release_rewards(t, r)) == (
            "GreenProofAlreadyReleased", (ids[0],))
    assert client.eco_balance(operator) == before  # the whole call reverted
    minted = client.release_rewards(ids, recs)["minted_units"]
    assert minted == sum(client.get_certificate(i)["rewardUnits"] for i in ids)
    for i, r in zip(ids, recs, strict=True):
        assert _revert(lambda i=i, r=r: client.release_rewards([i], [r])) == (
            "GreenProofAlreadyReleased", (i,))
    assert client.eco_balance(operator) == before + minted
    assert client.escrowed_of(operator) == 0


def test_revocation_and_release_in_either_order_keep_escrow_debt_and_supply(ready, vector_cert,
                                                                           dev_accounts):
    """Revoke then release: refused, the reward cancelled from escrow. Release then revoke
    after the operator moved its credits away: the reward becomes debt, withheld from its
    next release; escrow always equals the open rewards; the supply is what was minted
    minus what was clawed back and withheld."""
    client = ready["client"]
    operator = ready["operators"][0]
    op = client.with_account(operator)
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1, 2)]
    rewards = [client.get_certificate(i)["rewardUnits"] for i in ids]
    _escrow_matches_the_open_rewards(client, operator.address, ids)
    client.revoke(ids[0], "audit before release")
    _escrow_matches_the_open_rewards(client, operator.address, ids)
    _vest(client, *ids)
    assert _revert(lambda: client.release_rewards([ids[0]])) == (
        "GreenProofAlreadyRevoked", (ids[0],))
    assert _revert(lambda: client.revoke(ids[0], "twice")) == (
        "GreenProofAlreadyRevoked", (ids[0],))
    client.release_rewards([ids[1]])
    assert client.eco_balance(operator.address) == rewards[1]
    sink = dev_accounts[4].address
    op._transact(op.eco_credit.functions.transfer(sink, rewards[1]))  # spent before the audit
    out = client.revoke(ids[1], "audit after release")
    assert (out["clawed_back_units"], out["debt_units"]) == (0, rewards[1])
    assert client.debt_of(operator.address) == rewards[1]
    _escrow_matches_the_open_rewards(client, operator.address, ids)
    got = client.release_rewards([ids[2]])
    withheld = min(rewards[1], rewards[2])
    assert got == {"minted_units": rewards[2] - withheld, "withheld_units": withheld}
    assert client.debt_of(operator.address) == rewards[1] - withheld
    assert client.total_supply() == rewards[1] + rewards[2] - withheld
    _escrow_matches_the_open_rewards(client, operator.address, ids)
    assert client.escrowed_of(operator.address) == 0


def test_words_wider_than_their_field_in_the_calldata_are_refused(ready, vector_cert):
    """Raw calldata whose record member carries bits above its type (a uint64 node id +
    2^64, ...): the call reverts; it never releases the certificate the low bits name."""
    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    record = client.certificate_record(cid)
    _vest(client, cid)
    comps = record_abi(client.green_proof.abi)["components"]
    selector = keccak(text="releaseRewards(uint256[],(" + ",".join(
        c["type"] for c in comps) + ")[])")[:4]
    words = [int.from_bytes(v, "big") if isinstance(v, bytes) else v for v in record]
    assert client.green_proof.encode_abi("releaseRewards", args=[[cid], [record]]) == (
        "0x" + (selector + abi_encode(["uint256[]", "(" + ",".join(["uint256"] * 14) + ")[]"],
                                      [[cid], [tuple(words)]])).hex())
    narrow = [k for k, c in enumerate(comps) if c["type"] not in ("uint256", "bytes32")]
    assert len(narrow) == 12
    for k in narrow:
        dirty = list(words)
        dirty[k] += 1 << int(comps[k]["type"][4:])
        data = selector + abi_encode(["uint256[]", "(" + ",".join(["uint256"] * 14) + ")[]"],
                                     [[cid], [tuple(dirty)]])
        with pytest.raises(ContractLogicError):
            client.w3.eth.call({"to": client.deployment.green_proof, "data": "0x" + data.hex(),
                                "from": client.account.address})
    assert client.record_state(cid, record).released is False
    assert client.release_rewards([cid])["minted_units"] > 0


def _challenges(client) -> ChallengeClient:
    cm = ChallengeClient(client)
    cm.set_params(ChallengeParams(10**15, 2, 600, 5_000))  # answerable inside the 1 h vesting
    return cm


def test_a_challenge_after_release_or_revocation_and_a_revocation_during_one(ready, vector_cert,
                                                                            dev_accounts):
    """A settled certificate cannot be challenged; a revocation during a challenge lifts the
    hold (the operator cannot answer any more) and the challenge is void at its deadline, the
    deposit back to the challenger, nothing slashed twice; a defaulted challenge revokes with
    the record it kept, and the hold blocks the release until then."""
    client = ready["client"]
    _challenges(client)
    challenger = ChallengeClient(client.with_account(dev_accounts[4]))
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1, 2)]
    # settled first: released (after vesting), revoked
    client.revoke(ids[0], "audit")
    assert _revert(lambda: challenger.challenge(ids[0])) == (
        "ChallengeCertificateSettled", (ids[0], True, False))
    # revoked while challenged
    ch = challenger.challenge(ids[1])
    assert _revert(lambda: client.release_rewards([ids[1]]))[0] in (
        "GreenProofReleaseOnHold", "GreenProofStillVesting")
    client.revoke(ids[1], "audit during the challenge")
    assert _revert(lambda: challenger.challenge(ids[1]))[0] in (
        "ChallengeCertificateSettled", "ChallengeAlreadyOpen")
    # defaulted: the kept record revokes it, the hold kept it from release until then
    ch2 = challenger.challenge(ids[2])
    deadline = max(challenger.get(c)["deadline_s"] for c in (ch, ch2))
    set_chain_time(client.w3, deadline + 1)
    assert client.w3.eth.get_block("latest")["timestamp"] < client.get_certificate(ids[2])[
        "releaseAt"]
    assert challenger.finalize(ch)["outcome"] == "ChallengeVoided"
    assert challenger.finalize(ch2)["outcome"] == "ChallengeDefaulted"
    assert client.get_certificate(ids[2])["revoked"] is True
    assert _revert(lambda: challenger.finalize(ch))[0] == "ChallengeAlreadyFinalized"
    _vest(client, ids[2])
    assert _revert(lambda: client.release_rewards([ids[2]])) == (
        "GreenProofAlreadyRevoked", (ids[2],))
    _escrow_matches_the_open_rewards(client, ready["operators"][0].address, ids)
    assert client.escrowed_of(ready["operators"][0].address) == 0


def test_a_released_certificate_is_settled_for_a_challenge(ready, vector_cert, dev_accounts):
    client = ready["client"]
    _challenges(client)
    cid = submit_vector(ready, vector_cert, 0)
    _vest(client, cid)
    client.release_rewards([cid])
    challenger = ChallengeClient(client.with_account(dev_accounts[4]))
    assert _revert(lambda: challenger.challenge(cid)) == (
        "ChallengeCertificateSettled", (cid, False, True))


def test_parts_cannot_claim_beyond_the_record(ready, vector_cert, dev_accounts):
    """Parts sum to the record's energy and carbon exactly; one mJ more is refused, before and
    after the last part, and a part cannot be sent with a record of more energy."""
    client = ready["client"]
    op = client.with_account(ready["operators"][0])
    ben = dev_accounts[4].address
    cid = submit_vector(ready, vector_cert, 0)
    view = client.get_certificate(cid)
    _vest(client, cid)
    client.release_rewards([cid])
    energy = view["energyMj"]
    assert _revert(lambda: op.claim_certificate(cid, ben, "all+1", energy_mj=energy + 1)) == (
        "CertificateClaimsEnergyOutOfRange", (cid, energy + 1, energy))
    op.claim_certificate(cid, ben, "a third", energy_mj=energy // 3)
    rest = energy - energy // 3
    assert _revert(lambda: op.claim_certificate(cid, ben, "rest+1", energy_mj=rest + 1)) == (
        "CertificateClaimsEnergyOutOfRange", (cid, rest + 1, rest))
    richer = _with(client, client.certificate_record(cid), energyMj=energy * 2)
    assert _revert(lambda: op.claim_certificate(cid, ben, "richer", energy_mj=rest + 1,
                                                record=richer)) == (
        "GreenProofRecordMismatch", (cid,))
    op.claim_certificate(cid, ben, "the rest", energy_mj=rest)
    assert op.claimed_of(cid) == {"energy_mj": energy, "carbon_mg": view["carbonMg"],
                                  "parts": 2, "complete": True}
    assert op.claimed_for(ben) == (energy, view["carbonMg"])
    assert _revert(lambda: op.claim_certificate(cid, ben, "again", energy_mj=1))[0] == (
        "CertificateClaimsAlreadyClaimed")
