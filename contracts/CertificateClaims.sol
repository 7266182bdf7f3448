// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "./interfaces/IGreenProof.sol";
import {ICertificateClaims} from "./interfaces/ICertificateClaims.sol";

/// @title CertificateClaims
/// @notice Records who counts a certificate's energy and carbon (see ICertificateClaims). A
///         separate contract that only reads GreenProof's views: GreenProof keeps its
///         bytecode and its storage; a certificate is revoked, released or not in one place.
/// @dev No roles: the operator of the certificate's node decides, as GreenProof records it.
contract CertificateClaims is ICertificateClaims {
    /// @notice mJ per kWh: carbonMg = floor(energyMj * intensityMgPerKwh / MJ_PER_KWH).
    uint256 public constant MJ_PER_KWH = 3_600_000_000;

    IGreenProof private immutable _greenProof;

    uint256 private _claimCount;
    mapping(uint256 claimId => Claim) private _claims;
    mapping(uint256 certificateId => ClaimedTotals) private _claimed;
    mapping(uint256 certificateId => uint256) private _lastClaimId;
    mapping(uint64 nodeId => mapping(address claimant => bool)) private _claimants;
    mapping(address beneficiary => uint256) private _energyFor;
    mapping(address beneficiary => uint256) private _carbonFor;

    constructor(IGreenProof greenProof_) {
        if (address(greenProof_) == address(0)) revert CertificateClaimsZeroAddress();
        _greenProof = greenProof_;
    }

    /// @inheritdoc ICertificateClaims
    function claimCertificate(
        uint256 certificateId,
        IGreenProof.CertificateRecord calldata record,
        address beneficiary,
        string calldata purpose
    ) external returns (uint256 claimId) {
        uint256 remaining = _claimable(certificateId, record);
        return _record(certificateId, record, remaining, beneficiary, purpose);
    }

    /// @inheritdoc ICertificateClaims
    function claimCertificatePart(
        uint256 certificateId,
        IGreenProof.CertificateRecord calldata record,
        uint256 energyMj,
        address beneficiary,
        string calldata purpose
    ) external returns (uint256 claimId) {
        uint256 remaining = _claimable(certificateId, record);
        if (energyMj == 0 || energyMj > remaining) {
            revert CertificateClaimsEnergyOutOfRange(certificateId, energyMj, remaining);
        }
        return _record(certificateId, record, energyMj, beneficiary, purpose);
    }

    /// @inheritdoc ICertificateClaims
    function setClaimant(uint64 nodeId, address claimant, bool allowed) external {
        address operator = _greenProof.getNode(nodeId).operator; // reverts GreenProofUnknownNode
        if (msg.sender != operator) revert CertificateClaimsNotOperator(nodeId, msg.sender, operator);
        if (claimant == address(0)) revert CertificateClaimsZeroAddress();
        _claimants[nodeId][claimant] = allowed;
        emit ClaimantSet(nodeId, claimant, allowed);
    }

    /// @inheritdoc ICertificateClaims
    function getClaim(uint256 claimId) external view returns (Claim memory claim, bool certificateRevoked) {
        if (claimId == 0 || claimId > _claimCount) revert CertificateClaimsUnknownClaim(claimId);
        claim = _claims[claimId];
        (, certificateRevoked,) = _greenProof.recordOf(claim.certificateId);
    }

    /// @inheritdoc ICertificateClaims
    function claimedOf(uint256 certificateId) external view returns (ClaimedTotals memory) {
        return _claimed[certificateId];
    }

    /// @inheritdoc ICertificateClaims
    function isClaimant(uint64 nodeId, address claimant) external view returns (bool) {
        return _claimants[nodeId][claimant] || _greenProof.getNode(nodeId).operator == claimant;
    }

    /// @inheritdoc ICertificateClaims
    function claimCount() external view returns (uint256) {
        return _claimCount;
    }

    /// @inheritdoc ICertificateClaims
    function claimedFor(address beneficiary) external view returns (uint256 energyMj, uint256 carbonMg) {
        return (_energyFor[beneficiary], _carbonFor[beneficiary]);
    }

    /// @inheritdoc ICertificateClaims
    function greenProof() external view returns (IGreenProof) {
        return _greenProof;
    }

    // ------------------------------------------------------------------ internals

    /// @dev The certificate's energy not claimed yet, if `cert` is its record and the caller may
    ///      claim it now; else the named error.
    function _claimable(uint256 certificateId, IGreenProof.CertificateRecord calldata cert)
        private
        view
        returns (uint256 remaining)
    {
        // Reverts GreenProofUnknownCertificate / GreenProofRecordMismatch.
        (bool revoked, bool released) = _greenProof.checkRecord(certificateId, cert);
        if (revoked) revert CertificateClaimsRevoked(certificateId);
        if (!released) {
            if (block.timestamp < cert.releaseAt) {
                revert CertificateClaimsStillVesting(certificateId, cert.releaseAt, block.timestamp);
            }
            revert CertificateClaimsNotReleased(certificateId);
        }
        if (_claimed[certificateId].complete) {
            revert CertificateClaimsAlreadyClaimed(certificateId, _lastClaimId[certificateId]);
        }
        address operator = _greenProof.getNode(cert.nodeId).operator;
        if (msg.sender != operator && !_claimants[cert.nodeId][msg.sender]) {
            revert CertificateClaimsNotAuthorized(certificateId, msg.sender, operator);
        }
        // Cannot underflow: the claimed energy never exceeds the certificate's.
        unchecked {
            remaining = uint256(cert.energyMj) - _claimed[certificateId].energyMj;
        }
    }

    function _record(
        uint256 certificateId,
        IGreenProof.CertificateRecord calldata cert,
        uint256 energyMj,
        address beneficiary,
        string calldata purpose
    ) private returns (uint256 claimId) {
        if (beneficiary == address(0)) revert CertificateClaimsZeroAddress();
        ClaimedTotals storage totals = _claimed[certificateId];
        // energyMj <= the certificate's energy (a uint64) minus what was claimed: no overflow.
        uint64 claimedEnergy = totals.energyMj + uint64(energyMj);
        bool isFinal = claimedEnergy == cert.energyMj;
        uint64 carbonMg;
        if (isFinal) {
            // The last part takes the rest, so the parts sum to the certificate exactly.
            // Cannot underflow: each earlier part took floor(e * i / K), and a sum of floors
            // is at most the floor of the sum, floor(E * i / K) = the certificate's carbon
            // (the proof checks it); _partCarbon caps at the rest besides.
            carbonMg = cert.carbonMg - totals.carbonMg;
        } else {
            carbonMg = _partCarbon(energyMj, cert.intensityMgPerKwh, cert.carbonMg - totals.carbonMg);
        }
        // Cannot overflow: one increment per claim transaction (2^32 parts of one certificate
        // would take 2^32 transactions).
        unchecked {
            claimId = ++_claimCount;
            totals.parts += 1;
        }
        totals.energyMj = claimedEnergy;
        totals.carbonMg += carbonMg;
        totals.complete = isFinal;
        _lastClaimId[certificateId] = claimId;
        _claims[claimId] = Claim({
            certificateId: uint64(certificateId), // < certificateCount, a uint192 far below 2^64
            claimedAt: uint64(block.timestamp),
            isFinal: isFinal,
            beneficiary: beneficiary,
            claimant: msg.sender,
            energyMj: uint64(energyMj),
            carbonMg: carbonMg,
            purposeHash: keccak256(bytes(purpose))
        });
        _energyFor[beneficiary] += energyMj;
        _carbonFor[beneficiary] += carbonMg;
        emit CertificateClaimed(claimId, certificateId, beneficiary, msg.sender, energyMj, carbonMg, isFinal, purpose);
    }

    /// @dev floor(energyMj * intensity / 3.6e9), at most `rest`. No overflow: < 2^54 * 2^32.
    function _partCarbon(uint256 energyMj, uint256 intensityMgPerKwh, uint64 rest) private pure returns (uint64) {
        uint256 c = energyMj * intensityMgPerKwh / MJ_PER_KWH;
        return c < rest ? uint64(c) : rest;
    }
}
