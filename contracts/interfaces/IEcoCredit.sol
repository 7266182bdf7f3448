// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Eco Credit (ECO)
/// @notice ERC-20 reward for avoided emissions: 1 ECO (10^18 units) = 1 kg CO2e avoided,
///         so 1 unit = 1e-18 kg and 1 mg CO2e avoided = 10^12 units.
/// @dev Only the GreenProof contract (MINTER_ROLE) mints, and only it claws back (CLAWBACK_ROLE).
interface IEcoCredit is IERC20 {
    /// @notice The caller lacks the role needed for a mint or clawback.
    error EcoCreditUnauthorized(address caller, bytes32 role);

    /// @notice Credits were clawed back from `holder` for a revoked certificate.
    event CreditsClawedBack(address indexed holder, uint256 amount, uint256 indexed certificateId);

    /// @notice Mint `amount` units to `to` as the reward for `certificateId`.
    function mint(address to, uint256 amount) external;

    /// @notice Burn up to `amount` units from `holder`; returns what was actually burnt
    ///         (the holder may have spent some). Used when a certificate is revoked.
    function clawback(address holder, uint256 amount, uint256 certificateId) external returns (uint256 burnt);
}
