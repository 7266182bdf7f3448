// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title Eco Credit (ECO)
/// @notice ERC-20 reward for avoided emissions: 1 ECO (10^18 units) = 1 kg CO2e avoided,
///         so 1 unit = 1e-18 kg and 1 mg CO2e avoided = 10^12 units.
/// @dev Only the GreenProof contract (MINTER_ROLE) mints, and only it claws back and burns
///      what repays an operator's debt (CLAWBACK_ROLE).
interface IEcoCredit is IERC20 {
    /// @notice A retirement: credits burnt for good on behalf of `beneficiary`, so that the
    ///         avoided emissions they stand for are counted once, by that beneficiary.
    /// @param holder whose credits were burnt (the caller, or the permit's owner)
    /// @param retiredAt block time of the retirement (unix s)
    /// @param beneficiary who may count the retired credits (an address; a person or company
    ///        named off-chain is bound through `purposeHash`)
    /// @param amountUnits credits burnt (1 ECO = 1e18 units = 1 kg CO2e avoided)
    /// @param purposeHash keccak256 of the UTF-8 purpose text given (the text is in the event)
    struct Retirement {
        address holder;
        uint64 retiredAt;
        address beneficiary;
        uint256 amountUnits;
        bytes32 purposeHash;
    }

    /// @notice The caller lacks the role needed for a mint or clawback.
    error EcoCreditUnauthorized(address caller, bytes32 role);
    /// @notice A retirement must burn at least one unit.
    error EcoCreditZeroRetirement();
    /// @notice A retirement needs a beneficiary (not the zero address).
    error EcoCreditZeroBeneficiary();
    /// @notice No retirement has this id (ids start at 1).
    error EcoCreditUnknownRetirement(uint256 retirementId);

    /// @notice `holder` burnt `amountUnits` for `beneficiary`; recorded as `retirementId`.
    event CreditsRetired(
        uint256 indexed retirementId,
        address indexed holder,
        address indexed beneficiary,
        uint256 amountUnits,
        string purpose
    );

    /// @notice Credits were clawed back from `holder` for a revoked certificate.
    event CreditsClawedBack(address indexed holder, uint256 amount, uint256 indexed certificateId);

    /// @notice Mint `amount` units to `to` as the reward for `certificateId`.
    function mint(address to, uint256 amount) external;

    /// @notice Burn up to `amount` units from `holder`; returns what was actually burnt
    ///         (the holder may have spent some). Used when a certificate is revoked.
    function clawback(address holder, uint256 amount, uint256 certificateId) external returns (uint256 burnt);

    /// @notice Anyone: burn `amount` of the caller's credits for `beneficiary`, once and for
    ///         good, and record it (no role needed). Reverts ERC20InsufficientBalance if the
    ///         caller holds less.
    /// @return retirementId ids start at 1
    function retire(uint256 amount, address beneficiary, string calldata purpose)
        external
        returns (uint256 retirementId);

    /// @notice As `retire`, for `owner`'s credits, in one transaction with `owner`'s EIP-2612
    ///         permit (spender = the caller, value = `amount`); the allowance is spent. If the
    ///         permit was already used (front-run), an allowance of `amount` still suffices.
    function retireWithPermit(
        address owner,
        uint256 amount,
        address beneficiary,
        string calldata purpose,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 retirementId);

    /// @notice The retirement `retirementId` (reverts EcoCreditUnknownRetirement if none).
    function getRetirement(uint256 retirementId) external view returns (Retirement memory);

    /// @notice Number of retirements (the last id).
    function retirementCount() external view returns (uint256);

    /// @notice Units retired so far on behalf of `beneficiary`, all retirements together.
    function retiredFor(address beneficiary) external view returns (uint256);

    /// @notice Burn exactly `amount` units from `holder` (reverts ERC20InsufficientBalance if
    ///         it holds less). GreenProof calls it only for the caller of repayDebt.
    function burnForDebt(address holder, uint256 amount) external;
}
