// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {GreenProof} from "../GreenProof.sol";
import {EcoCredit} from "../EcoCredit.sol";
import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {IGroth16Verifier} from "../interfaces/IGroth16Verifier.sol";
import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

interface VmBond {
    function warp(uint256 timestamp) external;
    function deal(address who, uint256 newBalance) external;
}

/// @notice Fuzz property of the bond rule (run: npx hardhat test solidity), on the real
///         GreenProof (this contract is its admin and the node's operator): a node is activated
///         only while its bond is at least the rate in effect now, whatever it held at
///         registration and whatever was topped up since.
contract GreenProofBondTest {
    VmBond private constant vm = VmBond(address(uint160(uint256(keccak256("hevm cheat code")))));
    GreenProof private h;

    function setUp() public {
        vm.warp(1);
        vm.deal(address(this), type(uint128).max);
        EcoCredit eco = new EcoCredit(address(this));
        h = new GreenProof(
            address(this), eco, IGroth16Verifier(address(0xdead)), IGroth16BatchVerifier(address(0xbeef)), 3600
        );
    }

    function testFuzz_activationNeedsTheBondAtTheCurrentRate(
        uint64 rateAtRegistration,
        uint64 rateAtActivation,
        uint32 maxPowerMw,
        uint64 topUp
    ) public {
        uint256 power = uint256(maxPowerMw % type(uint32).max) + 1; // 1 .. 2^32 - 1
        h.setBondPerMw(rateAtRegistration, 1);
        h.setBondPerMw(rateAtActivation, 2);
        uint256 held = h.bondFor(power);
        uint64 id = h.registerNode{value: held}(address(0xA11CE), "KR", power, "");
        vm.warp(2);
        uint256 required = h.bondFor(power);
        if (topUp > 0) {
            h.topUpBond{value: topUp}(id);
            held += topUp;
        }
        require(h.getNode(id).bondWei == held, "top-ups add up");
        try h.activateNode(id) {
            require(held >= required, "activated below the rate");
        } catch (bytes memory err) {
            require(held < required, "refused at the rate");
            require(
                keccak256(err)
                    == keccak256(abi.encodeWithSelector(IGreenProof.GreenProofBondBelowRate.selector, id, held, required)),
                "named error with the amounts"
            );
        }
    }

    receive() external payable {}
}
