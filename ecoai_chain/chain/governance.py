"""Hand a deployment's powers to the DAO: deploy EcoTimelock + EcoGovernor and move the roles.

Who gets which role is one table, ``contracts/roles.json`` (also read by the contract tests):
the timelock holds every GreenProof and EcoCredit role except pausing, the guardian holds
GreenProof's PAUSER_ROLE and the timelock's CANCELLER_ROLE, the governor proposes to and
executes through the timelock, and the deployer renounces everything it held.

A fresh token has no votes, and votes come only from certified epochs, which need active nodes
and parameters: so the genesis parameters and nodes are set with plain roles first (``ecoai
chain deploy --no-governor`` + ``ecoai dao ...``, or `deploy_all` in code), then
`hand_over_to_dao` (``ecoai chain hand-over``) makes every later change a proposal.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.deployment import (
    ContractRef,
    Deployment,
    GovernanceConfig,
    deploy_contract,
)
from ecoai_chain.chain.tx import send_tx
from ecoai_chain.errors import ConfigError
from ecoai_chain.toolchain import project_root

ROLE_CONTRACTS = ("GreenProof", "EcoCredit", "ChallengeManager", "EcoTimelock")


@cache
def role_table() -> dict[str, Any]:
    """contracts/roles.json: ``holders`` (contract -> role -> [holder]) and ``functions``
    (contract -> function -> gating role | anyone | operator | self)."""
    return json.loads((project_root() / "contracts" / "roles.json").read_text())


def hand_over_to_dao(w3: Web3, account: LocalAccount, deployment: Deployment,
                     cfg: GovernanceConfig) -> Deployment:
    """Deploy the timelock and governor, grant the roles of contracts/roles.json and renounce
    every role ``account`` held. ``account`` must hold every admin role (the deployer after
    `deploy_all`). Returns the deployment with both contracts and the settings recorded."""
    if deployment.governance is not None:
        raise ConfigError(f"deployment is already governed by EcoGovernor "
                          f"{deployment.address('EcoGovernor')}")
    me = account.address
    gp = w3.eth.contract(address=deployment.green_proof, abi=load_artifact("GreenProof").abi)
    eco = w3.eth.contract(address=deployment.eco_credit, abi=load_artifact("EcoCredit").abi)
    for c, name in ((gp, "GreenProof"), (eco, "EcoCredit")):
        if not c.functions.hasRole(b"\x00" * 32, me).call():
            raise ConfigError(f"{me} is not {name}'s admin: only the admin can hand over")

    timelock, tl_ref = deploy_contract(w3, account, load_artifact("EcoTimelock"),
                                       cfg.timelock_delay_s, [], [], me)
    governor, gov_ref = deploy_contract(
        w3, account, load_artifact("EcoGovernor"), deployment.eco_credit, timelock.address,
        cfg.voting_delay_s, cfg.voting_period_s, cfg.proposal_threshold_units,
        cfg.quorum_percent)
    holders = {"timelock": timelock.address, "governor": governor.address,
               "guardian": cfg.guardian, "GreenProof": deployment.green_proof}
    contracts = {"GreenProof": gp, "EcoCredit": eco, "EcoTimelock": timelock}
    if "ChallengeManager" in deployment.contracts:  # deployments before issue 15 have none
        holders["ChallengeManager"] = deployment.address("ChallengeManager")
        contracts["ChallengeManager"] = w3.eth.contract(
            address=holders["ChallengeManager"], abi=load_artifact("ChallengeManager").abi)
    names = [n for n in ROLE_CONTRACTS if n in contracts]
    table = role_table()["holders"]

    def tx(fn: Any) -> None:
        send_tx(w3, account, fn.build_transaction({"from": me}))

    for name in names:
        c = contracts[name]
        for role, who in table[name].items():
            role_id = getattr(c.functions, role)().call()
            for h in who:
                if h not in holders:  # a contract this deployment does not have
                    continue
                if not c.functions.hasRole(role_id, holders[h]).call():
                    tx(c.functions.grantRole(role_id, holders[h]))
    # The admin roles go last, so the deployer can grant until the very end.
    for name in names:
        c = contracts[name]
        roles = sorted(table[name], key=lambda r: r == "DEFAULT_ADMIN_ROLE")
        for role in roles:
            role_id = getattr(c.functions, role)().call()
            if c.functions.hasRole(role_id, me).call() and me not in _holder_addresses(
                    table[name][role], holders):
                tx(c.functions.renounceRole(role_id, me))
    refs = dict(deployment.contracts)
    refs["EcoTimelock"], refs["EcoGovernor"] = tl_ref, gov_ref
    return replace(deployment, contracts=refs, governance=cfg, block_number=w3.eth.block_number)


def _holder_addresses(who: list[str], holders: dict[str, str]) -> set[str]:
    return {holders[h] for h in who if h in holders}


def role_holders(deployment: Deployment) -> dict[str, str]:
    """The role table's holder names -> addresses for this deployment. Without a governor,
    the admin (``extra['admin']`` or the deployer) holds the timelock's and guardian's roles."""
    out = {"GreenProof": deployment.green_proof}
    if "ChallengeManager" in deployment.contracts:
        out["ChallengeManager"] = deployment.address("ChallengeManager")
    if deployment.governance is None:
        admin = deployment.role_admin
        out.update(timelock=admin, guardian=admin, governor=admin)
    else:
        out.update(timelock=deployment.address("EcoTimelock"),
                   governor=deployment.address("EcoGovernor"),
                   guardian=deployment.governance.guardian)
    return out


__all__ = ["ContractRef", "GovernanceConfig", "hand_over_to_dao", "role_holders", "role_table"]
