// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
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

    uint256 private _retirementCount;
    mapping(uint256 retirementId => Retirement) private _retirements;
    mapping(address beneficiary => uint256) private _retiredFor;

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

    /// @inheritdoc IEcoCredit
    function retire(uint256 amount, address beneficiary, string calldata purpose)
        external
        returns (uint256 retirementId)
    {
        return _retire(msg.sender, amount, beneficiary, purpose);
    }

    /// @inheritdoc IEcoCredit
    function retireWithPermit(
        address owner,
        uint256 amount,
        address beneficiary,
        string calldata purpose,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 retirementId) {
        // A permit seen in the mempool can be submitted first by anyone: then this call fails
        // but the allowance is already there, so go on and let _spendAllowance decide.
        try IERC20Permit(address(this)).permit(owner, msg.sender, amount, deadline, v, r, s) {} catch {}
        _spendAllowance(owner, msg.sender, amount); // reverts ERC20InsufficientAllowance
        return _retire(owner, amount, beneficiary, purpose);
    }

    /// @inheritdoc IEcoCredit
    function getRetirement(uint256 retirementId) external view returns (Retirement memory) {
        if (retirementId == 0 || retirementId > _retirementCount) revert EcoCreditUnknownRetirement(retirementId);
        return _retirements[retirementId];
    }

    /// @inheritdoc IEcoCredit
    function retirementCount() external view returns (uint256) {
        return _retirementCount;
    }

    /// @inheritdoc IEcoCredit
    function retiredFor(address beneficiary) external view returns (uint256) {
        return _retiredFor[beneficiary];
    }

    function _retire(address holder, uint256 amount, address beneficiary, string calldata purpose)
        private
        returns (uint256 retirementId)
    {
        if (amount == 0) revert EcoCreditZeroRetirement();
        if (beneficiary == address(0)) revert EcoCreditZeroBeneficiary();
        _burn(holder, amount); // reverts ERC20InsufficientBalance(holder, balance, amount)
        // Cannot overflow: one increment per retirement transaction.
        unchecked {
            retirementId = ++_retirementCount;
        }
        _retiredFor[beneficiary] += amount;
        _retirements[retirementId] = Retirement({
            holder: holder,
            retiredAt: Time.timestamp(),
            beneficiary: beneficiary,
            amountUnits: amount,
            purposeHash: keccak256(bytes(purpose))
        });
        emit CreditsRetired(retirementId, holder, beneficiary, amount, purpose);
    }

    /// @inheritdoc IEcoCredit
    function burnForDebt(address holder, uint256 amount) external {
        _requireRole(CLAWBACK_ROLE);
        _burn(holder, amount);
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
