// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "../interfaces/IGreenProof.sol";

/// @notice Test-only hostile node operator (tests/contracts/GreenProof.attacks.test.js): a
///         contract that registers and retires a node, and whose receive() either re-enters
///         GreenProof (withdrawBond again, or releaseRewards) or reverts, to try to be paid twice
///         or to block what GreenProof does with its node.
contract BondAttacker {
    enum Mode {
        Accept,
        ReenterWithdraw,
        Revert
    }

    IGreenProof public immutable gp;
    Mode public mode;
    uint64 public nodeId;
    uint256 public received;
    bytes public reentryError;

    constructor(IGreenProof gp_) {
        gp = gp_;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function register(address attestor, bytes32 region, uint256 maxPowerMw) external payable {
        nodeId = gp.registerNode{value: msg.value}(attestor, region, maxPowerMw, "attacker");
    }

    function retire() external {
        gp.retireNode(nodeId, "walk away");
    }

    receive() external payable {
        if (mode == Mode.Revert) revert("operator refuses payment");
        received += msg.value;
        if (mode == Mode.ReenterWithdraw) {
            mode = Mode.Accept; // once
            try gp.withdrawBond(nodeId) {} catch (bytes memory err) {
                reentryError = err;
            }
        }
    }
}
