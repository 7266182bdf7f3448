"""releaseRewards mints once per run of one operator's consecutive ids (issue 16: one ERC20Votes
checkpoint per run, not per certificate), on anvil with the real vector certificates. Property
(Hypothesis over which ids, their order, and the operator's debt): the minted total equals the
sum of the per-certificate released amounts, which equal the rewards minus what the debt
withheld, applied in order; each operator's balance grows by its own share; one mint per run."""

from __future__ import annotations

from itertools import groupby

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3.logs import DISCARD

from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate

pytestmark = pytest.mark.chain

N = 12  # vector certificates: ids 1..10 are node 1's (operator 0), 11..12 node 2's (operator 1)


def _prepare(ready, proof_vectors) -> None:
    """Submit every vector certificate in one batch, then pass their challenge window."""
    client = ready["client"]
    items = []
    for item in proof_vectors["certificates"]:
        cert = {k: (v if k == "workloadClass" else int(v)) for k, v in item["cert"].items()}
        signer = ready["attestors"][cert["nodeId"] - 1]
        sig = sign_certificate(signer, client.w3.eth.chain_id, client.deployment.green_proof,
                               cert)
        items.append((cert, item["proof"], sig))
    assert client.submit_batch(*map(list, zip(*items, strict=True))) == list(range(1, N + 1))
    set_chain_time(client.w3, max(client.get_certificate(i)["releaseAt"]
                                  for i in range(1, N + 1)))


def _indebt(ready, debt_id: int) -> None:
    """Release ``debt_id``, let its operator give every credit away, then revoke it: the whole
    reward becomes the operator's debt (nothing left to claw back)."""
    client = ready["client"]
    node = client.get_certificate(debt_id)["nodeId"]
    operator = ready["operators"][node - 1]
    client.release_rewards([debt_id])
    op = client.with_account(operator)
    op._transact(client.eco_credit.functions.transfer(
        ready["attestors"][0].address, client.eco_balance(operator.address)))
    client.revoke(debt_id, "audit")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(1, N + 1)), take=st.integers(1, N),
       debt_id=st.sampled_from([None, 1, 11]))
def test_minted_total_is_released_minus_withheld_one_mint_per_run(ready, proof_vectors, order,
                                                                  take, debt_id):
    client, rpc = ready["client"], ready["client"].w3.provider.make_request
    if "snapshot" not in ready:  # first example: prepare once, then revert to it each time
        _prepare(ready, proof_vectors)
    else:
        assert rpc("evm_revert", [ready["snapshot"]])["result"]
    ready["snapshot"] = rpc("evm_snapshot", [])["result"]
    if debt_id is not None:
        _indebt(ready, debt_id)
    ids = [i for i in order if i != debt_id][:take]
    op_of = {i: ready["operators"][client.get_certificate(i)["nodeId"] - 1].address for i in ids}
    debt = {a: client.debt_of(a) for a in set(op_of.values())}
    balance = {a: client.eco_balance(a) for a in debt}
    # the rule, applied in order: the debt is paid first, the rest is minted
    expected = []
    for i in ids:
        reward = client.get_certificate(i)["rewardUnits"]
        withheld = min(reward, debt[op_of[i]])
        debt[op_of[i]] -= withheld
        expected.append((i, op_of[i], reward - withheld, withheld))

    records = client.certificate_records(ids)
    minted = client.green_proof.functions.releaseRewards(ids, records).call()
    out = client.release_rewards(ids, records)
    receipt = client.last_receipt
    released = [(int(e.args["certificateId"]), e.args["operator"], int(e.args["mintedUnits"]),
                 int(e.args["withheldUnits"])) for e in
                client.green_proof.events.RewardReleased().process_receipt(receipt,
                                                                           errors=DISCARD)]
    mints = [(e.args["to"], int(e.args["value"])) for e in
             client.eco_credit.events.Transfer().process_receipt(receipt, errors=DISCARD)
             if int(e.args["from"], 16) == 0]
    assert released == expected  # events per certificate, unchanged
    assert minted == out["minted_units"] == sum(m for _, m in mints) == sum(
        r[2] for r in released)
    assert out["withheld_units"] == sum(r[3] for r in released)
    runs = [(a, sum(r[2] for r in group)) for a, group in groupby(expected, key=lambda r: r[1])]
    assert mints == [(a, units) for a, units in runs if units > 0]  # one mint per run
    for a in balance:
        assert client.eco_balance(a) - balance[a] == sum(r[2] for r in expected if r[1] == a)
        assert client.debt_of(a) == debt[a]
