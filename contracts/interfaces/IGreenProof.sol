// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title GreenProof: node registry and zero-knowledge carbon certificates
/// @notice A node operator registers a node (attestor key, grid region, max power); the DAO
///         activates it. The node's attestor signs (EIP-712) and proves (Groth16) one
///         certificate per epoch; GreenProof checks both, stores the certificate and mints the
///         Eco Credit reward to the operator. Units follow ecoai_chain/core/units.py:
///         energy mJ, power mW, time s, carbon mg CO2e, intensity mg CO2e/kWh,
///         baseline ng CO2e per work unit, rewards in EcoCredit units (1 mg avoided = 1e12).
interface IGreenProof {
    // ------------------------------------------------------------------ types

    /// @notice Lifecycle of a node: Pending after registration, Active once the DAO activates
    ///         it, Suspended by the DAO (and re-activatable).
    enum NodeStatus {
        Pending,
        Active,
        Suspended
    }

    /// @notice A registered node. Packed into four slots plus the metadata string.
    /// @param operator who registered the node and receives its rewards
    /// @param status Pending / Active / Suspended
    /// @param lastEpochStart start of the last certified epoch (0 if none)
    /// @param attestor the key that signs the node's certificates
    /// @param lastEpochEnd end of the last certified epoch; the next must start at or after it
    /// @param maxPowerMw registered physical bound on power draw (mW), a public input of the proof
    /// @param region grid region (bytes32 of an ASCII code, e.g. "KR")
    /// @param debtUnits credits owed from revoked certificates that could not be clawed back;
    ///        withheld from the node's future rewards until covered
    /// @param attestorNonce nonce of the next RotateAttestor signature
    /// @param metadataURI operator-supplied description (hardware, location, contact)
    struct Node {
        address operator;
        NodeStatus status;
        uint64 lastEpochStart;
        address attestor;
        uint64 lastEpochEnd;
        uint32 maxPowerMw;
        bytes32 region;
        uint128 debtUnits;
        uint64 attestorNonce;
        string metadataURI;
    }

    /// @notice The EIP-712 signed certificate (primary type `Certificate`, pinned): its first ten
    ///         fields are the proof's public signals (order: PublicSignals.sol), plus the
    ///         workload class that selects the baseline.
    struct Certificate {
        uint256 nodeId;
        uint256 epochStart;
        uint256 windowS;
        uint256 slotCount;
        uint256 root;
        uint256 energyMj;
        uint256 work;
        uint256 carbonMg;
        uint256 intensityMgPerKwh;
        uint256 maxPowerMw;
        bytes32 workloadClass;
    }

    /// @notice A Groth16 proof as snarkjs's `exportSolidityCallData` gives it (b's G2
    ///         coordinates swapped: [[x1,x0],[y1,y0]]).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice A certificate as stored (packed into five slots). The circuit range-checks the
    ///         narrow fields (energy 54 bits, work 70, carbon 64, window 16, slots 7).
    struct StoredCertificate {
        uint256 root;
        uint64 nodeId;
        uint64 epochStart;
        uint32 intensityMgPerKwh;
        uint32 maxPowerMw;
        uint16 windowS;
        uint8 slotCount;
        uint8 ecoScore;
        bool revoked;
        uint64 energyMj;
        uint64 carbonMg;
        uint128 work;
        bytes32 workloadClass;
        uint256 rewardUnits;
    }

    // ------------------------------------------------------------------ events

    /// @notice A node was registered (status Pending).
    event NodeRegistered(
        uint64 indexed nodeId,
        address indexed operator,
        address indexed attestor,
        bytes32 region,
        uint256 maxPowerMw,
        string metadataURI
    );

    /// @notice A node's status changed (0 Pending, 1 Active, 2 Suspended).
    event NodeStatusChanged(uint64 indexed nodeId, uint8 status, string reason);

    /// @notice A node's attestor key was replaced.
    event AttestorRotated(uint64 indexed nodeId, address indexed previousAttestor, address indexed newAttestor);

    /// @notice A certificate was accepted; `rewardUnits` is the full reward (before any debt).
    event CertificateSubmitted(
        uint256 indexed certificateId,
        uint64 indexed nodeId,
        uint64 indexed epochStart,
        uint256 root,
        uint256 energyMj,
        uint256 work,
        uint256 carbonMg,
        uint256 intensityMgPerKwh,
        uint256 ecoScore,
        uint256 rewardUnits,
        bytes32 workloadClass
    );

    /// @notice Part of a reward went to the node's debt instead of being minted.
    event RewardWithheld(
        uint256 indexed certificateId, uint64 indexed nodeId, uint256 withheldUnits, uint256 remainingDebtUnits
    );

    /// @notice A certificate was revoked: `clawedBackUnits` were burnt from the operator and
    ///         `debtUnits` (reward minus clawed back) were added to the node's debt.
    event CertificateRevoked(
        uint256 indexed certificateId, uint64 indexed nodeId, string reason, uint256 clawedBackUnits, uint256 debtUnits
    );

