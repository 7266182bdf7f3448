"""Deploy the on-chain Poseidon hashers the challenge game checks openings with.

``contracts/generated/poseidon.json`` (``node scripts/gen_poseidon_contracts.mjs``, from
circomlibjs; a test regenerates and compares it) holds both:

* ``PoseidonLeaf`` -- circomlibjs's own generated contract for 3 inputs (the slot leaf
  Poseidon(energy_mj, work, salt)), deployed from its creation code as is;
* ``PoseidonNode`` -- ``contracts/PoseidonHasher.sol`` for 8 inputs (the Merkle node), whose
  constructor takes circomlibjs's optimized constants for t = 9 (circomlibjs's generator cannot
  emit more than 6 inputs).

Both answer ``poseidon(uint256[n]) -> uint256`` like circomlib's ``Poseidon(n)``. The
``ChallengeManager`` checks challenge answers with them (`deploy_challenge_manager`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.tx import send_tx
from ecoai_chain.errors import ToolchainError
from ecoai_chain.toolchain import project_root

HASHER_NAMES = ("PoseidonLeaf", "PoseidonNode")


@cache
def poseidon_contracts() -> dict[str, Any]:
    path = project_root() / "contracts" / "generated" / "poseidon.json"
    if not path.is_file():
        raise ToolchainError(f"{path} missing: run node scripts/gen_poseidon_contracts.mjs")
    return json.loads(path.read_text())


def poseidon_abi(n_inputs: int) -> list[dict[str, Any]]:
    """``poseidon(uint256[n]) view returns (uint256)``, what both hashers answer."""
    return [{
        "type": "function", "name": "poseidon", "stateMutability": "view",
        "inputs": [{"name": "input", "type": f"uint256[{n_inputs}]"}],
        "outputs": [{"name": "", "type": "uint256"}],
    }]


def deploy_hashers(w3: Web3, account: LocalAccount) -> dict[str, tuple[str, int]]:
    """Deploy both hashers; returns name -> (address, block)."""
    spec = poseidon_contracts()
    out: dict[str, tuple[str, int]] = {}
    receipt = send_tx(w3, account, {"data": spec["leaf"]["creation_code"]})
    out["PoseidonLeaf"] = (receipt["contractAddress"], receipt["blockNumber"])
    hasher = load_artifact("PoseidonHasher")
    factory = w3.eth.contract(abi=hasher.abi, bytecode=hasher.bytecode)
    tx = factory.constructor(spec["node"]["n_inputs"], bytes.fromhex(spec["node"]["constants"][2:]))
    receipt = send_tx(w3, account, tx.build_transaction({"from": account.address}))
    out["PoseidonNode"] = (receipt["contractAddress"], receipt["blockNumber"])
    return out


def deploy_challenge_manager(w3: Web3, account: LocalAccount, green_proof: str, admin: str,
                             leaf: str, node: str, params: Any) -> tuple[str, int]:
    """Deploy the ChallengeManager (``params``: a `ChallengeParams`) and, when ``account`` is
    GreenProof's admin, grant it GreenProof's CHALLENGE_ROLE (otherwise the admin must).
    Returns (address, block)."""
    art = load_artifact("ChallengeManager")
    factory = w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
    tx = factory.constructor(admin, green_proof, leaf, node, params.deposit_wei, params.open_count,
                             params.answer_window_s, params.challenger_share_bps)
    receipt = send_tx(w3, account, tx.build_transaction({"from": account.address}))
    address = receipt["contractAddress"]
    gp = w3.eth.contract(address=green_proof, abi=load_artifact("GreenProof").abi)
    if gp.functions.hasRole(b"\x00" * 32, account.address).call():
        role = gp.functions.CHALLENGE_ROLE().call()
        send_tx(w3, account, gp.functions.grantRole(role, address).build_transaction(
            {"from": account.address}))
    return address, receipt["blockNumber"]
