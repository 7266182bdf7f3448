// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Append-only schedules of (effectiveFrom, value) entries whose latest entry is in one slot
/// @dev Same lookups as OpenZeppelin's `Checkpoints.Trace208` (latest entry with effectiveFrom
///      <= t, 0 when there is none), laid out for the common case of a recent t:
///      - the schedule's latest entry (its "head") is in one slot: a lookup at t >= its
///        effectiveFrom, or on an empty schedule (head 0), reads that one slot;
///      - `past` holds every earlier entry, oldest first, in the head's packing (one per word):
///        an older t binary-searches it (log2 of its length reads).
///      Every entry is packed `value << 48 | effectiveFrom`. A schedule's `head` word is either
///      one head (FULL: the value in 208 bits), or the heads of two schedules that are always
///      read together, half a word each (LOW: its low 128 bits, HIGH: its high 128 bits; the
///      value in 80 bits, so it must be below 2^80), so that reading both costs one cold slot.
///      Each keeps its own earlier entries (FULL and LOW: `past`, HIGH: `pastHigh`) and its own
///      semantics: pushing to one half never changes the other half. The caller passes the same
///      half to every call for a schedule.
///      Values must be non-zero (GreenProofParams stores value + 1, so 0 means "never set").
///      Keys are not checked here: the caller refuses an effectiveFrom before the latest one
///      (with its own error) before it pushes.
library ParamSchedule {
    struct Schedule {
        uint256 head; // FULL, or LOW | HIGH << 128
        uint256[] past; // the FULL or LOW schedule's earlier entries
        uint256[] pastHigh; // the HIGH schedule's earlier entries
    }

    /// @dev Which head of the `head` word (see the library's NatSpec).
    uint256 internal constant FULL = 0;
    uint256 internal constant LOW = 1;
    uint256 internal constant HIGH = 2;

    uint256 private constant TIME_BITS = 48;
    uint256 private constant HALF_BITS = 128;

    // ------------------------------------------------------------------ a FULL schedule

    /// @dev The value of the latest entry with effectiveFrom <= `t`; 0 if there is none.
    function lookup(Schedule storage self, uint48 t) internal view returns (uint208) {
        return uint208(lookup(self, FULL, t)); // a FULL entry's value has 208 bits
    }

    /// @dev Whether the schedule has an entry, and the latest entry's effectiveFrom.
    function latest(Schedule storage self) internal view returns (bool exists, uint48 effectiveFrom) {
        return latest(self, FULL);
    }

    /// @dev Appends (effectiveFrom, value); an entry at the latest entry's effectiveFrom replaces
    ///      its value (as Checkpoints does). Requires value != 0 and effectiveFrom >= the latest
    ///      entry's (checked by the caller).
    function push(Schedule storage self, uint48 effectiveFrom, uint208 value) internal {
        push(self, FULL, effectiveFrom, value);
    }

    // ------------------------------------------------------------------ any head (FULL, LOW, HIGH)

    /// @dev As `lookup` above, for the `half` schedule of `self`.
    function lookup(Schedule storage self, uint256 half, uint48 t) internal view returns (uint256) {
        (uint256 shift, uint256 mask) = _layout(half);
        uint256 head = (self.head >> shift) & mask;
        // An empty head (0) has effectiveFrom 0 <= t and value 0.
        uint256 entry = uint48(head) <= t ? head : _search(half == HIGH ? self.pastHigh : self.past, t);
        return entry >> TIME_BITS;
    }

    /// @dev As `latest` above, for the `half` schedule of `self`.
    function latest(Schedule storage self, uint256 half) internal view returns (bool exists, uint48 effectiveFrom) {
        (uint256 shift, uint256 mask) = _layout(half);
        uint256 head = (self.head >> shift) & mask;
        return (head != 0, uint48(head));
    }

    /// @dev As `push` above, for the `half` schedule of `self`: the other half is written back
    ///      as it was. Requires 0 < value < 2^80 for a half (2^208 for FULL).
    function push(Schedule storage self, uint256 half, uint48 effectiveFrom, uint256 value) internal {
        (uint256 shift, uint256 mask) = _layout(half);
        uint256 word = self.head;
        uint256 head = (word >> shift) & mask;
        if (head != 0 && uint48(head) != effectiveFrom) {
            uint256[] storage past = half == HIGH ? self.pastHigh : self.past;
            past.push(head);
        }
        uint256 entry = (value << TIME_BITS) | effectiveFrom; // fits `mask` by the bound on value
        self.head = (word & ~(mask << shift)) | (entry << shift);
    }

    // ------------------------------------------------------------------ internals

    /// @dev A head's shift in its holder's word and its entry's mask.
    function _layout(uint256 half) private pure returns (uint256 shift, uint256 mask) {
        if (half == FULL) return (0, type(uint256).max);
        return (half == HIGH ? HALF_BITS : 0, type(uint128).max);
    }

    /// @dev The latest entry of `past` (sorted by effectiveFrom, its low 48 bits) with
    ///      effectiveFrom <= `t`, as stored; 0 if there is none.
    function _search(uint256[] storage past, uint48 t) private view returns (uint256) {
        uint256 low = 0;
        uint256 high = past.length;
        // The first entry with effectiveFrom > t is at `high` once low == high.
        while (low < high) {
            // Cannot overflow: both are at most the array's length, far below 2^255.
            uint256 mid;
            unchecked {
                mid = (low + high) >> 1;
            }
            if (uint48(_at(past, mid)) > t) high = mid;
            else low = mid + 1;
        }
        // Cannot underflow: high - 1 is only taken when high > 0.
        unchecked {
            return high == 0 ? 0 : _at(past, high - 1);
        }
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
