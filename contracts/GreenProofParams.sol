// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGreenProof} from "./interfaces/IGreenProof.sol";
import {GreenScore} from "./GreenScore.sol";
import {ParamSchedule} from "./ParamSchedule.sol";

/// @title GreenProof's DAO parameters, fixed in time
/// @dev Every numeric parameter (IGreenProof.Param) is an append-only schedule of
///      (effectiveFrom, value) entries (ParamSchedule: the latest entry in one slot, the
///      earlier ones binary-searched), set by PARAMS_ROLE with effectiveFrom >=
///      block.timestamp: a certificate is judged by the parameters in effect at its epoch
///      start, which no later call can change. Values are stored as value + 1 so that 0 means
///      "never set" (every maximum is far below 2^208).
///      Also the pause flag (OpenZeppelin Pausable's API, events and errors, but its flag in
///      the HotGlobals slot, which every submission reads anyway).
abstract contract GreenProofParams is IGreenProof, AccessControl {
    using ParamSchedule for ParamSchedule.Schedule;
    using SafeCast for uint256;

    bytes32 public constant PARAMS_ROLE = keccak256("PARAMS_ROLE");

    /// @notice Default submission deadline and challenge window: 7 days.
    uint256 public constant DEFAULT_DEADLINE_S = 7 days;
    /// @notice Basis points in a whole (SlashShare).
    uint256 public constant BPS = 10_000;

    /// @notice The pause was triggered by `account` (as OpenZeppelin Pausable).
    event Paused(address account);
    /// @notice The pause was lifted by `account` (as OpenZeppelin Pausable).
    event Unpaused(address account);
    /// @notice The operation failed because the contract is paused.
    error EnforcedPause();
    /// @notice The operation failed because the contract is not paused.
    error ExpectedPause();

    /// @dev The globals a submission reads, in one slot (stage F: one cold SLOAD per
    ///      transaction for all of them): the counts (GreenProofCredits, through
    ///      `_nodeCount`, `_newNodeId`, `_certificateCount`, `_newCertificateId`), the epoch
    ///      grid and the order rule (`_epochLength`, `_epochLengthSince`), the pause flag and
    ///      the bond lock's longest window (`_maxChallengeWindow`). Low bits first: nodeCount
    ///      64 | certificateCount 64 (ids live in 64 bits of a certificate's word) |
    ///      epochLengthS 32 (< 2^24, setEpochLength) | epochLengthSetAt 40 (a block time) |
    ///      paused 8 | maxChallengeWindowS 32 (every window is < 2^32, _maxOf).
    struct HotGlobals {
        uint64 nodeCount;
        uint64 certificateCount;
        uint32 epochLengthS;
        uint40 epochLengthSetAt; // when the current epoch length took effect
        bool paused;
        uint32 maxChallengeWindowS; // the longest challenge window ever scheduled
    }

    HotGlobals private _hot;
    // Read only by revocations (slashes) and its view: its own slot, as the hot one is full.
    address private _treasury;
    mapping(Param param => mapping(bytes32 key => ParamSchedule.Schedule)) private _schedules;
    bytes32[] private _ceilingClasses; // every class that ever had a ceiling (maxEpochReward)

    constructor(uint64 epochLengthS_, address treasury_) {
        _setEpochLength(epochLengthS_);
        _setTreasury(treasury_);
        _push(Param.SubmissionDeadline, 0, DEFAULT_DEADLINE_S, 0);
        _push(Param.ChallengeWindow, 0, DEFAULT_DEADLINE_S, 0);
        _hot.maxChallengeWindowS = uint32(DEFAULT_DEADLINE_S);
        _push(Param.BondPerMw, 0, 0, 0);
        _push(Param.SlashShare, 0, BPS, 0);
    }

    // ------------------------------------------------------------------ setters

    /// @inheritdoc IGreenProof
    function setRegionIntensity(bytes32 region, uint256 intensityMgPerKwh, uint64 effectiveFrom)
        external
        onlyRole(PARAMS_ROLE)
    {
        if (region == bytes32(0)) revert GreenProofInvalidRegion(region);
        _schedule(Param.RegionIntensity, region, intensityMgPerKwh, effectiveFrom);
        emit RegionIntensitySet(region, intensityMgPerKwh, effectiveFrom);
    }

    /// @inheritdoc IGreenProof
    function setBaseline(bytes32 workloadClass, uint256 baselineNgPerWork, uint64 effectiveFrom)
        external
        onlyRole(PARAMS_ROLE)
    {
        _schedule(Param.Baseline, workloadClass, baselineNgPerWork, effectiveFrom);
        emit BaselineSet(workloadClass, baselineNgPerWork, effectiveFrom);
    }

    /// @inheritdoc IGreenProof
    function setEfficiencyCeiling(bytes32 workloadClass, uint256 workPerKwh, uint64 effectiveFrom)
        external
        onlyRole(PARAMS_ROLE)
    {
        (bool exists,) = _schedules[Param.EfficiencyCeiling][workloadClass].latest();
        if (!exists) _ceilingClasses.push(workloadClass);
        _schedule(Param.EfficiencyCeiling, workloadClass, workPerKwh, effectiveFrom);
    }

    /// @inheritdoc IGreenProof
    function setSubmissionDeadline(uint256 deadlineS, uint64 effectiveFrom) external onlyRole(PARAMS_ROLE) {
        _schedule(Param.SubmissionDeadline, 0, deadlineS, effectiveFrom);
    }

    /// @inheritdoc IGreenProof
    function setChallengeWindow(uint256 windowS, uint64 effectiveFrom) external onlyRole(PARAMS_ROLE) {
        _schedule(Param.ChallengeWindow, 0, windowS, effectiveFrom);
        // windowS <= type(uint32).max: _schedule checked it.
        if (windowS > _hot.maxChallengeWindowS) _hot.maxChallengeWindowS = uint32(windowS);
    }

    /// @inheritdoc IGreenProof
    function setBondPerMw(uint256 weiPerMw, uint64 effectiveFrom) external onlyRole(PARAMS_ROLE) {
        _schedule(Param.BondPerMw, 0, weiPerMw, effectiveFrom);
    }

    /// @inheritdoc IGreenProof
    function setSlashShare(uint256 bps, uint64 effectiveFrom) external onlyRole(PARAMS_ROLE) {
        _schedule(Param.SlashShare, 0, bps, effectiveFrom);
    }

    /// @inheritdoc IGreenProof
    function setTreasury(address treasury_) external onlyRole(PARAMS_ROLE) {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IGreenProof
    function setEpochLength(uint64 epochLengthS_) external onlyRole(PARAMS_ROLE) {
        _setEpochLength(epochLengthS_);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IGreenProof
    function regionIntensityAt(bytes32 region, uint64 timestamp) external view returns (uint256) {
        (, uint256 value) = _paramAt(Param.RegionIntensity, region, timestamp);
        return value;
    }

    /// @inheritdoc IGreenProof
    function baselineOf(bytes32 workloadClass) external view returns (uint256, bool) {
        (bool isSet, uint256 value) = _paramAt(Param.Baseline, workloadClass, block.timestamp);
        return (value, isSet);
    }

    /// @inheritdoc IGreenProof
    function parameterAt(Param param, bytes32 key, uint64 timestamp) external view returns (bool, uint256) {
        return _paramAt(param, key, timestamp);
    }

    /// @inheritdoc IGreenProof
    function bondFor(uint256 maxPowerMw) public view returns (uint256) {
        (, uint256 weiPerMw) = _paramAt(Param.BondPerMw, 0, block.timestamp);
        // 1 MW = 1e9 mW; round up so a bond never undershoots the rate. weiPerMw < 2^96 and
        // maxPowerMw is checked < 2^32 by the caller (the view itself is fine up to 2^160).
        return (weiPerMw * maxPowerMw + 1e9 - 1) / 1e9;
    }

    /// @notice Whether registrations and submissions are paused (PAUSER_ROLE).
    function paused() public view returns (bool) {
        return _hot.paused;
    }

    /// @inheritdoc IGreenProof
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IGreenProof
    function epochLengthS() external view returns (uint64) {
        return _hot.epochLengthS;
    }

    /// @inheritdoc IGreenProof
    function computeReward(uint256 baselineNgPerWork, uint256 work, uint256 carbonMg)
        external
        pure
        returns (uint256, uint256, uint256)
    {
        return GreenScore.compute(baselineNgPerWork, work, carbonMg);
    }

    /// @inheritdoc IGreenProof
    function computeRewardBound(
        uint256 baselineNgPerWork,
        uint256 ceilingWorkPerKwh,
        uint256 intensityMgPerKwh,
        uint256 maxPowerMw,
        uint256 epochLengthS
    ) external pure returns (uint256) {
        return GreenScore.rewardBound(baselineNgPerWork, ceilingWorkPerKwh, intensityMgPerKwh, maxPowerMw, epochLengthS);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Value of `param`/`key` in effect at `timestamp` (latest entry with
    ///      effectiveFrom <= timestamp), and whether there is one.
    function _paramAt(Param param, bytes32 key, uint256 timestamp) internal view returns (bool, uint256) {
        uint48 t = timestamp > type(uint48).max ? type(uint48).max : uint48(timestamp);
        uint256 raw = _schedules[param][key].lookup(t);
        if (raw == 0) return (false, 0);
        // Cannot underflow: raw > 0.
        unchecked {
            return (true, raw - 1);
        }
    }

    /// @dev The classes that ever had a ceiling (a class without one earns nothing).
    function _classesWithCeiling() internal view returns (bytes32[] storage) {
        return _ceilingClasses;
    }

    function _epochLength() internal view returns (uint64) {
        return _hot.epochLengthS;
    }

    function _epochLengthSince() internal view returns (uint64) {
        return _hot.epochLengthSetAt;
    }

    /// @dev Nodes registered so far: node ids are 1..this.
    function _nodeCount() internal view returns (uint64) {
        return _hot.nodeCount;
    }

    /// @dev Certificates accepted so far: certificate ids are 1..this.
    function _certificateCount() internal view returns (uint64) {
        return _hot.certificateCount;
    }

    /// @dev The next node id (counted).
    function _newNodeId() internal returns (uint64 nodeId) {
        // Cannot overflow: 2^64 registrations would not fit in any chain's lifetime of gas.
        unchecked {
            nodeId = ++_hot.nodeCount;
        }
    }

    /// @dev The next certificate id (counted). Ids live in 64 bits of the certificate's word
    ///      (and of the count): unreachable, but never truncated.
    function _newCertificateId() internal returns (uint64 certificateId) {
        // One read and one write of the slot; past 2^64 - 1 it wraps to 0, and the revert
        // undoes the write.
        unchecked {
            certificateId = ++_hot.certificateCount;
        }
        if (certificateId == 0) revert GreenProofCertificateIdOverflow(1 << 64);
    }

    function _treasuryAddress() internal view returns (address) {
        return _treasury;
    }

    /// @dev The longest challenge window ever scheduled (s), the constructor's default
    ///      included: it only grows.
    function _maxChallengeWindow() internal view returns (uint32) {
        return _hot.maxChallengeWindowS;
    }

    modifier whenNotPaused() {
        _requireNotPaused();
        _;
    }

    function _requireNotPaused() internal view {
        if (_hot.paused) revert EnforcedPause();
    }

    function _pause() internal {
        _requireNotPaused();
        _hot.paused = true;
        emit Paused(_msgSender());
    }

    function _unpause() internal {
        if (!_hot.paused) revert ExpectedPause();
        _hot.paused = false;
        emit Unpaused(_msgSender());
    }

    function _schedule(Param param, bytes32 key, uint256 value, uint64 effectiveFrom) private {
        uint256 max = _maxOf(param);
        if (value > max) revert GreenProofParameterOutOfRange(param, key, value, max);
        if (effectiveFrom < block.timestamp) {
            revert GreenProofEffectiveInPast(param, key, effectiveFrom, block.timestamp);
        }
        (bool exists, uint48 last) = _schedules[param][key].latest();
        if (exists && effectiveFrom < last) revert GreenProofEffectiveNotAfterLast(param, key, effectiveFrom, last);
        _push(param, key, value, effectiveFrom);
    }

    function _push(Param param, bytes32 key, uint256 value, uint64 effectiveFrom) private {
        // value <= _maxOf(param) < 2^96, so value + 1 fits 208 bits.
        _schedules[param][key].push(uint256(effectiveFrom).toUint48(), uint208(value + 1));
        emit ParameterScheduled(param, key, value, effectiveFrom);
    }

    function _maxOf(Param param) private pure returns (uint256) {
        if (param == Param.RegionIntensity) return type(uint32).max; // what the circuit accepts
        if (param == Param.Baseline || param == Param.EfficiencyCeiling) return type(uint64).max;
        if (param == Param.BondPerMw) return type(uint96).max;
        if (param == Param.SlashShare) return BPS;
        return type(uint32).max; // deadline, challenge window (s)
    }

    function _setEpochLength(uint64 epochLengthS_) private {
        if (epochLengthS_ == 0 || epochLengthS_ >= 1 << 24) revert GreenProofInvalidEpochLength(epochLengthS_);
        uint64 previous = _hot.epochLengthS;
        // epochLengthS_ < 2^24; block.timestamp < 2^40 until the year 36812.
        (_hot.epochLengthS, _hot.epochLengthSetAt) = (uint32(epochLengthS_), uint40(block.timestamp));
        emit EpochLengthSet(previous, epochLengthS_);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert GreenProofZeroAddress();
        _treasury = treasury_;
        emit TreasurySet(treasury_);
    }
}
