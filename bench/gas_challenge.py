"""Gas of the challenge game (contracts/ChallengeManager.sol), for bench/bench_gas_ops.py.

On a certificate submitted with a real proof (vector certificate 0, whose openings are in
tests/vectors/challenge_openings.json): challenge (deposit paid), drawSlots, answerChallenge
with 1, 2 and 4 slots (the per-slot cost is the marginal one), and finalizeChallenge after a
missed deadline (revocation, escrow cancelled, bond slashed, challenger paid). Also the on-chain
Poseidon alone: the leaf hash (circomlibjs's contract) and the node hash (PoseidonHasher(8)).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from ecoai_chain.chain.hashers import poseidon_abi

ROOT = Path(__file__).resolve().parents[1]
ANSWER_WINDOW_S = 600


def _opening(o: dict) -> tuple:
    return (o["slot"], int(o["energy_mj"]), int(o["work"]), int(o["salt"]),
            [[int(x) for x in lvl] for lvl in o["siblings"]])


def challenge_rows(client: Any, answered_id: int) -> list[tuple[str, int, str]]:
    """``answered_id``: the (vesting) certificate of vector 0, challenged and answered three
    times with 1, 2 and 4 slots; then the on-chain Poseidon alone."""
    vec = json.loads((ROOT / "tests" / "vectors" / "challenge_openings.json").read_text())
    openings = {o["slot"]: _opening(o) for o in vec["openings"]}
    w3 = client.w3
    cm = ChallengeClient(client)
    gas = lambda: client.last_receipt["gasUsed"]  # noqa: E731
    rows: list[tuple[str, int, str]] = []
    answers: dict[int, int] = {}
    for k in (1, 2, 4):
        cm.set_params(ChallengeParams(10**16, k, ANSWER_WINDOW_S, 5_000))
        cid = cm.challenge(answered_id)
        if k == 1:
            rows.append(("challenge (deposit paid)", gas(), ""))
        for _ in range(3):
            w3.provider.make_request("evm_mine", [])
        cm.draw_slots(cid)
        if k == 1:
            rows.append(("drawSlots (seed fixed, slots emitted)", gas(), ""))
        cm.answer(cid, [openings[s] for s in cm.slots(cid)])
        answers[k] = gas()
        rows.append((f"answerChallenge, {k} slot(s) (drawn already)", answers[k], ""))
    per_slot = (answers[4] - answers[1]) // 3
    rows.append(("answerChallenge per slot (marginal, 1 -> 4)", per_slot,
                 "leaf Poseidon(3) + 2 x Poseidon(8) + event"))
    leaf, node = client.deployment.address("PoseidonLeaf"), client.deployment.address(
        "PoseidonNode")
    for name, addr, n in (("Poseidon(3) leaf, circomlibjs contract", leaf, 3),
                          ("Poseidon(8) node, PoseidonHasher", node, 8)):
        fn = w3.eth.contract(address=addr, abi=poseidon_abi(n)).functions.poseidon(
            list(range(1, n + 1)))
        rows.append((name, fn.estimate_gas() - 21_000, "estimateGas - 21000"))
    return rows


def default_rows(client: Any, certificate_id: int) -> list[tuple[str, int, str]]:
    """Challenge a vesting certificate, let the deadline pass, finalize (it ends revoked)."""
    w3 = client.w3
    cm = ChallengeClient(client)
    cm.set_params(ChallengeParams(10**16, 4, ANSWER_WINDOW_S, 5_000))
    cid = cm.challenge(certificate_id)
    w3.provider.make_request("evm_increaseTime", [ANSWER_WINDOW_S + 1])
    w3.provider.make_request("evm_mine", [])
    cm.finalize(cid)
    return [("finalizeChallenge (revoke, cancel escrow, slash, pay)",
             client.last_receipt["gasUsed"], "")]
