"""A chain prepared for the real-proof vectors (tests/vectors/contract_proofs.json), in one place.

DAO parameters are scheduled from now on only, and the vectors' epochs lie at fixed times, so a
chain that must accept them starts before them (``ANVIL_ARGS``: anvil's genesis at the vectors'
``chain_start_s``), schedules the parameters (`schedule_vector_params`) and then moves its
clock past the epochs (`past_vector_epochs`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecoai_chain.chain.devnet import set_chain_time

VECTORS = json.loads((Path(__file__).resolve().parent / "vectors" /
                      "contract_proofs.json").read_text())
ANVIL_ARGS = ["--timestamp", str(VECTORS["chain_start_s"])]
# The challenge window the tests schedule (the contract's default is 7 days).
TEST_CHALLENGE_WINDOW_S = 3600


def vectors_end_s(vectors: dict = VECTORS) -> int:
    """End of the last epoch among the vectors (certificates and ceiling cases)."""
    items = [*vectors["certificates"], *vectors["ceiling_cases"].values()]
    return max(int(c["cert"]["epochStart"]) for c in items) + vectors["epoch_length_s"]


def schedule_vector_params(client: Any, vectors: dict = VECTORS) -> None:
    """Intensities, baseline, efficiency ceiling and a one-hour challenge window, all from the
    vectors' ``params_effective_from_s`` (the chain must not have reached it yet)."""
    t = vectors["params_effective_from_s"]
    for e in vectors["intensities"]:
        client.set_region_intensity(e["region"], e["intensity_mg_per_kwh"], e["effective_from"])
    cls = vectors["workload_class"]
    client.set_baseline(cls, int(vectors["baseline_ng_per_work"]), t)
    client.set_efficiency_ceiling(cls, int(vectors["efficiency_ceiling_work_per_kwh"]), t)
    client.set_challenge_window(TEST_CHALLENGE_WINDOW_S, t)


def past_vector_epochs(w3: Any, vectors: dict = VECTORS) -> None:
    """Move the chain's clock past every vector epoch (all within their deadline)."""
    set_chain_time(w3, vectors_end_s(vectors))


def submit_vector(ready: dict, vector_cert: Any, i: int) -> int:
    """Submit vector certificate ``i`` (from the ``vector_cert`` fixture) on the ``ready``
    chain, signed by its node's attestor, through the admin client; its certificate id."""
    from ecoai_chain.chain.eip712 import sign_certificate

    cert, proof = vector_cert(i)
    client = ready["client"]
    attestor = ready["attestors"][cert["nodeId"] - 1]
    sig = sign_certificate(attestor, client.w3.eth.chain_id, client.deployment.green_proof, cert)
    return client.submit_certificate(cert, proof, sig)


def release_now(client: Any, certificate_id: int) -> None:
    """Move the chain's clock to the certificate's release time (if not past it) and release
    its reward."""
    set_chain_time(client.w3, client.get_certificate(certificate_id)["releaseAt"], at_least=True)
    client.release_rewards([certificate_id])
