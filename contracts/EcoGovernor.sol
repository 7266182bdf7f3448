// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorStorage} from "@openzeppelin/contracts/governance/extensions/GovernorStorage.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title EcoGovernor: the EcoAI DAO
/// @notice Votes are EcoCredit voting power (delegated, checkpointed on EcoCredit's timestamp
///         clock, so the voting delay and period are in seconds). A proposal that passes (more
///         for than against, for + abstain >= quorum) is queued in the TimelockController, which
///         holds GreenProof's and EcoCredit's roles, and can be executed after the timelock's
///         delay. Errors are OpenZeppelin's (GovernorUnexpectedProposalState,
///         GovernorInsufficientProposerVotes, ...), and the timelock's
///         (TimelockUnexpectedOperationState) for an execution before the ETA.
/// @dev GovernorStorage keeps each proposal's actions on-chain, so `queue(id)`, `execute(id)`
///      and `proposalDetails(id)` work without re-reading ProposalCreated logs (the CLI and any
///      client can act on a proposal id alone).
contract EcoGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorStorage,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /// @param token EcoCredit (IERC5805 votes, timestamp clock)
    /// @param timelock_ the TimelockController that executes passed proposals
    /// @param votingDelayS seconds between a proposal and the start of its vote (the snapshot)
    /// @param votingPeriodS seconds the vote stays open
    /// @param proposalThresholdUnits EcoCredit votes a proposer needs
    /// @param quorumPercent share of the total supply at the snapshot that must vote for or abstain
    constructor(
        IVotes token,
        TimelockController timelock_,
        uint48 votingDelayS,
        uint32 votingPeriodS,
        uint256 proposalThresholdUnits,
        uint256 quorumPercent
    )
        Governor("EcoAI DAO")
        GovernorSettings(votingDelayS, votingPeriodS, proposalThresholdUnits)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumPercent)
        GovernorTimelockControl(timelock_)
    {}

    // --- required overrides (several extensions implement the same Governor hooks) ---

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override(Governor, GovernorStorage) returns (uint256) {
        return super._propose(targets, values, calldatas, description, proposer);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
