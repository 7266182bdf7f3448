"""EIP-1559 fees for a transaction that must land: the first offer and its replacements.

Pure integer arithmetic (wei per gas), no I/O. A transaction signed when the base fee was low
stays valid but unmineable once the base fee rises above its max fee; the only way forward is
a replacement at the same nonce, which pools accept only if it raises *both* the max fee and
the priority fee by their minimum bump (geth, reth, erigon: 10 %; some pools 12.5 %). The
policy bumps by ``bump_percent`` (at least 13, so every common pool takes it), offers at least
what the current base fee needs, and never exceeds ``max_fee_per_gas_wei``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecoai_chain.errors import FeeCapReached, ValidationError

MIN_BUMP_PERCENT = 13  # > 12.5 %, the highest replacement minimum among common pools


@dataclass(frozen=True)
class Fees:
    max_fee_per_gas_wei: int
    max_priority_fee_per_gas_wei: int


@dataclass(frozen=True)
class FeePolicy:
    max_fee_per_gas_wei: int
    bump_percent: int = 25

    def __post_init__(self) -> None:
        if self.max_fee_per_gas_wei <= 0:
            raise ValidationError("max_fee_per_gas_wei", "must be positive")
        if self.bump_percent < MIN_BUMP_PERCENT:
            raise ValidationError("bump_percent", f"must be at least {MIN_BUMP_PERCENT} (pools "
                                                  "refuse smaller replacement bumps)")

    def _wanted(self, base_fee_wei: int, tip_wei: int) -> int:
        # 2 x base: stays includable through six consecutive full blocks (+12.5 % each).
        return 2 * base_fee_wei + tip_wei

    def initial(self, base_fee_wei: int, tip_wei: int) -> Fees:
        """The first offer; `FeeCapReached` if even the base fee is above the cap."""
        if base_fee_wei >= self.max_fee_per_gas_wei:
            raise FeeCapReached(base_fee_wei + tip_wei, self.max_fee_per_gas_wei)
        max_fee = min(self._wanted(base_fee_wei, tip_wei), self.max_fee_per_gas_wei)
        return Fees(max_fee, min(tip_wei, max_fee - base_fee_wei))

    def bump(self, wei: int) -> int:
        """``wei`` raised by the bump, rounded up, and by at least 1 wei."""
        return max(wei + 1, -(-wei * (100 + self.bump_percent) // 100))

    def replacement(self, prev: Fees, base_fee_wei: int, tip_wei: int) -> Fees:
        """The offer that replaces ``prev`` at the same nonce: both fees bumped, and at least
        what the current base fee needs. `FeeCapReached` if that would exceed the cap."""
        tip = max(self.bump(prev.max_priority_fee_per_gas_wei), tip_wei)
        floor = self.bump(prev.max_fee_per_gas_wei)
        max_fee = max(floor, self._wanted(base_fee_wei, tip))
        if max_fee > self.max_fee_per_gas_wei:
            # Still worth it if the capped offer outbids prev and clears the base fee.
            max_fee = self.max_fee_per_gas_wei
            if max_fee < floor or max_fee <= base_fee_wei:
                raise FeeCapReached(max(floor, base_fee_wei + 1), self.max_fee_per_gas_wei)
        return Fees(max_fee, min(tip, max_fee))
