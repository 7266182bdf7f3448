"""Which slots a challenge must open: the mirror of ``ChallengeManager.drawSlotsFrom`` / ``seedOf``.

``seed = keccak256(abi.encode(blockhash(randomnessBlock), challengeId))``; the slots are the first
``min(open_count, slot_count)`` positions of a partial Fisher-Yates shuffle of 0..slot_count-1
where step i swaps position i with ``i + keccak256(abi.encode(seed, i)) % (slot_count - i)``.
Pure: no chain access (tests compare it with the contract and with blocks read from anvil).
"""

from __future__ import annotations

from eth_utils import keccak

from ecoai_chain.errors import ValidationError

MAX_SLOTS = 64


def _word(v: int) -> bytes:
    return v.to_bytes(32, "big")


def seed_of(block_hash: bytes, challenge_id: int) -> bytes:
    """keccak256(abi.encode(bytes32 blockHash, uint256 challengeId))."""
    if len(block_hash) != 32:
        raise ValidationError("block_hash", f"must be 32 bytes, got {len(block_hash)}")
    if isinstance(challenge_id, bool) or not isinstance(challenge_id, int) or challenge_id < 0:
        raise ValidationError("challenge_id",
                              f"must be a non-negative integer, got {challenge_id!r}")
    return keccak(bytes(block_hash) + _word(challenge_id))


def draw_slots(seed: bytes, slot_count: int, open_count: int) -> list[int]:
    """The slots to open, in the order the answer must give them."""
    if len(seed) != 32:
        raise ValidationError("seed", f"must be 32 bytes, got {len(seed)}")
    for name, v in (("slot_count", slot_count), ("open_count", open_count)):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_SLOTS:
            raise ValidationError(name, f"must be an integer in [0, {MAX_SLOTS}], got {v!r}")
    pool = list(range(slot_count))
    out = []
    for i in range(min(open_count, slot_count)):
        j = i + int.from_bytes(keccak(bytes(seed) + _word(i)), "big") % (slot_count - i)
        pool[i], pool[j] = pool[j], pool[i]
        out.append(pool[i])
    return out
