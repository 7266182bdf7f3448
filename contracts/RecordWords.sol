// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGreenProof} from "./interfaces/IGreenProof.sol";

/// @title RecordWords: a CertificateRecord's narrow members in the two words of CertificateSubmitted
/// @notice CertificateSubmitted carries a record in four data words (root, fieldsA, fieldsB,
///         workloadClass; nodeId and epochStart are its topics) instead of the struct's
///         fourteen: 128 bytes of log data instead of 448 (8 gas a byte). The layout, low bits
///         first (the one place it is written in Solidity; ecoai_chain/chain/record_words.py
///         and tests/contracts/helpers/recordWords.js unpack it):
///           fieldsA: intensityMgPerKwh 0..31, maxPowerMw 32..63, slotCount 64..71,
///                    ecoScore 72..79, energyMj 80..143, carbonMg 144..207, releaseAt 208..255
///           fieldsB: windowS 0..15, work 16..95, rewardUnits 96..255
///         Every member keeps its type's width except three, whose values are bounded well
///         below it: work (uint128) in 80 bits (the circuit range-checks it to 70), rewardUnits
///         (uint192) in 160 (< 2^154: baseline < 2^64, work < 2^70), releaseAt (uint64) in 48
///         (a time in seconds: 2^48 s is 8.9 million years). `pack` refuses a record outside
///         these bounds (SafeCastOverflowedUintDowncast) instead of truncating it, so the
///         words always rebuild the record whose hash the certificate's slot holds. No bit is
///         spare: any two words are some record's.
library RecordWords {
    /// @notice The record's fieldsA and fieldsB (see the layout above). Assembly over the
    ///         memory struct (each member a cleaned word at 32 * its index): the Solidity form
    ///         of the same shifts cost GreenProof ~1.1 kB of its 24,576.
    function pack(IGreenProof.CertificateRecord memory r) internal pure returns (uint256 fieldsA, uint256 fieldsB) {
        bytes4 overflow = SafeCast.SafeCastOverflowedUintDowncast.selector;
        assembly ("memory-safe") {
            function refuse(sel, bits, value) {
                mstore(0, sel)
                mstore(4, bits)
                mstore(0x24, value)
                revert(0, 0x44)
            }
            let releaseAt := mload(add(r, 0x1a0))
            let work := mload(add(r, 0x140))
            let reward := mload(add(r, 0x180))
            if shr(48, releaseAt) { refuse(overflow, 48, releaseAt) }
            if shr(80, work) { refuse(overflow, 80, work) }
            if shr(160, reward) { refuse(overflow, 160, reward) }
            fieldsA := or(
                or(or(mload(add(r, 0x60)), shl(32, mload(add(r, 0x80)))), or(shl(64, mload(add(r, 0xc0))), shl(72, mload(add(r, 0xe0))))),
                or(or(shl(80, mload(add(r, 0x100))), shl(144, mload(add(r, 0x120)))), shl(208, releaseAt))
            )
            fieldsB := or(or(mload(add(r, 0xa0)), shl(16, work)), shl(96, reward))
        }
    }
}
