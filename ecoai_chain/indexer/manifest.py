"""Indexer configuration from the deployment manifest (`chain.deployment.load_manifest`, the one
parser of the file `ecoai chain deploy` writes): contract addresses, deployment block, chain id."""

from __future__ import annotations

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client_claims import CLAIMS_CONTRACT
from ecoai_chain.chain.deployment import GOVERNANCE_CONTRACTS, Deployment
from ecoai_chain.indexer.follower import IndexerConfig


def config_from_deployment(dep: Deployment, **overrides) -> IndexerConfig:
    """GreenProof and EcoCredit, and CertificateClaims and the ChallengeManager where the
    deployment has them (manifests written before issues 17 and 15 do not)."""
    gp_abi = load_artifact("GreenProof").abi
    names = [n for n in ("GreenProof", "EcoCredit", CLAIMS_CONTRACT, "ChallengeManager")
             if n in dep.contracts]
    refs = [dep.contracts[n] for n in names]
    gov = [n for n in GOVERNANCE_CONTRACTS if n in dep.contracts]
    actions = {n: (dep.address(n), load_artifact(n).abi)
               for n in ("GreenProof", "EcoCredit", *gov)}
    return IndexerConfig(addresses=[r.address for r in refs],
                         abis=[*(load_artifact(n).abi for n in names),
                               *(load_artifact(n).abi for n in gov)],
                         start_block=min(r.block for r in refs), chain_id=dep.chain_id,
                         submit_abi=gp_abi, green_proof=refs[0].address,
                         governance=[dep.address(n) for n in gov], action_contracts=actions,
                         **overrides)
