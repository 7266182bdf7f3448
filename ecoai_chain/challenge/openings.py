"""Build a challenge answer from an epoch's committed values (pure).

An `EpochInput` (the attestor rebuilds it from its store and seed) opens each drawn slot; the
answer is refused here, before anything is sent, when the epoch does not hash to the
certificate's root (windows missing or altered): `ChallengeAnswerError` names what is wrong, so
the agent can raise an alert instead of sending an answer the contract would revert.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecoai_chain.errors import ChallengeAnswerError
from ecoai_chain.zk.witness import EpochInput


def opening_tuple(epoch: EpochInput, slot: int) -> tuple:
    """The contract's Opening struct (slot, energyMj, work, salt, siblings[2][7])."""
    o = epoch.slot_opening(slot)
    return (slot, o.energy_mj, o.work, o.salt, [list(level) for level in o.proof.siblings])


def build_answer(epoch: EpochInput, slots: Sequence[int], root: int) -> list[tuple]:
    """Openings for ``slots`` in order; raises `ChallengeAnswerError` if the epoch's root is not
    ``root`` or a slot is outside the epoch."""
    if epoch.root != root:
        raise ChallengeAnswerError(
            f"the stored epoch {epoch.epoch_start_s} hashes to root {epoch.root}, not the "
            f"certificate's {root}: its windows are missing or differ from what was committed")
    bad = [s for s in slots if not 0 <= s < epoch.slot_count]
    if bad:
        raise ChallengeAnswerError(f"slots {bad} are outside the epoch's {epoch.slot_count} slots")
    return [opening_tuple(epoch, s) for s in slots]


def opened_values(openings: Sequence[tuple]) -> list[dict[str, Any]]:
    """[{slot, energy_mj, work}] of an answer, for logs and status."""
    return [{"slot": o[0], "energy_mj": o[1], "work": o[2]} for o in openings]
