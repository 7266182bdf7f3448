// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {PUBLIC_SIGNALS, PublicSignals} from "../generated/PublicSignals.sol";

/// @notice Fuzz properties of the generated PublicSignals.toArray (run: npx hardhat test solidity):
///         in-range members come back out of their words by shift and mask (so distinct
///         certificates give distinct inputs), every word is below 2^253, and a member one bit
///         or more too wide reverts GreenProofFieldTooWide naming it.
contract PublicSignalsTest {
    function _get(uint256 word, uint256 offset, uint256 bits) private pure returns (uint256) {
        return (word >> offset) & ((1 << bits) - 1);
    }

    function _cert(uint256 seed) private pure returns (IGreenProof.Certificate memory c) {
        c.root = uint256(keccak256(abi.encode(seed, "root"))) % PublicSignals.FIELD_MODULUS;
        c.nodeId = uint64(seed);
        c.epochStart = uint64(seed >> 64);
        c.windowS = uint16(seed >> 128);
        c.slotCount = (seed >> 144) & 0x7f;
        c.energyMj = uint256(keccak256(abi.encode(seed, "e"))) >> (256 - 54);
        c.work = uint256(keccak256(abi.encode(seed, "w"))) >> (256 - 70);
        c.carbonMg = uint64(uint256(keccak256(abi.encode(seed, "c"))));
        c.intensityMgPerKwh = uint32(seed >> 160);
        c.maxPowerMw = uint32(seed >> 192);
    }

    function toArray(IGreenProof.Certificate calldata c) external pure returns (uint256[PUBLIC_SIGNALS] memory) {
        return PublicSignals.toArray(c);
    }

    function testFuzz_packedMembersComeBackOut(uint256 seed) public view {
        IGreenProof.Certificate memory c = _cert(seed);
        uint256[PUBLIC_SIGNALS] memory s = this.toArray(c);
        uint256 h = s[PublicSignals.HEADER];
        uint256 t = s[PublicSignals.TOTALS];
        require(s[PublicSignals.ROOT] == c.root, "root");
        require(h >> 253 == 0 && t >> 253 == 0, "words below 2^253");
        require(_get(h, PublicSignals.NODE_ID_OFFSET, PublicSignals.NODE_ID_BITS) == c.nodeId, "nodeId");
        require(_get(h, PublicSignals.EPOCH_START_S_OFFSET, PublicSignals.EPOCH_START_S_BITS) == c.epochStart, "epochStart");
        require(_get(h, PublicSignals.WINDOW_S_OFFSET, PublicSignals.WINDOW_S_BITS) == c.windowS, "windowS");
        require(_get(h, PublicSignals.SLOT_COUNT_OFFSET, PublicSignals.SLOT_COUNT_BITS) == c.slotCount, "slotCount");
        require(
            _get(h, PublicSignals.INTENSITY_MG_PER_KWH_OFFSET, PublicSignals.INTENSITY_MG_PER_KWH_BITS) == c.intensityMgPerKwh,
            "intensity"
        );
        require(_get(h, PublicSignals.MAX_POWER_MW_OFFSET, PublicSignals.MAX_POWER_MW_BITS) == c.maxPowerMw, "maxPower");
        require(_get(t, PublicSignals.TOTAL_ENERGY_MJ_OFFSET, PublicSignals.TOTAL_ENERGY_MJ_BITS) == c.energyMj, "energy");
        require(_get(t, PublicSignals.TOTAL_WORK_OFFSET, PublicSignals.TOTAL_WORK_BITS) == c.work, "work");
        require(_get(t, PublicSignals.CARBON_MG_OFFSET, PublicSignals.CARBON_MG_BITS) == c.carbonMg, "carbon");
        uint256 used = PublicSignals.MAX_POWER_MW_OFFSET + PublicSignals.MAX_POWER_MW_BITS;
        require(h >> used == 0, "nothing above the header's fields");
        require(t >> (PublicSignals.CARBON_MG_OFFSET + PublicSignals.CARBON_MG_BITS) == 0, "nothing above the totals");
    }

    function testFuzz_tooWideMemberRevertsNamingIt(uint256 seed, uint8 which, uint256 excess) public view {
        IGreenProof.Certificate memory c = _cert(seed);
        uint256 k = which % 9;
        bytes32 member;
        uint256 bits;
        if (k == 0) (member, bits) = ("nodeId", PublicSignals.NODE_ID_BITS);
        else if (k == 1) (member, bits) = ("epochStart", PublicSignals.EPOCH_START_S_BITS);
        else if (k == 2) (member, bits) = ("windowS", PublicSignals.WINDOW_S_BITS);
        else if (k == 3) (member, bits) = ("slotCount", PublicSignals.SLOT_COUNT_BITS);
        else if (k == 4) (member, bits) = ("energyMj", PublicSignals.TOTAL_ENERGY_MJ_BITS);
        else if (k == 5) (member, bits) = ("work", PublicSignals.TOTAL_WORK_BITS);
        else if (k == 6) (member, bits) = ("carbonMg", PublicSignals.CARBON_MG_BITS);
        else if (k == 7) (member, bits) = ("intensityMgPerKwh", PublicSignals.INTENSITY_MG_PER_KWH_BITS);
        else (member, bits) = ("maxPowerMw", PublicSignals.MAX_POWER_MW_BITS);
        uint256 wide = (1 << bits) + (excess % (type(uint256).max - (1 << bits)));
        if (k == 0) c.nodeId = wide;
        else if (k == 1) c.epochStart = wide;
        else if (k == 2) c.windowS = wide;
        else if (k == 3) c.slotCount = wide;
        else if (k == 4) c.energyMj = wide;
        else if (k == 5) c.work = wide;
        else if (k == 6) c.carbonMg = wide;
        else if (k == 7) c.intensityMgPerKwh = wide;
        else c.maxPowerMw = wide;
        try this.toArray(c) {
            revert("a too-wide member was packed");
        } catch (bytes memory reason) {
            bytes memory expected = abi.encodeWithSelector(IGreenProof.GreenProofFieldTooWide.selector, member, wide, bits);
            require(keccak256(reason) == keccak256(expected), "GreenProofFieldTooWide(member, value, bits)");
        }
    }
}
