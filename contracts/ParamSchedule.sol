// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title An append-only schedule of (effectiveFrom, value) entries whose latest entry is one word
/// @dev Same lookups as OpenZeppelin's `Checkpoints.Trace208` (latest entry with effectiveFrom
///      <= t, 0 when there is none), laid out for the common case of a recent t:
///      - `head` is the latest entry, packed `effectiveFrom << 208 | value`: a lookup at
///        t >= its effectiveFrom, or on an empty schedule (head 0), reads that one slot;
///      - `past` holds every earlier entry, oldest first, in the same packing: an older t
///        binary-searches it (log2 of its length reads).
///      Values must be non-zero (GreenProofParams stores value + 1, so 0 means "never set").
///      Keys are not checked here: the caller refuses an effectiveFrom before the latest one
///      (with its own error) before it pushes.
library ParamSchedule {
    struct Schedule {
        uint256 head;
        uint256[] past;
    }

    uint256 private constant VALUE_BITS = 208;

    /// @dev The value of the latest entry with effectiveFrom <= `t`; 0 if there is none.
    function lookup(Schedule storage self, uint48 t) internal view returns (uint208) {
        uint256 head = self.head;
        if (head >> VALUE_BITS <= t) return uint208(head); // 0 for an empty schedule
        uint256[] storage past = self.past;
        uint256 low = 0;
        uint256 high = past.length;
        // The first entry with effectiveFrom > t is at `high` once low == high.
        while (low < high) {
            // Cannot overflow: both are at most the array's length, far below 2^255.
            uint256 mid;
            unchecked {
                mid = (low + high) >> 1;
            }
            if (_at(past, mid) >> VALUE_BITS > t) high = mid;
            else low = mid + 1;
        }
        // Cannot underflow: high - 1 is only taken when high > 0.
        unchecked {
            return high == 0 ? 0 : uint208(_at(past, high - 1));
        }
    }

    /// @dev Whether the schedule has an entry, and the latest entry's effectiveFrom.
    function latest(Schedule storage self) internal view returns (bool exists, uint48 effectiveFrom) {
        uint256 head = self.head;
        return (head != 0, uint48(head >> VALUE_BITS));
    }

    /// @dev Appends (effectiveFrom, value); an entry at the latest entry's effectiveFrom replaces
    ///      its value (as Checkpoints does). Requires value != 0 and effectiveFrom >= the latest
    ///      entry's (checked by the caller).
    function push(Schedule storage self, uint48 effectiveFrom, uint208 value) internal {
        uint256 head = self.head;
        if (head != 0 && head >> VALUE_BITS != effectiveFrom) self.past.push(head);
        self.head = (uint256(effectiveFrom) << VALUE_BITS) | value;
    }

    /// @dev `past[i]` without the bounds check: every call above has i < past.length (mid <
    ///      high <= length; high - 1 < length).
    function _at(uint256[] storage past, uint256 i) private view returns (uint256 entry) {
        assembly ("memory-safe") {
            mstore(0x00, past.slot)
            entry := sload(add(keccak256(0x00, 0x20), i))
        }
    }
}
