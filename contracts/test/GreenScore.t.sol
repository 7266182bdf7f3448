// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GreenScore} from "../GreenScore.sol";

/// @notice Fuzz properties of GreenScore.compute (run: npx hardhat test solidity).
///         Inputs are bounded to what GreenProof can see: baseline < 2^128, work < 2^70 and
///         carbon < 2^64 (circuit range checks), so nothing overflows.
contract GreenScoreTest {
    function testFuzz_scoreIsAPercentageAndRewardIsAvoidedCarbon(uint128 baseline, uint72 work, uint64 carbon)
        public
        pure
    {
        uint256 w = uint256(work) & ((1 << 70) - 1);
        (uint256 b, uint256 score, uint256 reward) = GreenScore.compute(baseline, w, carbon);
        require(b == uint256(baseline) * w / 1e6, "baseline is floor(ng * work / 1e6)");
        require(score <= 100, "score is at most 100");
        if (w == 0) require(score == 0 && b == 0, "no work, no score");
        if (b > carbon) require(reward == (b - carbon) * 1e12, "reward is avoided mg * 1e12");
        else require(reward == 0, "no reward when carbon >= baseline");
        if (b + carbon > 0 && w > 0) {
            // floor(100b/(b+c)) is the largest s with s*(b+c) <= 100b.
            require(score * (b + carbon) <= 100 * b && (score + 1) * (b + carbon) > 100 * b, "floor division");
        }
    }

    function testFuzz_moreCarbonNeverEarnsMore(uint128 baseline, uint64 work, uint64 carbon, uint64 extra) public pure {
        (, uint256 s1, uint256 r1) = GreenScore.compute(baseline, work, carbon);
        (, uint256 s2, uint256 r2) = GreenScore.compute(baseline, work, uint256(carbon) + extra);
        require(r2 <= r1 && s2 <= s1, "monotone in carbon");
    }
}
