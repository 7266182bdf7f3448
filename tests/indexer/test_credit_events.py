"""GreenProof's Eco Credits events in the index -- escrow, release, cancellation, bonds and the
DAO's parameter schedules -- from a real anvil with real certificates, stored exactly and
removed by a reorg, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.indexer.manifest import config_from_deployment
from ecoai_chain.indexer.models_credits import CreditEvent, ParameterChange
from ecoai_chain.indexer.store import T
from tests.vector_chain import TEST_CHALLENGE_WINDOW_S, VECTORS

pytestmark = pytest.mark.chain


def _events(store) -> list[tuple]:
    t = T[CreditEvent]
    with store.engine.connect() as c:
        return [tuple(r) for r in c.execute(
            select(t.c.kind, t.c.certificate_id, t.c.node_id, t.c.units, t.c.extra_units,
                   t.c.release_at_s).order_by(t.c.block_number, t.c.log_index))]


def test_rewards_bonds_and_schedules_are_indexed_and_reorged(
        ready, vector_cert, deployment, make_indexer, raw_w3):
    client = ready["client"]
    ix = make_indexer(config_from_deployment(deployment, confirmations=0))

    def submit(i):
        cert, proof = vector_cert(i)
        sig = sign_certificate(ready["attestors"][0], client.w3.eth.chain_id,
                               deployment.green_proof, cert)
        return client.submit_certificate(cert, proof, sig)

    first = submit(0)
    release_at = client.get_certificate(first)["releaseAt"]
    set_chain_time(client.w3, release_at + 1)
    client.release_rewards([first])
    client.with_account(ready["operators"][0]).top_up_bond(1, 10**18)
    ix.sync()
    reward = client.get_certificate(first)["rewardUnits"]
    # the escrowed row comes from CertificateSubmitted (GreenProof emits nothing else for it),
    # so it names the node too
    assert _events(ix.store) == [("escrowed", first, 1, reward, None, release_at),
                                 ("released", first, None, reward, 0, None),
                                 ("bond_locked", None, 1, 10**18, None, None)]
    p = T[ParameterChange]
    with ix.store.engine.connect() as c:
        sched = {(r.param_name, r.key): (int(r.value), int(r.effective_from_s))
                 for r in c.execute(select(p))}
    t = VECTORS["params_effective_from_s"]
    cls = VECTORS["workload_class"]
    assert sched[("baseline", cls)] == (int(VECTORS["baseline_ng_per_work"]), t)
    assert sched[("efficiency_ceiling", cls)] == (
        int(VECTORS["efficiency_ceiling_work_per_kwh"]), t)
    assert sched[("challenge_window", "")] == (TEST_CHALLENGE_WINDOW_S, t)
    assert sched[("region_intensity", "KR")][0] == 436000

    snap = raw_w3.provider.make_request("evm_snapshot", [])["result"]
    second = submit(1)
    bond_before = client.get_node(1)["bondWei"]
    client.revoke(second, "fraud")  # inside the window: the escrowed reward is cancelled
    slashed = bond_before - client.get_node(1)["bondWei"]
    ix.sync()
    reward2 = client.get_certificate(second)["rewardUnits"]
    assert slashed > 0 and _events(ix.store)[-2:] == [
        ("cancelled", second, None, reward2, None, None),
        ("bond_slashed", second, 1, slashed, None, None)]
    raw_w3.provider.make_request("evm_revert", [snap])
    raw_w3.provider.make_request("anvil_mine", [3])
    ix.sync()
    assert [e[0] for e in _events(ix.store)] == ["escrowed", "released", "bond_locked"]


def test_release_holds_and_revocation_amounts_are_indexed(ready, vector_cert, deployment,
                                                          make_indexer, dev_accounts):
    """A challenge holds a vesting certificate's release (ReleaseHeld) until its revocation
    lifts the hold; a revocation after release, once the operator moved its credits away,
    claws back nothing and leaves all of it as debt: CertificateRevoked's amounts are indexed
    exactly, as the chain's debtOf says."""
    from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
    from ecoai_chain.indexer.models import Revocation
    from tests.vector_chain import release_now, submit_vector

    client, op = ready["client"], ready["operators"][0]
    ix = make_indexer(config_from_deployment(deployment, confirmations=0))
    released = submit_vector(ready, vector_cert, 0)
    challenged = submit_vector(ready, vector_cert, 1)
    ChallengeClient(client).set_params(ChallengeParams(10**15, 3, 600, 5_000))
    ChallengeClient(client.with_account(dev_accounts[4])).challenge(challenged)
    release_now(client, released)
    minted = client.eco_balance(op.address)
    client.with_account(op)._transact(client.eco_credit.functions.transfer(
        dev_accounts[4].address, minted))
    client.revoke(released, "audit")
    client.revoke(challenged, "audit")
    ix.sync()
    events = _events(ix.store)
    assert [(k, c, n) for k, c, n, *_ in events if k in ("held", "hold_lifted")] == [
        ("held", challenged, 1), ("hold_lifted", challenged, 1)]
    assert ("cancelled", challenged, None, client.get_certificate(challenged)["rewardUnits"],
            None, None) in events
    r = T[Revocation]
    with ix.store.engine.connect() as c:
        amounts = dict((row[0], (row[1], row[2])) for row in c.execute(
            select(r.c.certificate_id, r.c.clawed_back_units, r.c.debt_units)))
    assert amounts == {released: (0, minted), challenged: (0, 0)}
    assert client.debt_of(op.address) == minted > 0
