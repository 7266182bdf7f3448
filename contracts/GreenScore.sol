// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Eco Score and reward math, identical to ecoai_chain/core/units.py
/// @notice Every division floors (all values are non-negative). Checked by
///         tests/vectors/scoring.json (generated from the Python reference) and a fuzz test.
library GreenScore {
    /// @notice ng per mg.
    uint256 internal constant NG_PER_MG = 1_000_000;
    /// @notice EcoCredit units per mg CO2e avoided (1 ECO = 1e18 units = 1 kg).
    uint256 internal constant CREDIT_UNITS_PER_MG = 1e12;

    /// @notice baselineMg = floor(baselineNgPerWork * work / 1e6);
    ///         ecoScore = floor(100 * b / (b + c)), 0 when work == 0 or b + c == 0;
    ///         rewardUnits = max(0, b - c) * 1e12. Reverts (checked arithmetic) on overflow.
    function compute(uint256 baselineNgPerWork, uint256 work, uint256 carbonMg)
        internal
        pure
        returns (uint256 baselineMg, uint256 ecoScore, uint256 rewardUnits)
    {
        baselineMg = baselineNgPerWork * work / NG_PER_MG;
        uint256 total = baselineMg + carbonMg;
        if (work != 0 && total != 0) ecoScore = 100 * baselineMg / total;
        if (baselineMg > carbonMg) {
            // Cannot underflow: baselineMg > carbonMg.
            unchecked {
                rewardUnits = baselineMg - carbonMg;
            }
            rewardUnits *= CREDIT_UNITS_PER_MG;
        }
    }
}
