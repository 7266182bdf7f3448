// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGreenProof} from "./interfaces/IGreenProof.sol";
import {IEcoCredit} from "./interfaces/IEcoCredit.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {IGroth16BatchVerifier} from "./interfaces/IGroth16BatchVerifier.sol";
import {PublicSignals} from "./generated/PublicSignals.sol";
// The batch verifier's input count (its generated key). The proofs' calldata is encoded by hand
// with it; `uint256[N_PUBLIC] memory x = PublicSignals.toArray(...)` does not compile unless it
// equals PUBLIC_SIGNALS, so the two generated files cannot drift apart.
import {GROTH16_BATCH_N_PUBLIC as N_PUBLIC} from "./generated/Groth16BatchKey.sol";
import {GreenScore} from "./GreenScore.sol";
import {GreenProofParams} from "./GreenProofParams.sol";
import {GreenProofCredits} from "./GreenProofCredits.sol";
import {RecordWords} from "./RecordWords.sol";

/// @title GreenProof
/// @notice Node registry and Groth16-verified carbon certificates; escrows and releases Eco
///         Credits. The most a node can earn per epoch is bounded (see IGreenProof's header).
/// @dev Roles: DEFAULT_ADMIN_ROLE grants roles; NODE_MANAGER_ROLE activates, suspends and
///      re-keys nodes; REVOKER_ROLE revokes certificates; PARAMS_ROLE schedules intensities,
///      baselines, ceilings, deadline, window, bond rate and slash share, sets the treasury and
///      the epoch length; PAUSER_ROLE pauses submissions and registrations.
///      GreenProof must hold EcoCredit's MINTER_ROLE and CLAWBACK_ROLE.
contract GreenProof is GreenProofCredits {
    using SafeCast for uint256;

    bytes32 public constant NODE_MANAGER_ROLE = keccak256("NODE_MANAGER_ROLE");
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

    /// @dev EIP-712 domain {name "GreenProof", version "1", chainId, verifyingContract}, as
    ///      OpenZeppelin's EIP712 builds it (cached, rebuilt after a chain fork), without its
    ///      ERC-5267 `eip712Domain()` view: that one did not fit under the code size limit,
    ///      and the domain is pinned (ecoai_chain/chain/eip712.py).
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private immutable _domainSeparator = _buildDomainSeparator();
    uint256 private immutable _domainChainId = block.chainid;

    IGroth16Verifier private immutable _verifier;
    IGroth16BatchVerifier private immutable _batchVerifier;

    /// @param admin receives every role; also the first treasury
    /// @param verifier_ the generated single verifier (submitCertificate)
    /// @param batchVerifier_ the batch verifier of the same key (submitCertificates)
    constructor(
        address admin,
        IEcoCredit eco_,
        IGroth16Verifier verifier_,
        IGroth16BatchVerifier batchVerifier_,
        uint64 epochLengthS_
    ) GreenProofParams(epochLengthS_, admin) GreenProofCredits(eco_) {
        if (address(eco_) == address(0) || address(verifier_) == address(0) || address(batchVerifier_) == address(0)) {
            revert GreenProofZeroAddress();
        }
        _verifier = verifier_;
        _batchVerifier = batchVerifier_;
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
        payable
        whenNotPaused
        returns (uint64 nodeId)
    {
        if (attestor == address(0)) revert GreenProofInvalidAttestor(attestor);
        if (region == bytes32(0)) revert GreenProofInvalidRegion(region);
        if (maxPowerMw == 0 || maxPowerMw > type(uint32).max) revert GreenProofMaxPowerOutOfRange(maxPowerMw);
        _requireNoDebt(msg.sender);
        uint256 bond = bondFor(maxPowerMw);
        if (msg.value != bond) revert GreenProofWrongBond(bond, msg.value);
        nodeId = _newNodeId();
        StoredNode storage node = _nodes[nodeId];
        node.operator = msg.sender;
        node.attestor = attestor;
        node.region = region;
        node.maxPowerMw = uint32(maxPowerMw);
        node.bondWei = uint128(bond); // < 2^96 * 2^32 / 1e9
        node.metadataURI = metadataURI;
        emit NodeRegistered(nodeId, msg.sender, attestor, region, maxPowerMw, metadataURI);
        if (bond > 0) emit BondLocked(nodeId, msg.sender, bond);
    }

    /// @inheritdoc IGreenProof
    function activateNode(uint64 nodeId) external onlyRole(NODE_MANAGER_ROLE) {
        StoredNode storage node = _node(nodeId);
        _requireNoDebt(node.operator);
        // A node registered just before a scheduled rate applied, or slashed since, must top
        // its bond up to today's rate before it earns again.
        uint256 required = bondFor(node.maxPowerMw);
        if (node.bondWei < required) revert GreenProofBondBelowRate(nodeId, node.bondWei, required);
        _setStatus(nodeId, NodeStatus.Active, "");
    }

    /// @inheritdoc IGreenProof
    function suspendNode(uint64 nodeId, string calldata reason) external onlyRole(NODE_MANAGER_ROLE) {
        _setStatus(nodeId, NodeStatus.Suspended, reason);
    }

    /// @inheritdoc IGreenProof
    function rotateAttestor(uint64 nodeId, address newAttestor, bytes calldata signature) external {
        StoredNode storage node = _node(nodeId);
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
        (bytes memory reason, uint256 baseline) = _check(cert, signature);
        _revertWith(reason);
        if (!_verifier.verifyProof(proof.a, proof.b, proof.c, PublicSignals.toArray(cert))) {
            revert GreenProofInvalidProof();
        }
        return _accept(cert, baseline);
    }

    /// @inheritdoc IGreenProof
    function checkCertificate(Certificate calldata cert, bytes calldata signature)
        external
        view
        returns (uint256 baselineNgPerWork)
    {
        bytes memory reason;
        (reason, baselineNgPerWork) = _check(cert, signature);
        _revertWith(reason);
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
        // Pass 1: every check but the proof, against the state before the batch, inline: a
        // failing item is named by the error submitCertificate would revert with. `picked`
        // holds the passing indices (m of them), `baselines` their baselines by index. No
        // item can run out of gas alone here (no inner call): the whole call does.
        uint256[] memory picked = new uint256[](n);
        uint256[] memory baselines = new uint256[](n);
        uint256 m;
        for (uint256 i = 0; i < n; ++i) {
            uint256 mark = _freeMemory(); // the item's memory is the next one's (_reuseMemory)
            (bytes memory reason, uint256 baseline) = _check(certs[i], signatures[i]);
            if (reason.length != 0) {
                emit BatchItemSkipped(i, reason);
            } else {
                baselines[i] = baseline;
                picked[m++] = i;
            }
            _reuseMemory(mark);
        }
        if (m == 0) return certificateIds;
        // Pass 2: one batch check of the passing items' proofs; per item only if it fails.
        (bool allValid, bool[] memory valid) = _verifyProofs(certs, proofs, picked, m);
        // Pass 3: accept in batch order. An earlier item of this batch may have taken the
        // epoch (the same item twice, or two certificates of one epoch): skip it.
        for (uint256 k = 0; k < m; ++k) {
            uint256 i = picked[k];
            Certificate calldata cert = certs[i];
            uint256 landed = _certificateAt(uint64(cert.nodeId), uint64(cert.epochStart)); // checked in pass 1
            // The epoch first, as submitCertificate checks it before the proof: an item whose
            // epoch an earlier item took is named for that, whatever its proof.
            if (landed != 0) {
                emit BatchItemSkipped(i, _alreadyCertified(uint64(cert.nodeId), cert.epochStart, landed));
            } else if (!allValid && !valid[k]) {
                emit BatchItemSkipped(i, abi.encodeWithSelector(GreenProofInvalidProof.selector));
            } else {
                certificateIds[i] = _accept(cert, baselines[i]);
            }
        }
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
        StoredNode storage n = _node(nodeId);
        return Node({
            operator: n.operator,
            status: n.status,
            lastEpochStart: n.lastEpochEnd - n.lastEpochLenS, // 0 - 0 before the first certificate
            attestor: n.attestor,
            lastEpochEnd: n.lastEpochEnd,
            maxPowerMw: n.maxPowerMw,
            region: n.region,
            bondWei: n.bondWei,
            attestorNonce: n.attestorNonce,
            bondUnlockAt: n.bondUnlockAt,
            metadataURI: n.metadataURI
        });
    }

    /// @inheritdoc IGreenProof
    function lastEpochStart(uint64 nodeId) external view returns (uint64) {
        StoredNode storage node = _node(nodeId);
        return node.lastEpochEnd - node.lastEpochLenS; // the length of that epoch: end >= it
    }

    /// @inheritdoc IGreenProof
    function nextEpochStart(uint64 nodeId) external view returns (uint64) {
        return _node(nodeId).lastEpochEnd;
    }

    /// @inheritdoc IGreenProof
    function rewardBound(uint64 nodeId, bytes32 workloadClass, uint64 epochStart) public view returns (uint256) {
        StoredNode storage node = _node(nodeId);
        (bool hasIntensity, uint256 intensity) = _paramAt(Param.RegionIntensity, node.region, epochStart);
        (bool hasBaseline, uint256 baseline) = _paramAt(Param.Baseline, workloadClass, epochStart);
        (bool hasCeiling, uint256 ceiling) = _paramAt(Param.EfficiencyCeiling, workloadClass, epochStart);
        if (!hasIntensity || !hasBaseline || !hasCeiling) return 0;
        return GreenScore.rewardBound(baseline, ceiling, intensity, node.maxPowerMw, _epochLength());
    }

    /// @inheritdoc IGreenProof
    function maxEpochReward(uint64 nodeId, uint64 epochStart) external view returns (uint256 units, bytes32 cls) {
        bytes32[] storage classes = _classesWithCeiling();
        for (uint256 i = 0; i < classes.length; ++i) {
            uint256 bound = rewardBound(nodeId, classes[i], epochStart);
            if (bound > units) (units, cls) = (bound, classes[i]);
        }
    }

    /// @inheritdoc IGreenProof
    function nodeCount() external view returns (uint64) {
        return _nodeCount();
    }

    /// @inheritdoc IGreenProof
    function certificateCount() external view returns (uint256) {
        return _certificateCount();
    }

    /// @notice The EcoCredit token this contract mints.
    function ecoCredit() external view returns (IEcoCredit) {
        return _eco;
    }

    /// @notice The Groth16 verifier submitCertificate calls.
    function verifier() external view returns (IGroth16Verifier) {
        return _verifier;
    }

    /// @notice The Groth16 batch verifier submitCertificates calls.
    function batchVerifier() external view returns (IGroth16BatchVerifier) {
        return _batchVerifier;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Every check of a submission but the proof, in the documented order, without
    ///      reverting: `reason` is the custom error the first failing check names, ABI-encoded
    ///      as its revert data would be (selector, arguments), empty if all pass; then
    ///      `baseline` (meaningful only when `reason` is empty). No check can panic: every
    ///      width is bounded by packError first, and the epoch length is never 0.
    function _check(Certificate calldata cert, bytes calldata signature)
        private
        view
        returns (bytes memory reason, uint256 baseline)
    {
        reason = PublicSignals.packError(cert); // a member too wide to pack, or the root >= r
        if (reason.length != 0) return (reason, 0);
        uint64 nodeId;
        (reason, nodeId) = _activeNodeId(cert.nodeId);
        if (reason.length != 0) return (reason, 0);
        StoredNode storage node = _nodes[nodeId];
        reason = _checkEpoch(node, nodeId, cert.epochStart, cert.windowS, cert.slotCount);
        if (reason.length != 0) return (reason, 0);
        (reason, baseline) = _checkPhysics(node, nodeId, cert);
        if (reason.length != 0) return (reason, 0);
        reason = _signerError(
            _hashTypedDataV4(keccak256(abi.encode(CERTIFICATE_TYPEHASH, cert))), signature, node.attestor
        );
    }

    /// @dev The free memory pointer, to hand to _reuseMemory.
    function _freeMemory() private pure returns (uint256 p) {
        assembly ("memory-safe") {
            p := mload(0x40)
        }
    }

    /// @dev Move the free memory pointer back to `mark`: what was allocated since (an item's
    ///      encodings, its record, its error) is no longer read, so the next item writes over
    ///      it instead of expanding memory (its cost grows with the square of its size).
    function _reuseMemory(uint256 mark) private pure {
        assembly ("memory-safe") {
            mstore(0x40, mark)
        }
    }

    /// @dev Revert with `reason` as it is (a custom error's encoding), if it is not empty.
    function _revertWith(bytes memory reason) private pure {
        if (reason.length != 0) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    /// @dev The ABI encoding of custom error `selector` with `words` one-word arguments (of a..d,
    ///      the rest ignored): exactly what `revert E(a, ...)` returns, as every argument of the
    ///      errors of _check is a uint, bytes32 or address (each in one word, zero-padded).
    ///      One routine instead of an encoder per error keeps GreenProof under the size limit.
    function _reason(bytes4 selector, uint256 words, uint256 a, uint256 b, uint256 c, uint256 d)
        private
        pure
        returns (bytes memory r)
    {
        assembly ("memory-safe") {
            r := mload(0x40)
            mstore(0x40, add(r, 0xc0)) // length, selector and four words, rounded up
            mstore(r, add(4, shl(5, words)))
            mstore(add(r, 0x20), selector)
            mstore(add(r, 0x24), a)
            mstore(add(r, 0x44), b)
            mstore(add(r, 0x64), c)
            mstore(add(r, 0x84), d)
        }
    }

    function _alreadyCertified(uint64 nodeId, uint256 epochStart, uint256 landed) private pure returns (bytes memory) {
        return _reason(GreenProofEpochAlreadyCertified.selector, 3, nodeId, epochStart, landed, 0);
    }

    /// @dev The passing items' proofs: one verifyBatch, and verifyEach (the single check per
    ///      item) only when the batch fails or reverts, which a malformed proof makes it do
    ///      (a coordinate out of the field, a point off the curve or refused by ecPairing).
    ///      The calldata of both is built by hand (the ABI encoder for these arrays did not
    ///      fit under the code size limit): (Proof[], uint256[N_PUBLIC][]) have static
    ///      elements, so they are encoded inline: head (0x40, offset of inputs), m, the m
    ///      proofs (8 words each), m, the m input arrays (N_PUBLIC words each).
    function _verifyProofs(
        Certificate[] calldata certs,
        Proof[] calldata proofs,
        uint256[] memory picked,
        uint256 m
    ) private view returns (bool allValid, bool[] memory valid) {
        uint256 proofBytes = m * 0x100;
        uint256 size = 0x84 + proofBytes + m * N_PUBLIC * 0x20; // m <= calldata size / 0x100
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(0x40, add(ptr, size))
            mstore(add(ptr, 0x04), 0x40)
            mstore(add(ptr, 0x24), add(0x60, proofBytes))
            mstore(add(ptr, 0x44), m)
            mstore(add(add(ptr, 0x64), proofBytes), m)
        }
        for (uint256 k = 0; k < m; ++k) {
            uint256 i = picked[k];
            Proof calldata p = proofs[i];
            uint256[N_PUBLIC] memory x = PublicSignals.toArray(certs[i]);
            assembly ("memory-safe") {
                calldatacopy(add(add(ptr, 0x64), mul(k, 0x100)), p, 0x100)
                mcopy(add(add(add(ptr, 0x84), proofBytes), mul(k, mul(N_PUBLIC, 0x20))), x, mul(N_PUBLIC, 0x20))
            }
        }
        address bv = address(_batchVerifier);
        (bytes4 batchSel, bytes4 eachSel) =
            (IGroth16BatchVerifier.verifyBatch.selector, IGroth16BatchVerifier.verifyEach.selector);
        bool ran; // verifyBatch returned (true or false) or reverted with data: not out of gas
        assembly ("memory-safe") {
            mstore(ptr, or(batchSel, shr(32, shl(32, mload(ptr)))))
            let ok := staticcall(gas(), bv, ptr, size, 0x00, 0x20)
            allValid := and(ok, and(eq(returndatasize(), 0x20), eq(mload(0x00), 1)))
            ran := or(ok, gt(returndatasize(), 0))
        }
        if (allValid) return (true, valid);
        if (!ran) revert GreenProofBatchOutOfGas(m);
        uint256 returned;
        assembly ("memory-safe") {
            mstore(ptr, or(eachSel, shr(32, shl(32, mload(ptr)))))
            if iszero(staticcall(gas(), bv, ptr, size, 0x00, 0x00)) {
                returndatacopy(0x00, 0x00, returndatasize())
                revert(0x00, returndatasize())
            }
            returned := returndatasize()
        }
        // verifyEach returns (0x20, m, m bools): copy m and the bools into `valid`.
        if (returned != 0x40 + m * 0x20) revert GreenProofBatchVerifierReturn(m);
        assembly ("memory-safe") {
            valid := mload(0x40)
            mstore(0x40, add(valid, add(0x20, mul(m, 0x20))))
            returndatacopy(valid, 0x20, add(0x20, mul(m, 0x20)))
        }
    }

    /// @dev Record an accepted certificate (its reward is in escrow until its releaseAt).
    ///      `cert` passed `_check`, so its node id is a registered uint64. Writes the node's
    ///      slot 0 (its last epoch), the counts and the certificate's word, nothing else.
    function _accept(Certificate calldata cert, uint256 baseline) private returns (uint256 certificateId) {
        uint64 nodeId = uint64(cert.nodeId);
        StoredNode storage node = _nodes[nodeId];
        (, uint256 score, uint256 reward) = GreenScore.compute(baseline, cert.work, cert.carbonMg);
        certificateId = _newCertificateId(); // GreenProofCertificateIdOverflow past 2^64 - 1
        uint64 start = uint64(cert.epochStart); // < block.timestamp, checked in _checkEpoch
        uint64 len = _epochLength(); // < 2^24 (setEpochLength)
        uint64 end = start + len; // < 2^32, checked in _checkEpoch
        if (end > node.lastEpochEnd) (node.lastEpochEnd, node.lastEpochLenS) = (uint32(end), uint24(len));
        _store(certificateId, nodeId, cert, score, reward, _releaseAtFor(start));
    }

    /// @dev Max power, energy bound, intensity, baseline and efficiency ceiling, all at the
    ///      epoch start: the first failing check's error (see _check), and the baseline.
    function _checkPhysics(StoredNode storage node, uint64 nodeId, Certificate calldata cert)
        private
        view
        returns (bytes memory reason, uint256 baseline)
    {
        uint256 maxPower = node.maxPowerMw;
        if (cert.maxPowerMw != maxPower) {
            return (_reason(GreenProofMaxPowerMismatch.selector, 3, nodeId, maxPower, cert.maxPowerMw, 0), 0);
        }
        uint256 boundMj = maxPower * _epochLength(); // < 2^96
        if (cert.energyMj > boundMj) return (_reason(GreenProofEnergyAboveMaxPower.selector, 2, cert.energyMj, boundMj, 0, 0), 0);
        uint256 start = cert.epochStart;
        (bool found, uint256 intensity) = _paramAt(Param.RegionIntensity, node.region, start);
        if (!found) return (_reason(GreenProofIntensityUnset.selector, 2, uint256(node.region), start, 0, 0), 0);
        if (cert.intensityMgPerKwh != intensity) {
            return (_reason(GreenProofIntensityMismatch.selector, 3, uint256(node.region), intensity, cert.intensityMgPerKwh, 0), 0);
        }
        bytes32 cls = cert.workloadClass;
        (found, baseline) = _paramAt(Param.Baseline, cls, start);
        if (!found) return (_reason(GreenProofUnknownWorkloadClass.selector, 1, uint256(cls), 0, 0, 0), 0);
        (bool hasCeiling, uint256 ceiling) = _paramAt(Param.EfficiencyCeiling, cls, start);
        if (!hasCeiling) return (_reason(GreenProofNoEfficiencyCeiling.selector, 2, uint256(cls), start, 0, 0), 0);
        if (!GreenScore.withinCeiling(cert.work, cert.energyMj, ceiling)) {
            return (_reason(GreenProofAboveEfficiencyCeiling.selector, 4, uint256(cls), cert.work, cert.energyMj, ceiling), 0);
        }
    }

    function _store(
        uint256 certificateId,
        uint64 nodeId,
        Certificate calldata cert,
        uint256 score,
        uint256 reward,
        uint64 releaseAt
    ) private {
        uint256 mark = _freeMemory();
        // The proof range-checks energy (54 bits), work (70), carbon (64), window (16), slots (7);
        // intensity and max power were compared with 32-bit on-chain values; SafeCast re-checks.
        CertificateRecord memory record = CertificateRecord({
            root: cert.root,
            nodeId: nodeId,
            epochStart: uint64(cert.epochStart),
            intensityMgPerKwh: uint32(cert.intensityMgPerKwh),
            maxPowerMw: uint32(cert.maxPowerMw),
            windowS: cert.windowS.toUint16(),
            slotCount: cert.slotCount.toUint8(),
            ecoScore: uint8(score), // <= 100
            energyMj: cert.energyMj.toUint64(),
            carbonMg: cert.carbonMg.toUint64(),
            work: cert.work.toUint128(),
            workloadClass: cert.workloadClass,
            rewardUnits: reward.toUint192(), // < 2^154: baseline < 2^64, work < 2^70
            releaseAt: releaseAt
        });
        // One slot, at (node, epoch): the record's hash and the id, flags clear. The fields are
        // in the event, in four words (RecordWords). It was read as empty by _checkEpoch (warm
        // now: 20k, not 22.1k).
        _setWordAt(nodeId, record.epochStart, _newWord(certificateId, record));
        (uint256 fieldsA, uint256 fieldsB) = RecordWords.pack(record);
        emit CertificateSubmitted(
            certificateId, nodeId, record.epochStart, record.root, fieldsA, fieldsB, record.workloadClass
        );
        _reuseMemory(mark); // the record and its encodings: a batch's next item writes over them
    }

    function _activeNodeId(uint256 rawNodeId) private view returns (bytes memory reason, uint64 nodeId) {
        if (rawNodeId == 0 || rawNodeId > _nodeCount()) return (_reason(GreenProofUnknownNode.selector, 1, rawNodeId, 0, 0, 0), 0);
        nodeId = uint64(rawNodeId); // <= _nodeCount(), a uint64
        NodeStatus status = _nodes[nodeId].status;
        if (status != NodeStatus.Active) reason = _reason(GreenProofNodeNotActive.selector, 2, nodeId, uint8(status), 0, 0);
    }

    /// @dev The epoch's checks: the first failing one's error (see _check), empty if all pass.
    function _checkEpoch(StoredNode storage node, uint64 nodeId, uint256 epochStart, uint256 windowS, uint256 slotCount)
        private
        view
        returns (bytes memory reason)
    {
        uint256 len = _epochLength();
        // Both factors are below 2^254 but their product could overflow: bound them first.
        if (windowS == 0 || windowS > len || slotCount > len || windowS * slotCount != len) {
            return _reason(GreenProofEpochLengthMismatch.selector, 3, windowS, slotCount, len, 0);
        }
        if (epochStart % len != 0) return _reason(GreenProofEpochMisaligned.selector, 2, epochStart, len, 0, 0);
        uint256 end = epochStart + len; // epochStart < 2^64 (packError)
        if (end > block.timestamp) return _reason(GreenProofEpochNotFinished.selector, 3, epochStart, end, block.timestamp, 0);
        if (end > type(uint32).max) return _reason(GreenProofEpochEndTooLate.selector, 1, end, 0, 0, 0); // the node keeps 32 bits
        (, uint256 deadline) = _paramAt(Param.SubmissionDeadline, 0, epochStart);
        if (block.timestamp > end + deadline) {
            return _reason(GreenProofSubmissionDeadlinePassed.selector, 3, epochStart, end + deadline, block.timestamp, 0);
        }
        uint256 landed = _certificateAt(nodeId, uint64(epochStart)); // < block.timestamp
        if (landed != 0) return _alreadyCertified(nodeId, epochStart, landed);
        // Epochs on the current grid (starting once the current length took effect) are
        // disjoint when their starts differ; an older start must follow every certified epoch.
        uint256 lastEnd = node.lastEpochEnd; // 0 before the first certificate
        if (epochStart < lastEnd && epochStart < _epochLengthSince()) {
            reason = _reason(GreenProofEpochNotAfterLast.selector, 3, nodeId, epochStart, lastEnd, 0);
        }
    }

    function _hashTypedDataV4(bytes32 structHash) private view returns (bytes32) {
        bytes32 domain = block.chainid == _domainChainId ? _domainSeparator : _buildDomainSeparator();
        return MessageHashUtils.toTypedDataHash(domain, structHash);
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("GreenProof"), keccak256("1"), block.chainid, address(this)));
    }

    function _requireSigner(bytes32 digest, bytes calldata signature, address expected) private pure {
        _revertWith(_signerError(digest, signature, expected));
    }

    /// @dev GreenProofBadSignature(recovered, expected) unless `expected` (not 0) signed `digest`.
    function _signerError(bytes32 digest, bytes calldata signature, address expected)
        private
        pure
        returns (bytes memory reason)
    {
        (address recovered,,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (recovered != expected || recovered == address(0)) {
            reason = _reason(GreenProofBadSignature.selector, 2, uint160(recovered), uint160(expected), 0, 0);
        }
    }

    function _setStatus(uint64 nodeId, NodeStatus status, string memory reason) private {
        StoredNode storage node = _node(nodeId);
        NodeStatus current = node.status;
        if (current == status || current == NodeStatus.Retired) revert GreenProofNodeStatusUnchanged(nodeId, uint8(current));
        node.status = status;
        emit NodeStatusChanged(nodeId, uint8(status), reason);
    }

    function _setAttestor(StoredNode storage node, uint64 nodeId, address newAttestor) private {
        address previous = node.attestor;
        if (newAttestor == address(0) || newAttestor == previous) revert GreenProofInvalidAttestor(newAttestor);
        node.attestor = newAttestor;
        emit AttestorRotated(nodeId, previous, newAttestor);
    }
}
