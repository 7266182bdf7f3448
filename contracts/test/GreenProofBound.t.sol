// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GreenScore} from "../GreenScore.sol";
import {GreenProof} from "../GreenProof.sol";
import {EcoCredit} from "../EcoCredit.sol";
import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {IGroth16Verifier} from "../interfaces/IGroth16Verifier.sol";
import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

/// @notice The forge-compatible cheatcodes Hardhat's Solidity test runner provides.
interface Vm {
    function warp(uint256 timestamp) external;
}

/// @notice Fuzz properties of the Eco Credits rules (run: npx hardhat test solidity), on the
///         real GreenProof (this contract is its admin; no proof is verified here).
contract GreenProofBoundTest {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 private constant KR = "KR";
    bytes32 private constant LLM = "llm-inference";
    GreenProof private h;

    function setUp() public {
        vm.warp(1);
        EcoCredit eco = new EcoCredit(address(this));
        h = new GreenProof(
            address(this), eco, IGroth16Verifier(address(0xdead)), IGroth16BatchVerifier(address(0xbeef)), 3600
        );
    }

    /// @dev What GreenProof pays a certificate of KR / LLM for the epoch at `epochStart`: the
    ///      parameters at the epoch start, carbon as the circuit proves it, GreenScore.compute.
    function _epochReward(uint256 epochStart, uint256 work, uint256 energyMj) private view returns (uint256 reward) {
        (, uint256 intensity) = h.parameterAt(IGreenProof.Param.RegionIntensity, KR, uint64(epochStart));
        (, uint256 baseline) = h.parameterAt(IGreenProof.Param.Baseline, LLM, uint64(epochStart));
        (,, reward) = h.computeReward(baseline, work, energyMj * intensity / GreenScore.MJ_PER_KWH);
    }

    /// @notice reward <= rewardBound for every certificate the contract accepts: energy within
    ///         max power x epoch length (the proof), work within the ceiling, carbon as proved.
    function testFuzz_rewardNeverExceedsTheBound(
        uint64 baseline,
        uint64 ceiling,
        uint32 intensity,
        uint32 maxPowerMw,
        uint32 epochLengthS,
        uint256 energySeed,
        uint256 workSeed
    ) public pure {
        uint256 p = uint256(maxPowerMw) + 1;
        uint256 l = uint256(epochLengthS) + 1;
        uint256 energy = energySeed % (p * l + 1); // 0 .. P*L
        uint256 maxWork = uint256(ceiling) * energy / GreenScore.MJ_PER_KWH;
        uint256 work = workSeed % (maxWork + 1);
        require(GreenScore.withinCeiling(work, energy, ceiling), "work up to the ceiling is accepted");
        require(!GreenScore.withinCeiling(maxWork + 1, energy, ceiling), "one unit more is refused");
        uint256 carbon = energy * intensity / GreenScore.MJ_PER_KWH;
        (,, uint256 reward) = GreenScore.compute(baseline, work, carbon);
        require(reward <= GreenScore.rewardBound(baseline, ceiling, intensity, p, l), "reward <= bound");
    }

    /// @notice The bound is reached up to rounding: the most efficient certificate at full power
    ///         earns within 1 mg (plus one work unit's baseline) of it.
    function testFuzz_theBoundIsTight(uint64 baseline, uint32 ceiling, uint32 intensity, uint32 maxPowerMw) public pure {
        uint256 p = uint256(maxPowerMw) + 1;
        uint256 l = 3600;
        uint256 energy = p * l;
        uint256 work = uint256(ceiling) * energy / GreenScore.MJ_PER_KWH;
        (,, uint256 reward) = GreenScore.compute(baseline, work, energy * intensity / GreenScore.MJ_PER_KWH);
        uint256 bound = GreenScore.rewardBound(baseline, ceiling, intensity, p, l);
        uint256 slack = (2 + uint256(baseline) / 1e6) * GreenScore.CREDIT_UNITS_PER_MG;
        require(bound <= reward + slack, "bound within rounding of the best certificate");
    }

    /// @notice Scheduling any parameter never changes what was in effect before now, and an
    ///         effective time in the past is refused.
    function testFuzz_parametersTakeEffectFromNowOnly(
        uint8 paramSeed,
        uint32 first,
        uint32 second,
        uint40 nowS,
        uint40 effectiveFrom,
        uint40 probe
    ) public {
        IGreenProof.Param param = IGreenProof.Param(paramSeed % 7);
        bytes32 key = param == IGreenProof.Param.RegionIntensity ? KR : (uint8(param) <= 2 ? LLM : bytes32(0));
        vm.warp(1);
        _set(param, key, first % 10_001, 1);
        uint256 now_ = uint256(nowS) + 1;
        vm.warp(now_);
        uint256 before = probe % now_; // any time before now
        (bool wasSet, uint256 was) = h.parameterAt(param, key, uint64(before));
        bool ok = _trySet(param, key, second % 10_001, effectiveFrom);
        require(ok == (effectiveFrom >= now_), "refused exactly when the effective time is in the past");
        (bool isSet, uint256 value) = h.parameterAt(param, key, uint64(before));
        require(isSet == wasSet && value == was, "the past is unchanged");
        if (ok) {
            (, uint256 applied) = h.parameterAt(param, key, effectiveFrom);
            require(applied == second % 10_001, "the new value applies from its effective time");
        }
    }

    /// @notice A certificate is paid with the parameters of its epoch start, whenever it is
    ///         submitted: later schedules (from any time after the epoch started) change nothing.
    function testFuzz_paymentDependsOnTheEpochNotOnSubmissionTime(
        uint32 intensity,
        uint32 baseline,
        uint32 newIntensity,
        uint32 newBaseline,
        uint24 delayS,
        uint32 work,
        uint32 energySeed
    ) public {
        vm.warp(1000);
        h.setRegionIntensity(KR, intensity, 1000);
        h.setBaseline(LLM, baseline, 1000);
        uint256 epochStart = 3600; // starts after the parameters, ends at 7200
        uint256 energy = uint256(energySeed) * 100;
        vm.warp(7200);
        uint256 onTime = _epochReward(epochStart, work, energy);
        uint256 later = 7200 + uint256(delayS);
        vm.warp(later);
        h.setRegionIntensity(KR, newIntensity, uint64(later));
        h.setBaseline(LLM, newBaseline, uint64(later));
        vm.warp(later + 1);
        require(_epochReward(epochStart, work, energy) == onTime, "held back, paid the same");
    }

    function _set(IGreenProof.Param param, bytes32 key, uint256 value, uint64 t) private {
        require(_trySet(param, key, value, t), "set");
    }

    function _trySet(IGreenProof.Param param, bytes32 key, uint256 value, uint64 t)
        private
        returns (bool)
    {
        bytes memory call;
        if (param == IGreenProof.Param.RegionIntensity) call = abi.encodeCall(h.setRegionIntensity, (key, value, t));
        else if (param == IGreenProof.Param.Baseline) call = abi.encodeCall(h.setBaseline, (key, value, t));
        else if (param == IGreenProof.Param.EfficiencyCeiling) call = abi.encodeCall(h.setEfficiencyCeiling, (key, value, t));
        else if (param == IGreenProof.Param.SubmissionDeadline) call = abi.encodeCall(h.setSubmissionDeadline, (value, t));
        else if (param == IGreenProof.Param.ChallengeWindow) call = abi.encodeCall(h.setChallengeWindow, (value, t));
        else if (param == IGreenProof.Param.BondPerMw) call = abi.encodeCall(h.setBondPerMw, (value, t));
        else call = abi.encodeCall(h.setSlashShare, (value, t));
        (bool ok,) = address(h).call(call);
        return ok;
    }
}
