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
    /// @notice mJ per kWh.
    uint256 internal constant MJ_PER_KWH = 3_600_000_000;

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

    /// @notice Whether `work` is within the efficiency ceiling for `energyMj`:
    ///         work * 3.6e9 <= ceilingWorkPerKwh * energyMj. Callers bound energyMj < 2^96 and
    ///         ceilingWorkPerKwh < 2^64; work >= 2^192 is never within (and never provable).
    function withinCeiling(uint256 work, uint256 energyMj, uint256 ceilingWorkPerKwh) internal pure returns (bool) {
        return work < 2 ** 192 && work * MJ_PER_KWH <= ceilingWorkPerKwh * energyMj;
    }

    /// @notice The most any accepted certificate earns (EcoCredit units) with baseline B
    ///         (ng/work), ceiling C (work/kWh), intensity I (mg/kWh), max power P (mW) and
    ///         epoch length L (s): ceil((B*C - 1e6*I) * P * L / 3.6e15) * 1e12 if B*C > 1e6*I,
    ///         else 0. Why: E <= P*L (the proof) and w*3.6e9 <= C*E (the ceiling) give
    ///         baselineMg = floor(B*w/1e6) <= floor(X) with X = B*C*E/3.6e15, and
    ///         carbonMg = floor(Y) with Y = E*I/3.6e9 (the proof); floor(X) - floor(Y) is an
    ///         integer < X - Y + 1, so at most ceil(X - Y) = ceil(E*(B*C - 1e6*I)/3.6e15),
    ///         largest at E = P*L; and 0 when X <= Y. Inputs below 2^64, 2^64, 2^32, 2^32,
    ///         2^64 keep every product below 2^224.
    function rewardBound(
        uint256 baselineNgPerWork,
        uint256 ceilingWorkPerKwh,
        uint256 intensityMgPerKwh,
        uint256 maxPowerMw,
        uint256 epochLengthS
    ) internal pure returns (uint256) {
        uint256 gross = baselineNgPerWork * ceilingWorkPerKwh; // ng CO2e per kWh at the ceiling
        uint256 cost = intensityMgPerKwh * NG_PER_MG; // ng CO2e per kWh emitted
        if (gross <= cost) return 0;
        uint256 den = MJ_PER_KWH * NG_PER_MG;
        uint256 num = (gross - cost) * maxPowerMw * epochLengthS;
        // ceil(num / den) for num > 0 (den > 0); written out to avoid importing Math.
        return ((num + den - 1) / den) * CREDIT_UNITS_PER_MG;
    }
}
