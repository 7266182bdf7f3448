// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ParamSchedulePairHarness} from "./ParamSchedule.t.sol";
import {GreenProof} from "../GreenProof.sol";
import {EcoCredit} from "../EcoCredit.sol";
import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {IGroth16Verifier} from "../interfaces/IGroth16Verifier.sol";
import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

interface VmPair {
    function warp(uint256 timestamp) external;
}

/// @notice Fuzz properties of the schedules whose heads share one slot (ParamSchedule LOW and
///         HIGH; GreenProof's deadline/window and baseline/ceiling pairs), run: npx hardhat
///         test solidity. Each member is checked against its own reference model, the list of
///         every push to it in order (as in ParamSchedule.t.sol: the value at t is that of the
///         LAST push with effectiveFrom <= t, 0 if none), after pushes to both members
///         interleaved at random times: a push to one never changes what the other answers,
///         nor which times the other accepts.
contract ParamSchedulePairTest {
    VmPair private constant vm = VmPair(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 private constant MAX_PUSHES = 48;

    /// @dev One member's model: its pushes in order.
    struct Model {
        uint256[] keys;
        uint256[] values;
        uint256 n;
    }

    function _new(uint256 capacity) private pure returns (Model memory m) {
        m.keys = new uint256[](capacity);
        m.values = new uint256[](capacity);
    }

    function _add(Model memory m, uint256 key, uint256 value) private pure {
        m.keys[m.n] = key;
        m.values[m.n] = value;
        m.n++;
    }

    /// @dev The reference: scan every push from the newest back.
    function _at(Model memory m, uint256 t) private pure returns (uint256) {
        for (uint256 i = m.n; i > 0; i--) {
            if (m.keys[i - 1] <= t) return m.values[i - 1];
        }
        return 0;
    }

    function _last(Model memory m) private pure returns (uint256) {
        return m.n == 0 ? 0 : m.keys[m.n - 1];
    }

    // ------------------------------------------------------------------ the library

    function _checkLib(ParamSchedulePairHarness h, Model[2] memory ms, uint256 t) private view {
        for (uint256 k = 0; k < 2; k++) {
            require(h.lookup(k == 1, uint48(t)) == _at(ms[k], t), "each member's lookup equals its model");
        }
    }

    /// @notice Interleaved pushes to both members (times up to 2^48 - 1, values up to 2^80 - 1,
    ///         replacements at the same time included): after every push both members' lookups
    ///         and latest entries equal their models, at random times, at every key and on
    ///         either side of it; each half keeps its own earlier entries.
    function testFuzz_pairMatchesTheModels(uint256 seed, uint8 pushes, uint48[2] memory firstKeys, uint48[4] memory probes)
        public
    {
        uint256 n = pushes % (MAX_PUSHES + 1);
        ParamSchedulePairHarness h = new ParamSchedulePairHarness();
        Model[2] memory ms = [_new(n), _new(n)];
        _checkLib(h, ms, probes[0]);
        for (uint256 i = 0; i < n; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 k = r & 1; // which member
            uint256 kind = (r >> 1) % 4;
            uint256 gap = kind == 0 ? 0 : (kind == 1 ? (r >> 8) % 3 : (kind == 2 ? (r >> 8) % 1000 : (r >> 8) % 2 ** 40));
            uint256 key = ms[k].n == 0 ? firstKeys[k] : _last(ms[k]) + gap;
            if (key > type(uint48).max) key = type(uint48).max;
            uint256 value = (r >> 3) % 5 == 0 ? type(uint80).max : 1 + ((r >> 64) % (2 ** 80 - 1));
            h.push(k == 1, uint48(key), uint80(value));
            _add(ms[k], key, value);
            for (uint256 j = 0; j < 2; j++) {
                (bool exists, uint48 last) = h.latest(j == 1);
                require(exists == (ms[j].n > 0) && last == _last(ms[j]), "latest is each member's last push");
            }
            _checkLib(h, ms, probes[i % 4]);
            _checkLib(h, ms, key);
        }
        _checkLib(h, ms, 0);
        _checkLib(h, ms, type(uint48).max);
        for (uint256 i = 0; i < 4; i++) _checkLib(h, ms, probes[i]);
        for (uint256 k = 0; k < 2; k++) {
            for (uint256 i = 0; i < ms[k].n; i++) {
                uint256 key = ms[k].keys[i];
                _checkLib(h, ms, key);
                if (key > 0) _checkLib(h, ms, key - 1);
                if (key < type(uint48).max) _checkLib(h, ms, key + 1);
            }
        }
        for (uint256 k = 0; k < 2; k++) {
            // Each half's earlier entries: one per push at a new time, but the first.
            uint256 distinct = 0;
            for (uint256 i = 0; i < ms[k].n; i++) if (i == 0 || ms[k].keys[i] != ms[k].keys[i - 1]) distinct++;
            (uint256 low, uint256 high) = h.pastLengths();
            require((k == 0 ? low : high) == (distinct == 0 ? 0 : distinct - 1), "each half keeps its own past");
        }
    }

    // ------------------------------------------------------------------ GreenProof's setters

    bytes32 private constant CLS = "llm-inference";
    IGreenProof.Param private constant BASELINE = IGreenProof.Param.Baseline;
    IGreenProof.Param private constant CEILING = IGreenProof.Param.EfficiencyCeiling;
    IGreenProof.Param private constant DEADLINE = IGreenProof.Param.SubmissionDeadline;
    IGreenProof.Param private constant WINDOW = IGreenProof.Param.ChallengeWindow;

    /// @dev Member m of the four: 0 baseline, 1 ceiling (key CLS), 2 deadline, 3 window (key 0).
    function _param(uint256 m) private pure returns (IGreenProof.Param, bytes32) {
        if (m == 0) return (BASELINE, CLS);
        if (m == 1) return (CEILING, CLS);
        return (m == 2 ? DEADLINE : WINDOW, bytes32(0));
    }

    function _set(GreenProof gp, uint256 m, uint256 value, uint64 from) private {
        if (m == 0) gp.setBaseline(CLS, value, from);
        else if (m == 1) gp.setEfficiencyCeiling(CLS, value, from);
        else if (m == 2) gp.setSubmissionDeadline(value, from);
        else gp.setChallengeWindow(value, from);
    }

    function _checkGp(GreenProof gp, Model[4] memory ms, uint256 t) private view {
        uint256 capped = t > type(uint48).max ? type(uint48).max : t;
        for (uint256 m = 0; m < 4; m++) {
            (IGreenProof.Param param, bytes32 key) = _param(m);
            uint256 expected = _at(ms[m], capped); // value + 1, as stored
            (bool isSet, uint256 value) = gp.parameterAt(param, key, uint64(t));
            require(isSet == (expected != 0), "set exactly when the model has an entry");
            require(!isSet || value == expected - 1, "value equals the model");
        }
    }

    /// @notice GreenProof's parameterAt equals each member's model for the four paired
    ///         parameters scheduled with their setters in random interleaving as time moves on
    ///         (each at or after now and after ITS OWN last entry, however late the other
    ///         member's is; the constructor's deadline and window at time 0 included), values up
    ///         to each maximum; a time before its own last entry is refused with
    ///         EffectiveNotAfterLast naming it.
    function testFuzz_pairedParametersMatchTheModels(uint256 seed, uint8 pushes, uint64[3] memory probes) public {
        vm.warp(1);
        GreenProof gp = new GreenProof(
            address(this),
            new EcoCredit(address(this)),
            IGroth16Verifier(address(0xdead)),
            IGroth16BatchVerifier(address(0xbeef)),
            3600
        );
        uint256 n = pushes % 25;
        Model[4] memory ms = [_new(n), _new(n), _new(n + 1), _new(n + 1)];
        _add(ms[2], 0, gp.DEFAULT_DEADLINE_S() + 1);
        _add(ms[3], 0, gp.DEFAULT_DEADLINE_S() + 1);
        uint256 nowS = 1;
        for (uint256 i = 0; i < n; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            nowS += r % 3 == 0 ? 0 : (r >> 8) % 5000; // time moves on, or not
            vm.warp(nowS);
            uint256 m = (r >> 2) % 4;
            // Pairs of the same key, so the two members share the head slot.
            Model memory own = ms[m];
            uint256 last = _last(own);
            if (last > nowS && (r >> 24) % 4 == 0) {
                (IGreenProof.Param param, bytes32 key) = _param(m);
                try this.setAs(gp, m, 1, uint64(last - 1)) {
                    revert("a time before its own last entry was accepted");
                } catch (bytes memory err) {
                    bytes memory want = abi.encodeWithSelector(
                        IGreenProof.GreenProofEffectiveNotAfterLast.selector, param, key, last - 1, last
                    );
                    require(keccak256(err) == keccak256(want), "EffectiveNotAfterLast, naming the param");
                }
            }
            uint256 from = (last > nowS ? last : nowS) + ((r >> 32) % 3 == 0 ? 0 : (r >> 40) % 9000);
            uint256 max = m < 2 ? type(uint64).max : type(uint32).max;
            uint256 value = (r >> 28) % 5 == 0 ? max : (r >> 64) % (max + 1);
            _set(gp, m, value, uint64(from));
            _add(own, from, value + 1);
            _checkGp(gp, ms, nowS);
            _checkGp(gp, ms, from);
        }
        for (uint256 i = 0; i < 3; i++) _checkGp(gp, ms, probes[i]);
        for (uint256 m = 0; m < 4; m++) {
            for (uint256 i = 0; i < ms[m].n; i++) {
                uint256 key = ms[m].keys[i];
                _checkGp(gp, ms, key);
                if (key > 0) _checkGp(gp, ms, key - 1);
                _checkGp(gp, ms, key + 1);
            }
        }
    }

    /// @dev An external entry for the try/catch above (this contract holds PARAMS_ROLE).
    function setAs(GreenProof gp, uint256 m, uint256 value, uint64 from) external {
        require(msg.sender == address(this), "self only");
        _set(gp, m, value, from);
    }
}
