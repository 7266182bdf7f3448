// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title EcoTimelock: OpenZeppelin's TimelockController, unchanged, under a project name
/// @notice Holds every GreenProof and EcoCredit role except pausing. Roles after
///         `ecoai chain deploy`: PROPOSER_ROLE and CANCELLER_ROLE to the EcoGovernor,
///         EXECUTOR_ROLE to the EcoGovernor, CANCELLER_ROLE also to the guardian (it may cancel a
///         queued proposal during the delay), DEFAULT_ADMIN_ROLE to the timelock itself only (the
///         deployer renounces it), so changing any of these takes a proposal.
contract EcoTimelock is TimelockController {
    constructor(uint256 minDelayS, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelayS, proposers, executors, admin)
    {}
}