    /// @notice The intensity of `region` is `intensityMgPerKwh` from `effectiveFrom` on.
    event RegionIntensitySet(bytes32 indexed region, uint256 intensityMgPerKwh, uint64 effectiveFrom);

    /// @notice The baseline of a workload class was set.
    event BaselineSet(bytes32 indexed workloadClass, uint256 baselineNgPerWork);

    /// @notice The global epoch length changed.
    event EpochLengthSet(uint64 previousEpochLengthS, uint64 epochLengthS);

    // ------------------------------------------------------------------ errors

    /// @notice No node has this id.
    error GreenProofUnknownNode(uint256 nodeId);
    /// @notice The node is not Active (status 0 Pending, 2 Suspended).
    error GreenProofNodeNotActive(uint64 nodeId, uint8 status);
    /// @notice activateNode/suspendNode would not change the status.
    error GreenProofNodeStatusUnchanged(uint64 nodeId, uint8 status);
    /// @notice Only the node's operator may do this.
    error GreenProofNotOperator(uint64 nodeId, address caller, address operator);
    /// @notice The attestor address is zero or unchanged.
    error GreenProofInvalidAttestor(address attestor);
    /// @notice Max power must be in [1, 2^32) mW.
    error GreenProofMaxPowerOutOfRange(uint256 maxPowerMw);
    /// @notice The region code is empty.
    error GreenProofInvalidRegion(bytes32 region);
    /// @notice Public input `index` (PublicSignals order) is not below the SNARK field modulus.
    error GreenProofInputOutOfField(uint256 index, uint256 value);
    /// @notice windowS * slotCount must equal the epoch length (and windowS must be non-zero).
    error GreenProofEpochLengthMismatch(uint256 windowS, uint256 slotCount, uint256 epochLengthS);
    /// @notice epochStart is not a multiple of the epoch length.
    error GreenProofEpochMisaligned(uint256 epochStart, uint256 epochLengthS);
    /// @notice The epoch has not ended yet at block time `nowS`.
    error GreenProofEpochNotFinished(uint256 epochStart, uint256 epochEnd, uint256 nowS);
    /// @notice The epoch starts before the end of the node's last certified epoch (replay/overlap).
    error GreenProofEpochNotAfterLast(uint64 nodeId, uint256 epochStart, uint256 lastEnd);
    /// @notice The certificate's max power differs from the node's registered max power.
    error GreenProofMaxPowerMismatch(uint64 nodeId, uint256 expected, uint256 given);
    /// @notice No intensity is in effect for the region at the epoch start.
    error GreenProofIntensityUnset(bytes32 region, uint256 timestamp);
    /// @notice The certificate's intensity differs from the on-chain table.
    error GreenProofIntensityMismatch(bytes32 region, uint256 expected, uint256 given);
    /// @notice Intensity must fit 32 bits (what the circuit accepts).
    error GreenProofIntensityOutOfRange(uint256 intensityMgPerKwh);
    /// @notice Intensity entries are append-only: effectiveFrom must not precede the last entry.
    error GreenProofIntensityNotAfterLast(bytes32 region, uint64 effectiveFrom, uint64 lastEffectiveFrom);
    /// @notice The workload class has no baseline.
    error GreenProofUnknownWorkloadClass(bytes32 workloadClass);
    /// @notice The EIP-712 signature does not recover to the expected key.
    error GreenProofBadSignature(address recovered, address expected);
    /// @notice The Groth16 verifier rejected the proof for these public signals.
    error GreenProofInvalidProof();
    /// @notice No certificate has this id.
    error GreenProofUnknownCertificate(uint256 certificateId);
    /// @notice The certificate is already revoked.
    error GreenProofAlreadyRevoked(uint256 certificateId);
    /// @notice The epoch length must be non-zero and fit 64 bits.
    error GreenProofInvalidEpochLength(uint256 epochLengthS);
    /// @notice A batch's arrays differ in length, or the batch is empty.
    error GreenProofBatchLengthMismatch(uint256 certificates, uint256 proofs, uint256 signatures);
    /// @notice Batch item `index` failed with `reason` (the item's own revert data); nothing
    ///         in the batch was applied.
    error GreenProofBatchItemFailed(uint256 index, bytes reason);
    /// @notice A constructor argument is the zero address.
    error GreenProofZeroAddress();

    // ------------------------------------------------------------------ nodes

    /// @notice Register a node operated by the caller; it starts Pending. Ids start at 1.
    /// @param attestor key that will sign the node's certificates
    /// @param region grid region code (bytes32 of ASCII), selects the intensity table
    /// @param maxPowerMw physical power bound in mW, 1 .. 2^32-1
    /// @param metadataURI free-form description
    function registerNode(address attestor, bytes32 region, uint256 maxPowerMw, string calldata metadataURI)
        external
        returns (uint64 nodeId);

