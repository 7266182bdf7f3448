// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ParamSchedule} from "../ParamSchedule.sol";
import {GreenProof} from "../GreenProof.sol";
import {EcoCredit} from "../EcoCredit.sol";
import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {IGroth16Verifier} from "../interfaces/IGroth16Verifier.sol";
import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

interface VmSchedule {
    function warp(uint256 timestamp) external;
}

/// @notice Test-only: one ParamSchedule in storage (a fresh one per fuzz run).
contract ParamScheduleHarness {
    using ParamSchedule for ParamSchedule.Schedule;

    ParamSchedule.Schedule private _s;

    function push(uint48 effectiveFrom, uint208 value) external {
        _s.push(effectiveFrom, value);
    }

    function lookup(uint48 t) external view returns (uint208) {
        return _s.lookup(t);
    }

    function latest() external view returns (bool, uint48) {
        return _s.latest();
    }
}

/// @notice Fuzz properties of ParamSchedule (run: npx hardhat test solidity) against a reference
///         model, the list of every push in order: the value at t is that of the LAST push with
///         effectiveFrom <= t (a push at the latest time replaces it), 0 if there is none.
///         Once on the library alone (long schedules, times up to 2^48 - 1), once through the
///         real GreenProof's setters and parameterAt (value + 1 storage, clamped times).
contract ParamScheduleTest {
    VmSchedule private constant vm = VmSchedule(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 private constant MAX_ENTRIES = 40;

    /// @dev The reference: scan every push from the newest back.
    function _model(uint48[] memory keys, uint208[] memory values, uint256 n, uint256 t)
        private
        pure
        returns (uint208)
    {
        for (uint256 i = n; i > 0; i--) {
            if (keys[i - 1] <= t) return values[i - 1];
        }
        return 0;
    }

    /// @dev n non-decreasing keys from `seed`: gaps of 0 (a replacement), small or large.
    function _schedule(uint256 seed, uint256 n, uint48 firstKey)
        private
        pure
        returns (uint48[] memory keys, uint208[] memory values)
    {
        keys = new uint48[](n);
        values = new uint208[](n);
        uint256 key = firstKey;
        for (uint256 i = 0; i < n; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 kind = r % 4;
            uint256 gap = kind == 0 ? 0 : (kind == 1 ? (r >> 8) % 3 : (kind == 2 ? (r >> 8) % 1000 : (r >> 8) % 2 ** 40));
            key = key + gap > type(uint48).max ? type(uint48).max : key + gap;
            keys[i] = uint48(key);
            values[i] = uint208(1 + ((r >> 64) % type(uint96).max));
        }
    }

    function _check(ParamScheduleHarness h, uint48[] memory keys, uint208[] memory values, uint256 n, uint256 t)
        private
        view
    {
        require(h.lookup(uint48(t)) == _model(keys, values, n, t), "lookup equals the model");
    }

    /// @notice Every lookup equals the model after every push, at random times, at each key and
    ///         on either side of it, at 0 and at the largest time.
    function testFuzz_lookupMatchesTheModel(uint256 seed, uint8 entries, uint48 firstKey, uint48[4] memory probes)
        public
    {
        uint256 n = entries % (MAX_ENTRIES + 1);
        (uint48[] memory keys, uint208[] memory values) = _schedule(seed, n, firstKey);
        ParamScheduleHarness h = new ParamScheduleHarness();
        _check(h, keys, values, 0, probes[0]);
        for (uint256 i = 0; i < n; i++) {
            h.push(keys[i], values[i]);
            (bool exists, uint48 last) = h.latest();
            require(exists && last == keys[i], "latest is the last push's time");
            _check(h, keys, values, i + 1, probes[i % 4]);
        }
        _check(h, keys, values, n, 0);
        _check(h, keys, values, n, type(uint48).max);
        for (uint256 i = 0; i < 4; i++) _check(h, keys, values, n, probes[i]);
        for (uint256 i = 0; i < n; i++) {
            _check(h, keys, values, n, keys[i]);
            if (keys[i] > 0) _check(h, keys, values, n, uint256(keys[i]) - 1);
            if (keys[i] < type(uint48).max) _check(h, keys, values, n, uint256(keys[i]) + 1);
        }
    }

    /// @notice An empty schedule has no latest entry and answers 0 everywhere.
    function testFuzz_emptyScheduleIsUnset(uint48 t) public {
        ParamScheduleHarness h = new ParamScheduleHarness();
        (bool exists,) = h.latest();
        require(!exists && h.lookup(t) == 0, "empty");
    }

    /// @notice GreenProof's parameterAt equals the model for a schedule built with its setters
    ///         (each at or after now and after the last, as they require), at any uint64 time.
    function testFuzz_parameterAtMatchesTheModel(uint256 seed, uint8 entries, uint64[3] memory probes) public {
        vm.warp(1);
        GreenProof gp = new GreenProof(
            address(this),
            new EcoCredit(address(this)),
            IGroth16Verifier(address(0xdead)),
            IGroth16BatchVerifier(address(0xbeef)),
            3600
        );
        bytes32 region = "KR";
        uint256 n = entries % 13;
        uint48[] memory keys = new uint48[](n);
        uint208[] memory values = new uint208[](n); // value + 1, as stored
        uint256 nowS = 1;
        for (uint256 i = 0; i < n; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            nowS += r % 3 == 0 ? 0 : (r >> 8) % 5000; // time moves on, or not
            vm.warp(nowS);
            uint256 from = (i > 0 && keys[i - 1] > nowS ? keys[i - 1] : nowS) + ((r >> 32) % 3 == 0 ? 0 : (r >> 40) % 9000);
            uint256 value = (r >> 64) % (uint256(type(uint32).max) + 1);
            gp.setRegionIntensity(region, value, uint64(from));
            keys[i] = uint48(from);
            values[i] = uint208(value + 1);
        }
        for (uint256 i = 0; i < n + 3; i++) {
            uint256 t = i < 3 ? probes[i] : uint256(keys[i - 3]) - ((seed >> i) & 1);
            uint256 capped = t > type(uint48).max ? type(uint48).max : t;
            uint208 expected = _model(keys, values, n, capped);
            (bool isSet, uint256 value) = gp.parameterAt(IGreenProof.Param.RegionIntensity, region, uint64(t));
            require(isSet == (expected != 0), "set exactly when the model has an entry");
            require(!isSet || value == expected - 1, "value equals the model");
        }
    }
}
