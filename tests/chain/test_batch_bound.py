"""The batch path's economics, as a property on anvil with the real vector certificates
(Hypothesis over which items a batch carries, repeats included, and which are corrupted: a
proof taken from another item, a signature by another key). Whatever the batch:
* an item lands only if it is valid and its (node, epoch) is not certified yet, earlier items
  of the same batch included; every other item is skipped, and nothing reverts;
* each landed certificate's reward is within the contract's per-epoch bound for its node,
  class and epoch start, and equals computeReward of its own fields;
* the operators' escrow grows by exactly the landed rewards (nothing escrowed for a skip)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoai_chain.chain.eip712 import sign_certificate

pytestmark = [pytest.mark.chain, pytest.mark.slow]

N = 12  # vector certificates: 1..10 node 1's (operator 0), 11..12 node 2's (operator 1)

item = st.tuples(st.integers(0, N - 1), st.sampled_from(["ok", "ok", "other_proof", "other_key"]),
                 st.integers(0, N - 1))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(item, min_size=1, max_size=8))
def test_a_batch_lands_each_valid_epoch_once_within_its_bound(ready, proof_vectors, batch):
    client, rpc = ready["client"], ready["client"].w3.provider.make_request
    if "batch_snapshot" in ready:
        assert rpc("evm_revert", [ready["batch_snapshot"]])["result"]
    ready["batch_snapshot"] = rpc("evm_snapshot", [])["result"]
    vecs = proof_vectors["certificates"]
    certs, proofs, sigs, valid = [], [], [], []
    for i, how, j in batch:
        cert = {k: (v if k == "workloadClass" else int(v)) for k, v in vecs[i]["cert"].items()}
        node = cert["nodeId"]
        signer = ready["attestors"][node - 1]
        if how == "other_key":
            signer = ready["attestors"][2 - node]  # the other node's attestor
        proof = vecs[j if how == "other_proof" else i]["proof"]
        certs.append(cert)
        proofs.append(proof)
        sigs.append(sign_certificate(signer, client.w3.eth.chain_id,
                                     client.deployment.green_proof, cert))
        valid.append(how == "ok" or (how == "other_proof" and j == i))
    operators = [a.address for a in ready["operators"][:2]]
    escrow_before = {a: client.escrowed_of(a) for a in operators}
    first = client.certificate_count() + 1

    outcomes = client.submit_batch_outcome(certs, proofs, sigs)

    seen: set[tuple[int, int]] = set()
    landed = []
    for cert, ok, out in zip(certs, valid, outcomes, strict=True):
        key = (cert["nodeId"], cert["epochStart"])
        lands = ok and key not in seen
        assert (out.skipped is None) == lands, (key, ok, out)
        if lands:
            seen.add(key)
            landed.append((cert, out.certificate_id))
    assert [cid for _, cid in landed] == list(range(first, first + len(landed)))
    assert client.certificate_count() == first + len(landed) - 1
    gp = client.green_proof.functions
    gained = dict.fromkeys(operators, 0)
    for cert, cid in landed:
        stored = client.get_certificate(cid)
        bound = gp.rewardBound(cert["nodeId"], cert["workloadClass"], cert["epochStart"]).call()
        baseline, _ = gp.baselineOf(cert["workloadClass"]).call()
        _, _, reward = gp.computeReward(baseline, cert["work"], cert["carbonMg"]).call()
        assert stored["rewardUnits"] == reward <= bound
        gained[operators[cert["nodeId"] - 1]] += reward
    assert {a: client.escrowed_of(a) - escrow_before[a] for a in operators} == gained
