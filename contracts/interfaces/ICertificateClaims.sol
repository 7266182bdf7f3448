// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "./IGreenProof.sol";

/// @title Certificate claims: a certificate's energy and carbon counted once, by one beneficiary
/// @notice The operator of a certificate's node (or an address it authorised for the node)
///         assigns the certificate's energy and carbon to a beneficiary, for a purpose, once.
///         A certificate may be claimed in parts by energy; the parts always sum exactly to the
///         certificate: a part's carbon is floor(partEnergyMj * intensityMgPerKwh / 3.6e9) (the
///         project's one rounding rule, ecoai_chain/core/units.py) and the part that claims
///         the last of the energy takes the certificate's carbon minus every earlier part's.
///         Only certificates whose reward was released (past the challenge window, unrevoked)
///         can be claimed. A later revocation does not undo the claim's record: `getClaim`
///         reports it (GreenProof.recordOf, the one place it is stored) beside the claim.
interface ICertificateClaims {
    /// @notice One claim (part or whole) of a certificate.
    /// @param certificateId the GreenProof certificate
    /// @param claimedAt block time of the claim (unix s)
    /// @param isFinal true when this part claimed the certificate's last energy
    /// @param beneficiary who may count this energy and carbon
    /// @param claimant who made the claim (the operator, or an address it authorised)
    /// @param energyMj energy of this part (mJ)
    /// @param carbonMg carbon of this part (mg CO2e), by the rule above
    /// @param purposeHash keccak256 of the UTF-8 purpose text (the text is in the event)
    struct Claim {
        uint64 certificateId;
        uint64 claimedAt;
        bool isFinal;
        address beneficiary;
        address claimant;
        uint64 energyMj;
        uint64 carbonMg;
        bytes32 purposeHash;
    }

    /// @notice How much of a certificate was claimed so far.
    struct ClaimedTotals {
        uint64 energyMj;
        uint64 carbonMg;
        uint32 parts;
        bool complete;
    }

    /// @notice `claimant` claimed `energyMj` / `carbonMg` of `certificateId` for `beneficiary`.
    event CertificateClaimed(
        uint256 indexed claimId,
        uint256 indexed certificateId,
        address indexed beneficiary,
        address claimant,
        uint256 energyMj,
        uint256 carbonMg,
        bool isFinal,
        string purpose
    );

    /// @notice The operator of `nodeId` authorised (or no longer authorises) `claimant`.
    event ClaimantSet(uint64 indexed nodeId, address indexed claimant, bool allowed);

    /// @notice The certificate was already claimed in full (by claim `lastClaimId`).
    error CertificateClaimsAlreadyClaimed(uint256 certificateId, uint256 lastClaimId);
    /// @notice The certificate was revoked: it cannot be claimed.
    error CertificateClaimsRevoked(uint256 certificateId);
    /// @notice The certificate's reward is still in its challenge window until `releaseAt`.
    error CertificateClaimsStillVesting(uint256 certificateId, uint256 releaseAt, uint256 nowS);
    /// @notice The challenge window has passed but the reward was not released yet: call
    ///         GreenProof.releaseRewards (anyone may) first.
    error CertificateClaimsNotReleased(uint256 certificateId);
    /// @notice `caller` is neither the node's operator nor authorised by it.
    error CertificateClaimsNotAuthorized(uint256 certificateId, address caller, address operator);
    /// @notice Only the node's operator may authorise claimants.
    error CertificateClaimsNotOperator(uint64 nodeId, address caller, address operator);
    /// @notice The beneficiary (or claimant) is the zero address.
    error CertificateClaimsZeroAddress();
    /// @notice A part must claim at least 1 mJ and at most what is left.
    error CertificateClaimsEnergyOutOfRange(uint256 certificateId, uint256 energyMj, uint256 remainingMj);
    /// @notice No claim has this id (ids start at 1).
    error CertificateClaimsUnknownClaim(uint256 claimId);

    /// @notice Claim what is left of `certificateId` (all of it, when nothing was claimed) for
    ///         `beneficiary`. `record` is the certificate's record (from its CertificateSubmitted
    ///         event), checked with GreenProof.checkRecord first (GreenProofUnknownCertificate,
    ///         GreenProofRecordMismatch). Reverts with the named errors above.
    function claimCertificate(
        uint256 certificateId,
        IGreenProof.CertificateRecord calldata record,
        address beneficiary,
        string calldata purpose
    ) external returns (uint256 claimId);

    /// @notice Claim `energyMj` of `certificateId` for `beneficiary`; the part that takes the
    ///         last energy takes the rest of the carbon. `record` as in claimCertificate.
    function claimCertificatePart(
        uint256 certificateId,
        IGreenProof.CertificateRecord calldata record,
        uint256 energyMj,
        address beneficiary,
        string calldata purpose
    ) external returns (uint256 claimId);

    /// @notice The node's operator: let `claimant` claim the node's certificates (or stop it).
    function setClaimant(uint64 nodeId, address claimant, bool allowed) external;

    /// @notice The claim, and whether its certificate has been revoked since (live from GreenProof).
    function getClaim(uint256 claimId) external view returns (Claim memory claim, bool certificateRevoked);

    /// @notice What was claimed of `certificateId` so far.
    function claimedOf(uint256 certificateId) external view returns (ClaimedTotals memory);

    /// @notice Whether `claimant` may claim certificates of `nodeId` (the operator always may).
    function isClaimant(uint64 nodeId, address claimant) external view returns (bool);

    /// @notice Number of claims (the last id).
    function claimCount() external view returns (uint256);

    /// @notice Energy (mJ) and carbon (mg) claimed on behalf of `beneficiary`, all claims together.
    function claimedFor(address beneficiary) external view returns (uint256 energyMj, uint256 carbonMg);

    /// @notice The GreenProof contract whose certificates are claimed.
    function greenProof() external view returns (IGreenProof);
}
