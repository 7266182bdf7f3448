// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IEcoCredit} from "./interfaces/IEcoCredit.sol";

/// @title EcoCredit
/// @notice ERC-20 with permit (EIP-2612) and votes (DAO voting power). 18 decimals.
/// @dev Vote checkpoints use the block timestamp (ERC-6372 `mode=timestamp`), not block numbers:
///      the EcoGovernor's delays are then seconds on every chain, whatever its block rhythm
///      (anvil mines on demand or every second, L2s irregularly), and a proposal's snapshot and
///      deadline can be shown as times.
contract EcoCredit is ERC20, ERC20Permit, ERC20Votes, AccessControl, IEcoCredit {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant CLAWBACK_ROLE = keccak256("CLAWBACK_ROLE");

    constructor(address admin) ERC20("Eco Credit", "ECO") ERC20Permit("Eco Credit") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IEcoCredit
    function mint(address to, uint256 amount) external {
        _requireRole(MINTER_ROLE);
        _mint(to, amount);
    }

    /// @inheritdoc IEcoCredit
    function clawback(address holder, uint256 amount, uint256 certificateId) external returns (uint256 burnt) {
        _requireRole(CLAWBACK_ROLE);
        uint256 balance = balanceOf(holder);
        burnt = amount < balance ? amount : balance;
        if (burnt > 0) _burn(holder, burnt);
        emit CreditsClawedBack(holder, burnt, certificateId);
    }

    function _requireRole(bytes32 role) private view {
        if (!hasRole(role, msg.sender)) revert EcoCreditUnauthorized(msg.sender, role);
    }

    /// @notice ERC-6372 clock: the block timestamp (seconds).
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice ERC-6372 clock mode.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    // --- required overrides (ERC20 + ERC20Votes, Nonces shared by Permit and Votes) ---

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
