// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGreenProof} from "./interfaces/IGreenProof.sol";
import {GreenScore} from "./GreenScore.sol";

/// @title GreenProof's DAO parameters: region intensity tables, baselines, epoch length
/// @dev PARAMS_ROLE sets them. GreenProof reads them through the internal getters.
abstract contract GreenProofParams is IGreenProof, AccessControl {
    using SafeCast for uint256;

    bytes32 public constant PARAMS_ROLE = keccak256("PARAMS_ROLE");

    struct IntensityEntry {
        uint64 effectiveFrom;
        uint32 intensityMgPerKwh;
    }

    struct Baseline {
        uint128 ngPerWork;
        bool isSet;
    }

    uint64 private _epochLengthS;
    mapping(bytes32 region => IntensityEntry[]) private _intensities;
    mapping(bytes32 workloadClass => Baseline) private _baselines;

    constructor(uint64 epochLengthS_) {
        _setEpochLength(epochLengthS_);
    }

    /// @inheritdoc IGreenProof
    function setRegionIntensity(bytes32 region, uint256 intensityMgPerKwh, uint64 effectiveFrom)
        external
        onlyRole(PARAMS_ROLE)
    {
        if (region == bytes32(0)) revert GreenProofInvalidRegion(region);
        if (intensityMgPerKwh > type(uint32).max) revert GreenProofIntensityOutOfRange(intensityMgPerKwh);
        IntensityEntry[] storage table = _intensities[region];
        uint256 len = table.length;
        IntensityEntry memory entry = IntensityEntry(effectiveFrom, uint32(intensityMgPerKwh));
        if (len == 0) {
            table.push(entry);
        } else {
            uint64 last = table[len - 1].effectiveFrom;
            if (effectiveFrom < last) revert GreenProofIntensityNotAfterLast(region, effectiveFrom, last);
            if (effectiveFrom == last) table[len - 1] = entry;
            else table.push(entry);
        }
        emit RegionIntensitySet(region, intensityMgPerKwh, effectiveFrom);
    }

    /// @inheritdoc IGreenProof
    function setBaseline(bytes32 workloadClass, uint256 baselineNgPerWork) external onlyRole(PARAMS_ROLE) {
        _baselines[workloadClass] = Baseline(baselineNgPerWork.toUint128(), true);
        emit BaselineSet(workloadClass, baselineNgPerWork);
    }

    /// @inheritdoc IGreenProof
    function setEpochLength(uint64 epochLengthS_) external onlyRole(PARAMS_ROLE) {
        _setEpochLength(epochLengthS_);
    }

    /// @inheritdoc IGreenProof
    function regionIntensityAt(bytes32 region, uint64 timestamp) external view returns (uint256) {
        (, uint256 value) = _intensityAt(region, timestamp);
        return value;
    }

    /// @inheritdoc IGreenProof
    function baselineOf(bytes32 workloadClass) external view returns (uint256, bool) {
        Baseline memory b = _baselines[workloadClass];
        return (b.ngPerWork, b.isSet);
    }

    /// @inheritdoc IGreenProof
    function epochLengthS() external view returns (uint64) {
        return _epochLengthS;
    }

    /// @inheritdoc IGreenProof
    function computeReward(uint256 baselineNgPerWork, uint256 work, uint256 carbonMg)
        external
        pure
        returns (uint256, uint256, uint256)
    {
        return GreenScore.compute(baselineNgPerWork, work, carbonMg);
    }

    /// @dev Latest entry with effectiveFrom <= timestamp; entries are sorted by effectiveFrom.
    ///      Scans from the newest, since certificates are for recent epochs.
    function _intensityAt(bytes32 region, uint64 timestamp) internal view returns (bool, uint256) {
        IntensityEntry[] storage table = _intensities[region];
        for (uint256 i = table.length; i > 0;) {
            // Cannot underflow: the loop condition keeps i >= 1.
            unchecked {
                --i;
            }
            IntensityEntry memory entry = table[i];
            if (entry.effectiveFrom <= timestamp) return (true, entry.intensityMgPerKwh);
        }
        return (false, 0);
    }

    function _setEpochLength(uint64 epochLengthS_) private {
        if (epochLengthS_ == 0) revert GreenProofInvalidEpochLength(epochLengthS_);
        uint64 previous = _epochLengthS;
        _epochLengthS = epochLengthS_;
        emit EpochLengthSet(previous, epochLengthS_);
    }

    function _epochLength() internal view returns (uint64) {
        return _epochLengthS;
    }

    function _baseline(bytes32 workloadClass) internal view returns (Baseline memory) {
        return _baselines[workloadClass];
    }
}
