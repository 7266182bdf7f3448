"""Sound Eco Credits on a real anvil (issue 13), from Python through GreenProofClient:
the efficiency ceiling against certificates proved here with the committed setup (the forged
epoch of the issue: energy 0, work 2^64-1 in every slot), the per-epoch bound, parameters fixed
in time, the submission deadline, vesting and operator debt."""

from __future__ import annotations

import hashlib

import pytest

from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.core import credits, units
from ecoai_chain.errors import ContractRevert

pytestmark = pytest.mark.chain

WORKLOAD = "llm-inference"


def _prove(epochs):
    pytest.importorskip("ecoai_chain.zk.prover")
    from ecoai_chain.core.signals import from_public_signals
    from ecoai_chain.zk.artifacts import zk_artifacts
    from ecoai_chain.zk.prover import Prover

    try:
        zk_artifacts()
    except Exception as e:  # noqa: BLE001 - no setup here: say so
        pytest.skip(f"ZK artifacts missing: {e}")
    out = []
    with Prover() as prover:
        for e in epochs:
            bundle = prover.prove(e)
            out.append(({**from_public_signals(bundle.public_signals),
                         "workload_class": WORKLOAD}, bundle))
    return out


@pytest.mark.slow
def test_forged_epoch_refused_by_the_ceiling_and_the_ceiling_is_exact(ready, proof_vectors):
    """Three certificates of node 1, each with a real proof made here from the committed zkey:
    energy 0 with maximal work (refused: ceiling), work exactly at the ceiling (accepted, reward
    within the bound), one unit of work more (refused)."""
    from ecoai_chain.zk.witness import EpochInput

    client = ready["client"]
    attestor = ready["attestors"][0]
    node = proof_vectors["nodes"][0]
    ceiling = int(proof_vectors["efficiency_ceiling_work_per_kwh"])
    length = proof_vectors["epoch_length_s"]
    slots, window = 60, length // 60
    first = proof_vectors["params_effective_from_s"] + length  # after the parameters
    first -= first % length
    energy = [12_345_678] * slots
    at = credits.max_work_at_ceiling(sum(energy), ceiling)
    at_work = [at // slots + (1 if i < at % slots else 0) for i in range(slots)]
    seed = hashlib.sha256(b"test-credits").digest()

    def epoch(k, slot_energy, slot_work):
        return EpochInput(node_id=1, epoch_start_s=first + k * length, window_s=window,
                          slot_energy_mj=slot_energy, slot_work=slot_work,
                          intensity_mg_per_kwh=proof_vectors["intensities"][0][
                              "intensity_mg_per_kwh"],
                          max_power_mw=node["max_power_mw"], seed=seed)

    (forged, fb), (exact, eb), (above, ab) = _prove([
        epoch(0, [0] * slots, [2**64 - 1] * slots),
        epoch(1, energy, at_work),
        epoch(2, energy, [at_work[0] + 1, *at_work[1:]]),
    ])
    assert forged["total_energy_mj"] == 0 and forged["total_work"] == (2**64 - 1) * slots
    assert exact["total_work"] == at and above["total_work"] == at + 1

    def sign(c):
        return sign_certificate(attestor, client.w3.eth.chain_id, client.deployment.green_proof, c)

    cls = "0x" + WORKLOAD.encode().ljust(32, b"\0").hex()
    with pytest.raises(ContractRevert) as err:
        client.submit_certificate(forged, fb, sign(forged))
    assert (err.value.name, err.value.args_) == (
        "GreenProofAboveEfficiencyCeiling",
        (bytes.fromhex(cls[2:]), forged["total_work"], 0, ceiling))
    with pytest.raises(ContractRevert) as err:
        client.submit_certificate(above, ab, sign(above))
    assert err.value.name == "GreenProofAboveEfficiencyCeiling"
    assert err.value.args_[1:] == (at + 1, sum(energy), ceiling)

    cid = client.submit_certificate(exact, eb, sign(exact))
    stored = client.get_certificate(cid)
    baseline = int(proof_vectors["baseline_ng_per_work"])
    expected = units.reward_units(units.baseline_mg(baseline, at), exact["carbon_mg"])
    assert stored["rewardUnits"] == expected > 0
    bound = client.reward_bound(1, WORKLOAD, exact["epoch_start_s"])
    assert expected <= bound == credits.reward_bound_units(
        baseline, ceiling, exact["intensity_mg_per_kwh"], node["max_power_mw"], length)
    assert client.max_epoch_reward(1, exact["epoch_start_s"])[0] == bound


def test_ceiling_cases_from_the_vectors(ready, vector_cert):
    client = ready["client"]

    def signed(i):
        cert, proof = vector_cert(i)
        att = ready["attestors"][cert["nodeId"] - 1]
        return cert, proof, sign_certificate(att, client.w3.eth.chain_id,
                                             client.deployment.green_proof, cert)

    with pytest.raises(ContractRevert, match="GreenProofAboveEfficiencyCeiling"):
        client.submit_certificate(*signed("forged"))
    with pytest.raises(ContractRevert, match="GreenProofAboveEfficiencyCeiling"):
        client.submit_certificate(*signed("above_ceiling"))
    assert client.submit_certificate(*signed("at_ceiling")) == 1


def test_parameters_cannot_be_backdated_and_the_deadline_holds(ready, proof_vectors, vector_cert):
    client = ready["client"]
    now = client.chain_time_s()
    with pytest.raises(ContractRevert) as err:
        client.set_region_intensity("KR", 1, now - 1)
    assert err.value.name == "GreenProofEffectiveInPast"
    assert err.value.args_[:3] == (0, b"KR".ljust(32, b"\0"), now - 1)
    cert, proof = vector_cert(0)
    deadline = client.submission_deadline_s(cert["epochStart"])
    assert deadline == cert["epochStart"] + proof_vectors["epoch_length_s"] + 7 * 86_400
    set_chain_time(client.w3, deadline + 1)
    sig = sign_certificate(ready["attestors"][0], client.w3.eth.chain_id,
                           client.deployment.green_proof, cert)
    with pytest.raises(ContractRevert) as err:
        client.submit_certificate(cert, proof, sig)
    assert err.value.name == "GreenProofSubmissionDeadlinePassed"
    assert err.value.args_[:2] == (cert["epochStart"], deadline)