    /// @notice NODE_MANAGER_ROLE: make a Pending or Suspended node Active.
    function activateNode(uint64 nodeId) external;

    /// @notice NODE_MANAGER_ROLE: suspend a node (it can no longer submit) with a reason.
    function suspendNode(uint64 nodeId, string calldata reason) external;

    /// @notice The operator replaces the attestor key, authorised by the CURRENT attestor's
    ///         EIP-712 signature over RotateAttestor(nodeId, newAttestor, nonce) (domain binds
    ///         the chain id and this contract; nonce is the node's attestorNonce).
    function rotateAttestor(uint64 nodeId, address newAttestor, bytes calldata signature) external;

    /// @notice NODE_MANAGER_ROLE: replace the attestor key without its signature (lost key).
    function setAttestor(uint64 nodeId, address newAttestor) external;

    // ------------------------------------------------------------------ certificates

    /// @notice Check and record one epoch's certificate, and mint its reward to the operator
    ///         (minus any node debt). Checks, in order: public inputs < field modulus; node
    ///         exists and is Active; windowS * slotCount == epochLengthS; epochStart aligned;
    ///         epoch finished; epochStart >= end of the node's last certified epoch; max power
    ///         equals the registered one; intensity equals regionIntensityAt(region, epochStart);
    ///         workload class has a baseline; EIP-712 signature by the node's attestor; Groth16
    ///         proof. Anyone may submit (the attestor's signature is the authorisation).
    /// @return certificateId ids start at 1
    function submitCertificate(Certificate calldata cert, Proof calldata proof, bytes calldata signature)
        external
        returns (uint256 certificateId);

    /// @notice All-or-nothing batch of submitCertificate: every item is checked as above, in
    ///         order; if item i fails, the whole transaction reverts with
    ///         GreenProofBatchItemFailed(i, itemRevertData) and no certificate of the batch is
    ///         recorded or rewarded.
    function submitCertificates(Certificate[] calldata certs, Proof[] calldata proofs, bytes[] calldata signatures)
        external
        returns (uint256[] memory certificateIds);

    /// @notice REVOKER_ROLE: revoke a certificate. Burns up to its reward from the operator
    ///         through EcoCredit.clawback; what could not be burnt becomes node debt, withheld
    ///         from future rewards. The epoch stays consumed (it cannot be resubmitted).
    function revokeCertificate(uint256 certificateId, string calldata reason) external;

    // ------------------------------------------------------------------ parameters

    /// @notice PARAMS_ROLE: from `effectiveFrom` on, `region` has this intensity. Entries are
    ///         append-only per region; an entry with the same effectiveFrom as the last replaces it.
    function setRegionIntensity(bytes32 region, uint256 intensityMgPerKwh, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: set the baseline (ng CO2e per work unit) of a workload class.
    function setBaseline(bytes32 workloadClass, uint256 baselineNgPerWork) external;

    /// @notice PARAMS_ROLE: change the global epoch length (affects later certificates only).
    function setEpochLength(uint64 epochLengthS) external;

    // ------------------------------------------------------------------ views

    /// @notice The node (reverts GreenProofUnknownNode if none).
    function getNode(uint64 nodeId) external view returns (Node memory);

    /// @notice The stored certificate (reverts GreenProofUnknownCertificate if none).
    function getCertificate(uint256 certificateId) external view returns (StoredCertificate memory);

    /// @notice Start of the node's last certified epoch, 0 if none.
    function lastEpochStart(uint64 nodeId) external view returns (uint64);

    /// @notice Earliest start of the node's next certificate (end of its last epoch), 0 if none.
    function nextEpochStart(uint64 nodeId) external view returns (uint64);

    /// @notice Intensity in effect for `region` at `timestamp` (latest entry with
    ///         effectiveFrom <= timestamp); 0 if none.
    function regionIntensityAt(bytes32 region, uint64 timestamp) external view returns (uint256);

    /// @notice Baseline of a workload class (ng CO2e per work unit) and whether it is set.
    function baselineOf(bytes32 workloadClass) external view returns (uint256 baselineNgPerWork, bool isSet);

    /// @notice Global epoch length in seconds.
    function epochLengthS() external view returns (uint64);

    /// @notice Number of registered nodes (the last id).
    function nodeCount() external view returns (uint64);

    /// @notice Number of certificates (the last id).
    function certificateCount() external view returns (uint256);

    /// @notice Pure score/reward math, identical to ecoai_chain/core/units.py:
    ///         baselineMg = floor(baselineNgPerWork * work / 1e6);
    ///         ecoScore = floor(100 * b / (b + c)), 0 when work == 0 or b + c == 0;
    ///         rewardUnits = max(0, b - c) * 1e12.
    function computeReward(uint256 baselineNgPerWork, uint256 work, uint256 carbonMg)
        external
        pure
        returns (uint256 baselineMg, uint256 ecoScore, uint256 rewardUnits);
}
