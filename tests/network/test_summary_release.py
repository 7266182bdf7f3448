"""`ecoai up`'s live view releases vesting rewards from the chain itself: on anvil with real
certificates, `Summary.poll` keeps each landed certificate's record from its event, and
`release_due` reads its flags from its slot (at the record's node and epoch) and releases
exactly those past their window, neither revoked nor released already."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.network.summary import NodeView, Summary
from tests.vector_chain import submit_vector

pytestmark = pytest.mark.chain


def test_release_due_releases_what_vested_and_skips_the_revoked(ready, vector_cert):
    client = ready["client"]
    nodes = [NodeView(name=f"node-{i}", node_id=i, region="", source="replay",
                      address=ready["operators"][i - 1].address) for i in (1, 2)]
    summary = Summary(client, nodes)
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1, 2)]
    summary.poll()  # keeps the records; none has vested yet
    assert summary.total_certificates == 3
    assert summary.release_due() == 0
    client.revoke(ids[1], "audit")
    latest = max(client.get_certificate(i)["releaseAt"] for i in ids)
    set_chain_time(client.w3, latest, at_least=True)
    assert summary.release_due() == 2  # ids 0 and 2; the revoked one is dropped, not sent
    assert [client.get_certificate(i)["released"] for i in ids] == [True, False, True]
    assert summary.release_due() == 0  # nothing left vesting


@contextmanager
def _record_of_calls(w3):
    """Count the eth_calls of GreenProof.recordOf that go to anvil inside the block (a
    middleware on the real provider): yields {"n": count}."""
    from eth_utils import function_abi_to_4byte_selector
    from web3.middleware import Web3Middleware

    abi = next(e for e in load_artifact("GreenProof").abi if e.get("name") == "recordOf")
    selector = "0x" + function_abi_to_4byte_selector(abi).hex()
    seen = {"n": 0}

    class Counting(Web3Middleware):
        def wrap_make_request(self, make_request):
            def request(method, params):
                if method == "eth_call" and str(params[0].get("data", "")).startswith(selector):
                    seen["n"] += 1
                return make_request(method, params)
            return request

    w3.middleware_onion.add(Counting, name="count_record_of")
    try:
        yield seen
    finally:
        w3.middleware_onion.remove("count_record_of")


def test_poll_reads_no_settled_certificate_again(ready, vector_cert):
    """The live view polls every second while `ecoai up` lands a certificate per node and
    30-s epoch. Its "ECO locked" column is each node's rewards in escrow: what it keeps vesting
    (read from the flags by `release_due`), not a rescan of every certificate the operator
    ever had (`client.escrowed_of`: one recordOf per certificate since deployment, so a poll
    that grows without end; attack review of stage E). Released ones cost nothing."""

    client = ready["client"]
    nodes = [NodeView(name=f"node-{i}", node_id=i, region="", source="replay",
                      address=ready["operators"][i - 1].address) for i in (1, 2)]
    summary = Summary(client, nodes)
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1, 2)]
    summary.poll()
    escrowed = {n.node_id: n.escrowed_units for n in nodes}
    assert escrowed == {n.node_id: client.escrowed_of(n.address) for n in nodes}
    assert sum(escrowed.values()) == sum(client.get_certificate(i)["rewardUnits"] for i in ids)
    set_chain_time(client.w3, max(client.get_certificate(i)["releaseAt"] for i in ids),
                   at_least=True)
    summary.poll()  # releases all three
    assert [n.escrowed_units for n in nodes] == [0, 0]
    with _record_of_calls(client.w3) as calls:
        for _ in range(3):
            summary.poll()
    assert calls["n"] == 0, "a poll re-read settled certificates"
    assert [n.escrowed_units for n in nodes] == [0, 0]
    assert [client.escrowed_of(n.address) for n in nodes] == [0, 0]


def test_a_challenge_nobody_answers_holds_its_reward_not_the_live_view(ready, vector_cert,
                                                                      dev_accounts):
    """A stranger challenges a vesting certificate and nobody answers or finalizes it (its
    attestor is down, say; `ecoai up`'s own challenge demo never finalizes either): the hold
    outlives the release time. The live view's release of every due reward must not then
    revert as one (GreenProofReleaseOnHold), which stopped `ecoai up` at its next poll, and
    at every restart: the held one keeps vesting, the others are released, and it is
    dropped once the challenge defaults (revoked)."""
    from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams

    client = ready["client"]
    ChallengeClient(client).set_params(ChallengeParams(10**15, 2, 600, 5_000))
    challenger = ChallengeClient(client.with_account(dev_accounts[4]))
    nodes = [NodeView(name=f"node-{i}", node_id=i, region="", source="replay",
                      address=ready["operators"][i - 1].address) for i in (1, 2)]
    summary = Summary(client, nodes)
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1, 2)]
    challenge = challenger.challenge(ids[1])
    summary.poll()
    set_chain_time(client.w3, max(client.get_certificate(i)["releaseAt"] for i in ids),
                   at_least=True)
    summary.poll()  # releases ids 0 and 2; id 1 is on hold
    assert [client.get_certificate(i)["released"] for i in ids] == [True, False, True]
    held = client.get_certificate(ids[1])
    assert sum(n.escrowed_units for n in nodes) == held["rewardUnits"]
    summary.poll()  # still held: nothing to send, no revert
    assert challenger.finalize(challenge)["outcome"] == "ChallengeDefaulted"
    summary.poll()
    assert [n.escrowed_units for n in nodes] == [0, 0]
    assert summary.release_due() == 0
