// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGreenProof} from "./interfaces/IGreenProof.sol";
import {IEcoCredit} from "./interfaces/IEcoCredit.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {PublicSignals} from "./generated/PublicSignals.sol";
import {GreenScore} from "./GreenScore.sol";
import {GreenProofParams} from "./GreenProofParams.sol";

/// @title GreenProof
/// @notice Node registry and Groth16-verified carbon certificates; mints Eco Credits.
/// @dev Roles: DEFAULT_ADMIN_ROLE grants roles; NODE_MANAGER_ROLE activates, suspends and
///      re-keys nodes; REVOKER_ROLE revokes certificates; PARAMS_ROLE sets intensities,
///      baselines and the epoch length; PAUSER_ROLE pauses submissions and registrations.
///      GreenProof must hold EcoCredit's MINTER_ROLE and CLAWBACK_ROLE.
contract GreenProof is GreenProofParams, Pausable, EIP712 {
    using SafeCast for uint256;

    bytes32 public constant NODE_MANAGER_ROLE = keccak256("NODE_MANAGER_ROLE");
    bytes32 public constant REVOKER_ROLE = keccak256("REVOKER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice EIP-712 type of the signed certificate (pinned; see ecoai_chain/chain/eip712.py).
    bytes32 public constant CERTIFICATE_TYPEHASH = keccak256(
        "Certificate(uint256 nodeId,uint256 epochStart,uint256 windowS,uint256 slotCount,uint256 root,"
        "uint256 energyMj,uint256 work,uint256 carbonMg,uint256 intensityMgPerKwh,uint256 maxPowerMw,"
        "bytes32 workloadClass)"
    );
    /// @notice EIP-712 type the current attestor signs to hand over to a new key.
    bytes32 public constant ROTATE_ATTESTOR_TYPEHASH =
        keccak256("RotateAttestor(uint256 nodeId,address newAttestor,uint256 nonce)");

    /// @notice BN254 scalar field modulus; every public input must be below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    IEcoCredit private immutable _eco;
    IGroth16Verifier private immutable _verifier;

    uint64 private _nodeCount;
    uint192 private _certificateCount; // packed with _nodeCount: one slot read per submission
    mapping(uint64 nodeId => Node) private _nodes;
    mapping(uint256 certificateId => StoredCertificate) private _certificates;

    constructor(address admin, IEcoCredit eco_, IGroth16Verifier verifier_, uint64 epochLengthS_)
        GreenProofParams(epochLengthS_)
        EIP712("GreenProof", "1")
    {
        if (admin == address(0) || address(eco_) == address(0) || address(verifier_) == address(0)) {
            revert GreenProofZeroAddress();
        }
        _eco = eco_;
        _verifier = verifier_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(NODE_MANAGER_ROLE, admin);
        _grantRole(REVOKER_ROLE, admin);
        _grantRole(PARAMS_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    // ------------------------------------------------------------------ nodes

    /// @inheritdoc IGreenProof
    function registerNode(address attestor, bytes32 region, uint256 maxPowerMw, string calldata metadataURI)
        external
        whenNotPaused
        returns (uint64 nodeId)
    {
        if (attestor == address(0)) revert GreenProofInvalidAttestor(attestor);
        if (region == bytes32(0)) revert GreenProofInvalidRegion(region);
        if (maxPowerMw == 0 || maxPowerMw > type(uint32).max) revert GreenProofMaxPowerOutOfRange(maxPowerMw);
        // Cannot overflow: 2^64 registrations would not fit in any chain's lifetime of gas.
        unchecked {
            nodeId = ++_nodeCount;
        }
        Node storage node = _nodes[nodeId];
        node.operator = msg.sender;
        node.attestor = attestor;
        node.region = region;
        node.maxPowerMw = uint32(maxPowerMw);
        node.metadataURI = metadataURI;
        emit NodeRegistered(nodeId, msg.sender, attestor, region, maxPowerMw, metadataURI);
    }

    /// @inheritdoc IGreenProof
    function activateNode(uint64 nodeId) external onlyRole(NODE_MANAGER_ROLE) {
        _setStatus(nodeId, NodeStatus.Active, "");
    }

    /// @inheritdoc IGreenProof
    function suspendNode(uint64 nodeId, string calldata reason) external onlyRole(NODE_MANAGER_ROLE) {
        _setStatus(nodeId, NodeStatus.Suspended, reason);
    }

    /// @inheritdoc IGreenProof
    function rotateAttestor(uint64 nodeId, address newAttestor, bytes calldata signature) external {
        Node storage node = _node(nodeId);
        if (msg.sender != node.operator) revert GreenProofNotOperator(nodeId, msg.sender, node.operator);
        uint64 nonce = node.attestorNonce;
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(ROTATE_ATTESTOR_TYPEHASH, uint256(nodeId), newAttestor, nonce)));
        _requireSigner(digest, signature, node.attestor);
        // Cannot overflow: one increment per rotation transaction.
        unchecked {
            node.attestorNonce = nonce + 1;
        }
        _setAttestor(node, nodeId, newAttestor);
    }

    /// @inheritdoc IGreenProof
    function setAttestor(uint64 nodeId, address newAttestor) external onlyRole(NODE_MANAGER_ROLE) {
        _setAttestor(_node(nodeId), nodeId, newAttestor);
    }

    // ------------------------------------------------------------------ certificates

    /// @inheritdoc IGreenProof
    function submitCertificate(Certificate calldata cert, Proof calldata proof, bytes calldata signature)
        external
        whenNotPaused
        returns (uint256 certificateId)
    {
        return _submit(cert, proof, signature);
    }

    /// @inheritdoc IGreenProof
    function submitCertificates(Certificate[] calldata certs, Proof[] calldata proofs, bytes[] calldata signatures)
        external
        whenNotPaused
        returns (uint256[] memory certificateIds)
    {
        uint256 n = certs.length;
        if (n == 0 || proofs.length != n || signatures.length != n) {
            revert GreenProofBatchLengthMismatch(n, proofs.length, signatures.length);
        }
        certificateIds = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            // A self-call isolates each item so its revert data can be wrapped with its index;
            // the outer revert still undoes every earlier item (all-or-nothing).
            try this.submitCertificate(certs[i], proofs[i], signatures[i]) returns (uint256 id) {
                certificateIds[i] = id;
            } catch (bytes memory reason) {
                revert GreenProofBatchItemFailed(i, reason);
            }
        }
    }

    /// @inheritdoc IGreenProof
    function revokeCertificate(uint256 certificateId, string calldata reason) external onlyRole(REVOKER_ROLE) {
        if (certificateId == 0 || certificateId > _certificateCount) revert GreenProofUnknownCertificate(certificateId);
        StoredCertificate storage cert = _certificates[certificateId];
        if (cert.revoked) revert GreenProofAlreadyRevoked(certificateId);
        cert.revoked = true;
        uint64 nodeId = cert.nodeId;
        Node storage node = _nodes[nodeId];
        uint256 reward = cert.rewardUnits;
        uint256 clawed = reward == 0 ? 0 : _eco.clawback(node.operator, reward, certificateId);
        // Cannot underflow: clawback burns at most the amount asked for.
        uint256 debt;
        unchecked {
            debt = reward - clawed;
        }
        if (debt > 0) node.debtUnits = (uint256(node.debtUnits) + debt).toUint128();
        emit CertificateRevoked(certificateId, nodeId, reason, clawed, debt);
    }

    // ------------------------------------------------------------------ pause

    /// @notice PAUSER_ROLE: stop registrations and submissions.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice PAUSER_ROLE: resume registrations and submissions.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IGreenProof
    function getNode(uint64 nodeId) external view returns (Node memory) {
        return _node(nodeId);
    }

    /// @inheritdoc IGreenProof
    function getCertificate(uint256 certificateId) external view returns (StoredCertificate memory) {
        if (certificateId == 0 || certificateId > _certificateCount) revert GreenProofUnknownCertificate(certificateId);
        return _certificates[certificateId];
    }

    /// @inheritdoc IGreenProof
    function lastEpochStart(uint64 nodeId) external view returns (uint64) {
        return _node(nodeId).lastEpochStart;
    }

    /// @inheritdoc IGreenProof
    function nextEpochStart(uint64 nodeId) external view returns (uint64) {
        return _node(nodeId).lastEpochEnd;
    }

    /// @inheritdoc IGreenProof
    function nodeCount() external view returns (uint64) {
        return _nodeCount;
    }

    /// @inheritdoc IGreenProof
    function certificateCount() external view returns (uint256) {
        return _certificateCount;
    }

    /// @notice The EcoCredit token this contract mints.
    function ecoCredit() external view returns (IEcoCredit) {
        return _eco;
    }

    /// @notice The Groth16 verifier this contract calls.
    function verifier() external view returns (IGroth16Verifier) {
        return _verifier;
    }

    // ------------------------------------------------------------------ internals

    function _submit(Certificate calldata cert, Proof calldata proof, bytes calldata signature)
        internal
        returns (uint256 certificateId)
    {
        uint256[10] memory signals = PublicSignals.toArray(cert);
        for (uint256 i = 0; i < PublicSignals.COUNT; ++i) {
            if (signals[i] >= SNARK_SCALAR_FIELD) revert GreenProofInputOutOfField(i, signals[i]);
        }
        uint64 nodeId = _activeNodeId(cert.nodeId);
        Node storage node = _nodes[nodeId];
        _checkEpoch(node, nodeId, cert.epochStart, cert.windowS, cert.slotCount);
        if (cert.maxPowerMw != node.maxPowerMw) {
            revert GreenProofMaxPowerMismatch(nodeId, node.maxPowerMw, cert.maxPowerMw);
        }
        _checkIntensity(node.region, cert.epochStart, cert.intensityMgPerKwh);
        Baseline memory baseline = _baseline(cert.workloadClass);
        if (!baseline.isSet) revert GreenProofUnknownWorkloadClass(cert.workloadClass);
        _requireSigner(_hashTypedDataV4(keccak256(abi.encode(CERTIFICATE_TYPEHASH, cert))), signature, node.attestor);
        if (!_verifier.verifyProof(proof.a, proof.b, proof.c, signals)) revert GreenProofInvalidProof();

        (, uint256 score, uint256 reward) = GreenScore.compute(baseline.ngPerWork, cert.work, cert.carbonMg);
        // Cannot overflow: one increment per accepted certificate (2^192 is out of reach).
        unchecked {
            certificateId = ++_certificateCount;
        }
        node.lastEpochStart = uint64(cert.epochStart); // < block.timestamp, checked in _checkEpoch
        node.lastEpochEnd = uint64(cert.epochStart + _epochLength());
        _store(certificateId, nodeId, cert, score, reward);
        _payReward(node, nodeId, certificateId, reward);
    }

    function _store(uint256 certificateId, uint64 nodeId, Certificate calldata cert, uint256 score, uint256 reward)
        private
    {
        // The proof range-checks energy (54 bits), work (70), carbon (64), window (16), slots (7);
        // intensity and max power were compared with 32-bit on-chain values; SafeCast re-checks.
        _certificates[certificateId] = StoredCertificate({
            root: cert.root,
            nodeId: nodeId,
            epochStart: uint64(cert.epochStart),
            intensityMgPerKwh: uint32(cert.intensityMgPerKwh),
            maxPowerMw: uint32(cert.maxPowerMw),
            windowS: cert.windowS.toUint16(),
            slotCount: cert.slotCount.toUint8(),
            ecoScore: uint8(score), // <= 100
            revoked: false,
            energyMj: cert.energyMj.toUint64(),
            carbonMg: cert.carbonMg.toUint64(),
            work: cert.work.toUint128(),
            workloadClass: cert.workloadClass,
            rewardUnits: reward
        });
        _emitSubmitted(certificateId, nodeId, cert, score, reward);
    }

    function _emitSubmitted(uint256 certificateId, uint64 nodeId, Certificate calldata cert, uint256 score, uint256 reward)
        private
    {
        emit CertificateSubmitted(
            certificateId,
            nodeId,
            uint64(cert.epochStart),
            cert.root,
            cert.energyMj,
            cert.work,
            cert.carbonMg,
            cert.intensityMgPerKwh,
            score,
            reward,
            cert.workloadClass
        );
    }

    function _payReward(Node storage node, uint64 nodeId, uint256 certificateId, uint256 reward) private {
        uint256 debt = node.debtUnits;
        if (debt > 0 && reward > 0) {
            uint256 withheld = reward < debt ? reward : debt;
            // Cannot underflow: withheld <= debt and withheld <= reward.
            unchecked {
                debt -= withheld;
                reward -= withheld;
            }
            node.debtUnits = uint128(debt); // was a uint128, only decreased
            emit RewardWithheld(certificateId, nodeId, withheld, debt);
        }
        if (reward > 0) _eco.mint(node.operator, reward);
    }

    function _activeNodeId(uint256 rawNodeId) private view returns (uint64 nodeId) {
        if (rawNodeId == 0 || rawNodeId > _nodeCount) revert GreenProofUnknownNode(rawNodeId);
        nodeId = uint64(rawNodeId); // <= _nodeCount, a uint64
        NodeStatus status = _nodes[nodeId].status;
        if (status != NodeStatus.Active) revert GreenProofNodeNotActive(nodeId, uint8(status));
    }

    function _checkEpoch(Node storage node, uint64 nodeId, uint256 epochStart, uint256 windowS, uint256 slotCount)
        private
        view
    {
        uint256 len = _epochLength();
        // Both factors are below 2^254 but their product could overflow: bound them first.
        if (windowS == 0 || windowS > len || slotCount > len || windowS * slotCount != len) {
            revert GreenProofEpochLengthMismatch(windowS, slotCount, len);
        }
        if (epochStart % len != 0) revert GreenProofEpochMisaligned(epochStart, len);
        if (epochStart + len > block.timestamp) {
            revert GreenProofEpochNotFinished(epochStart, epochStart + len, block.timestamp);
        }
        uint64 lastEnd = node.lastEpochEnd; // 0 before the first certificate
        if (epochStart < lastEnd) revert GreenProofEpochNotAfterLast(nodeId, epochStart, lastEnd);
    }

    function _checkIntensity(bytes32 region, uint256 epochStart, uint256 given) private view {
        (bool found, uint256 expected) = _intensityAt(region, uint64(epochStart)); // < block.timestamp
        if (!found) revert GreenProofIntensityUnset(region, epochStart);
        if (given != expected) revert GreenProofIntensityMismatch(region, expected, given);
    }

    function _requireSigner(bytes32 digest, bytes calldata signature, address expected) private pure {
        (address recovered,,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (recovered != expected || recovered == address(0)) revert GreenProofBadSignature(recovered, expected);
    }

    function _node(uint64 nodeId) private view returns (Node storage) {
        if (nodeId == 0 || nodeId > _nodeCount) revert GreenProofUnknownNode(nodeId);
        return _nodes[nodeId];
    }

    function _setStatus(uint64 nodeId, NodeStatus status, string memory reason) private {
        Node storage node = _node(nodeId);
        if (node.status == status) revert GreenProofNodeStatusUnchanged(nodeId, uint8(status));
        node.status = status;
        emit NodeStatusChanged(nodeId, uint8(status), reason);
    }

    function _setAttestor(Node storage node, uint64 nodeId, address newAttestor) private {
        address previous = node.attestor;
        if (newAttestor == address(0) || newAttestor == previous) revert GreenProofInvalidAttestor(newAttestor);
        node.attestor = newAttestor;
        emit AttestorRotated(nodeId, previous, newAttestor);
    }

}
