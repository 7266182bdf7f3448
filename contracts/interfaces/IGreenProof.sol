// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title GreenProof: node registry and zero-knowledge carbon certificates
/// @notice A node operator registers a node (attestor key, grid region, max power) with a bond;
///         the DAO activates it. The node's attestor signs (EIP-712) and proves (Groth16) one
///         certificate per epoch; GreenProof checks both, stores the certificate and escrows
///         its Eco Credit reward, which anyone may release to the operator once the
///         challenge window has passed. Units follow ecoai_chain/core/units.py:
///         energy mJ, power mW, time s, carbon mg CO2e, intensity mg CO2e/kWh,
///         baseline ng CO2e per work unit, efficiency ceiling work units per kWh,
///         rewards in EcoCredit units (1 mg avoided = 1e12), bonds in wei.
///
///         The per-epoch bound. The proof bounds energy by max power x epoch length
///         (E <= P * L mJ); the efficiency ceiling C bounds work by w * 3.6e9 <= C * E. Then
///         an accepted certificate's reward, with baseline B, ceiling C and intensity I in
///         effect at its epoch start, is at most
///             ceil((B * C - 1e6 * I) * P * L / 3.6e15) * 1e12 units   if B * C > 1e6 * I,
///             0                                                      otherwise
///         (B * C is ng per kWh, 1e6 * I too; x P * L mJ / 3.6e9 mJ/kWh = ng; / 1e6 = mg;
///         the ceil covers the two floors of baseline and carbon). `rewardBound` returns it.
///
///         One storage slot per certificate. A certificate's fields never change after
///         submission; only three flags do (revoked, released, on hold). So the record goes
///         into CertificateSubmitted (four words: RecordWords), and the certificate keeps one storage word, at its
///         (node, epoch): low bits first, bit 0 revoked, bit 1 released, bit 2 on hold (an
///         open challenge: setReleaseHold), bits 3..66 its id, bits 67..255 the top 189 bits
///         of keccak256(abi.encode(CertificateRecord)) (a 189-bit commitment). The hold in the
///         word (stage F) spares releaseRewards a cold read per certificate (the hold was its
///         own mapping). Keyed by node and epoch, the word is also the duplicate index
///         (certificateOf, GreenProofEpochAlreadyCertified): a submission writes one fresh
///         slot. The functions that need a certificate's fields (releaseRewards,
///         revokeCertificate, revokeByChallenge, setReleaseHold, and ChallengeManager.challenge,
///         CertificateClaims.claimCertificate(Part) through checkRecord) take (id, record) as
///         calldata, find the word at the record's node and epoch, and refuse a record that is
///         not the id's (GreenProofRecordMismatch). Why: with the record stored in five slots,
///         storage was 134k of the 311k gas per certificate of a batch of 32
///         (bench/bench_gas.py at 21f2ab5), the largest part. Measured with the 12 vector
///         certificates on Hardhat's network: one slot for the record (stage C) saved 89k per
///         certificate, single or batched, and a release paid 2.5k more (the record's
///         calldata and hash); the index in the same word (stage D) saves 22k more (one fresh
///         slot instead of two). Readers (indexer, `ecoai verify`, the API, the explorer)
///         take the fields from the event and the flags from `recordOf(node, epoch)`.
interface IGreenProof {
    // ------------------------------------------------------------------ types

    /// @notice Lifecycle of a node: Pending after registration, Active once the DAO activates
    ///         it, Suspended by the DAO (and re-activatable), Retired by its operator (final).
    enum NodeStatus {
        Pending,
        Active,
        Suspended,
        Retired
    }

    /// @notice The DAO parameters that are scheduled in time (looked up at an epoch's start,
    ///         or at registration for the bond rate). `key` is the region (intensity), the
    ///         workload class (baseline, ceiling) or zero (the global ones).
    enum Param {
        RegionIntensity, // mg CO2e per kWh, < 2^32
        Baseline, // ng CO2e per work unit, < 2^64
        EfficiencyCeiling, // work units per kWh, < 2^64
        SubmissionDeadline, // s after the epoch end, < 2^32
        ChallengeWindow, // s after submission before the reward can be released, < 2^32
        BondPerMw, // wei per MW of registered max power, < 2^96
        SlashShare // basis points of the bond slashed per revocation, <= 10000
    }

    /// @notice A registered node, as `getNode` returns it (GreenProof stores it otherwise: the
    ///         fields a submission reads and writes share one slot, see GreenProofCredits).
    /// @param operator who registered the node and receives its rewards
    /// @param status Pending / Active / Suspended / Retired
    /// @param lastEpochStart start of the latest certified epoch (0 if none)
    /// @param attestor the key that signs the node's certificates
    /// @param lastEpochEnd end of the latest certified epoch
    /// @param maxPowerMw registered physical bound on power draw (mW), a public input of the proof
    /// @param region grid region (bytes32 of an ASCII code, e.g. "KR")
    /// @param bondWei native currency locked at registration (less what was slashed)
    /// @param attestorNonce nonce of the next RotateAttestor signature
    /// @param bondUnlockAt when withdrawBond may return the bond: 0 while the node is not
    ///        retired, then its retirement time + the longest challenge window scheduled by
    ///        then (no certificate of the node is released later), fixed at retirement
    /// @param metadataURI operator-supplied description (hardware, location, contact)
    struct Node {
        address operator;
        NodeStatus status;
        uint64 lastEpochStart;
        address attestor;
        uint64 lastEpochEnd;
        uint32 maxPowerMw;
        bytes32 region;
        uint128 bondWei;
        uint64 attestorNonce;
        uint64 bondUnlockAt;
        string metadataURI;
    }

    /// @notice The EIP-712 signed certificate (primary type `Certificate`, pinned): its first ten
    ///         fields are the values the proof is about (PublicSignals.toArray makes the
    ///         verifier's three packed public inputs from them), plus the
    ///         workload class that selects the baseline and the efficiency ceiling.
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

    /// @notice A landed certificate's fields, fixed at submission: emitted in
    ///         CertificateSubmitted (four words, packed by RecordWords), committed to by keccak256(abi.encode(record)) in its one
    ///         slot, at (nodeId, epochStart) (see `recordOf`). Functions that need the fields take the record as calldata
    ///         and check it against that slot (GreenProofRecordMismatch). The circuit
    ///         range-checks the narrow fields (energy 54 bits, work 70, carbon 64, window 16,
    ///         slots 7). `rewardUnits` is escrowed until released; it is < 2^154 (baseline
    ///         < 2^64, work < 2^70). `releaseAt` = submission time + the epoch's challenge window.
    struct CertificateRecord {
        uint256 root;
        uint64 nodeId;
        uint64 epochStart;
        uint32 intensityMgPerKwh;
        uint32 maxPowerMw;
        uint16 windowS;
        uint8 slotCount;
        uint8 ecoScore;
        uint64 energyMj;
        uint64 carbonMg;
        uint128 work;
        bytes32 workloadClass;
        uint192 rewardUnits;
        uint64 releaseAt;
    }

    // ------------------------------------------------------------------ events

    /// @notice A node was registered (status Pending) with `bondWei` locked (see BondLocked).
    event NodeRegistered(
        uint64 indexed nodeId,
        address indexed operator,
        address indexed attestor,
        bytes32 region,
        uint256 maxPowerMw,
        string metadataURI
    );

    /// @notice A node's status changed (0 Pending, 1 Active, 2 Suspended, 3 Retired).
    event NodeStatusChanged(uint64 indexed nodeId, uint8 status, string reason);

    /// @notice A node's attestor key was replaced.
    event AttestorRotated(uint64 indexed nodeId, address indexed previousAttestor, address indexed newAttestor);

    /// @notice A certificate was accepted. Its record, everything about it that is fixed (its
    ///         slot holds its id, three flags and keccak256(abi.encode(record)), see `recordOf`),
    ///         is here in four data words instead of the struct's fourteen (stage F: 128 bytes of
    ///         log data, not 448): `root`, `workloadClass`, nodeId and epochStart (the topics)
    ///         as they are, the other members packed into `fieldsA` and `fieldsB` (layout in
    ///         RecordWords, the one Solidity place; readers rebuild the CertificateRecord from
    ///         these words). Its rewardUnits is the full reward, now in escrow until its
    ///         releaseAt (no separate event: an operator's escrow is the sum over its
    ///         certificates that are neither released nor revoked, which readers compute from
    ///         these events).
    event CertificateSubmitted(
        uint256 indexed certificateId,
        uint64 indexed nodeId,
        uint64 indexed epochStart,
        uint256 root,
        uint256 fieldsA,
        uint256 fieldsB,
        bytes32 workloadClass
    );

    /// @notice An escrowed reward was released: `mintedUnits` minted to the operator and
    ///         `withheldUnits` kept against the operator's debt.
    event RewardReleased(
        uint256 indexed certificateId, address indexed operator, uint256 mintedUnits, uint256 withheldUnits
    );

    /// @notice Part of a released reward went to the operator's debt instead of being minted.
    event RewardWithheld(
        uint256 indexed certificateId, uint64 indexed nodeId, uint256 withheldUnits, uint256 remainingDebtUnits
    );

    /// @notice A revoked certificate's escrowed reward was cancelled in full (never minted).
    event RewardCancelled(uint256 indexed certificateId, address indexed operator, uint256 rewardUnits);

    /// @notice A certificate was revoked: `clawedBackUnits` were burnt from the operator and
    ///         `debtUnits` (released reward minus clawed back) were added to the operator's
    ///         debt. Both are 0 when the reward was still in escrow (see RewardCancelled).
    event CertificateRevoked(
        uint256 indexed certificateId, uint64 indexed nodeId, string reason, uint256 clawedBackUnits, uint256 debtUnits
    );

    /// @notice Batch item `index` was skipped (not applied, its id 0): `reason` is the custom
    ///         error submitCertificate would have reverted with, e.g. GreenProofBadSignature,
    ///         GreenProofInvalidProof, or GreenProofEpochAlreadyCertified(node, epoch, id) for
    ///         an epoch already certified, by someone else first (a front-run copy) or by an
    ///         earlier item of the same batch.
    event BatchItemSkipped(uint256 indexed index, bytes reason);

    /// @notice `payer` burnt `units` of Eco Credits to pay down `operator`'s debt.
    event DebtRepaid(address indexed operator, address indexed payer, uint256 units, uint256 remainingDebtUnits);

    /// @notice A challenge holds the certificate's release (and its node's bond) until lifted.
    event ReleaseHeld(uint256 indexed certificateId, uint64 indexed nodeId);

    /// @notice The hold was lifted (challenge answered) or ended with the revocation.
    event ReleaseHoldLifted(uint256 indexed certificateId, uint64 indexed nodeId);

    /// @notice `bondWei` was added to a node's bond: at registration, or by topUpBond.
    event BondLocked(uint64 indexed nodeId, address indexed operator, uint256 bondWei);

    /// @notice Part of a node's bond went to the treasury because certificate `certificateId` was revoked.
    event BondSlashed(uint64 indexed nodeId, uint256 indexed certificateId, uint256 slashedWei, address treasury);

    /// @notice A retired node's remaining bond went back to its operator.
    event BondReturned(uint64 indexed nodeId, address indexed operator, uint256 bondWei);

    /// @notice A scheduled parameter: from `effectiveFrom` on, `param` of `key` is `value`.
    event ParameterScheduled(Param indexed param, bytes32 indexed key, uint256 value, uint64 effectiveFrom);

    /// @notice The intensity of `region` is `intensityMgPerKwh` from `effectiveFrom` on.
    event RegionIntensitySet(bytes32 indexed region, uint256 intensityMgPerKwh, uint64 effectiveFrom);

    /// @notice The baseline of a workload class is `baselineNgPerWork` from `effectiveFrom` on.
    event BaselineSet(bytes32 indexed workloadClass, uint256 baselineNgPerWork, uint64 effectiveFrom);

    /// @notice The global epoch length changed.
    event EpochLengthSet(uint64 previousEpochLengthS, uint64 epochLengthS);

    /// @notice Slashed bonds go to `treasury` from now on.
    event TreasurySet(address treasury);

    // ------------------------------------------------------------------ errors

    /// @notice No node has this id.
    error GreenProofUnknownNode(uint256 nodeId);
    /// @notice The node is not Active (status 0 Pending, 2 Suspended, 3 Retired).
    error GreenProofNodeNotActive(uint64 nodeId, uint8 status);
    /// @notice activateNode/suspendNode would not change the status, or the node is Retired.
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
    /// @notice Certificate member `member` (its name, ASCII, zero-padded) is not below 2^bits,
    ///         the width the circuit proves: packed into its public-input word it would spill
    ///         into the next field (PublicSignals.toArray).
    error GreenProofFieldTooWide(bytes32 member, uint256 value, uint256 bits);
    /// @notice windowS * slotCount must equal the epoch length (and windowS must be non-zero).
    error GreenProofEpochLengthMismatch(uint256 windowS, uint256 slotCount, uint256 epochLengthS);
    /// @notice epochStart is not a multiple of the epoch length.
    error GreenProofEpochMisaligned(uint256 epochStart, uint256 epochLengthS);
    /// @notice The epoch has not ended yet at block time `nowS`.
    error GreenProofEpochNotFinished(uint256 epochStart, uint256 epochEnd, uint256 nowS);
    /// @notice The submission deadline of the epoch (its end + the deadline in effect at its
    ///         start) is `deadlineS`, before block time `nowS`.
    error GreenProofSubmissionDeadlinePassed(uint256 epochStart, uint256 deadlineS, uint256 nowS);
    /// @notice The node already has certificate `certificateId` for this epoch.
    error GreenProofEpochAlreadyCertified(uint64 nodeId, uint256 epochStart, uint256 certificateId);
    /// @notice The epoch starts before the end of the node's latest certified epoch and before
    ///         the current epoch length took effect, so it may overlap a certified epoch.
    error GreenProofEpochNotAfterLast(uint64 nodeId, uint256 epochStart, uint256 lastEnd);
    /// @notice The certificate's max power differs from the node's registered max power.
    error GreenProofMaxPowerMismatch(uint64 nodeId, uint256 expected, uint256 given);
    /// @notice Total energy exceeds max power x epoch length (`boundMj`).
    error GreenProofEnergyAboveMaxPower(uint256 energyMj, uint256 boundMj);
    /// @notice No intensity is in effect for the region at the epoch start.
    error GreenProofIntensityUnset(bytes32 region, uint256 timestamp);
    /// @notice The certificate's intensity differs from the on-chain table.
    error GreenProofIntensityMismatch(bytes32 region, uint256 expected, uint256 given);
    /// @notice The workload class has no baseline in effect at the epoch start.
    error GreenProofUnknownWorkloadClass(bytes32 workloadClass);
    /// @notice The workload class has no efficiency ceiling in effect at the epoch start, so
    ///         it accepts no certificate.
    error GreenProofNoEfficiencyCeiling(bytes32 workloadClass, uint256 epochStart);
    /// @notice work * 3.6e9 > ceilingWorkPerKwh * energyMj: more work than the class's
    ///         efficiency ceiling allows for that energy.
    error GreenProofAboveEfficiencyCeiling(
        bytes32 workloadClass, uint256 work, uint256 energyMj, uint256 ceilingWorkPerKwh
    );
    /// @notice The EIP-712 signature does not recover to the expected key.
    error GreenProofBadSignature(address recovered, address expected);
    /// @notice The Groth16 verifier rejected the proof for these public signals.
    error GreenProofInvalidProof();
    /// @notice No certificate has this id (0, or above certificateCount).
    error GreenProofUnknownCertificate(uint256 certificateId);
    /// @notice The record given for the certificate is not the one it was submitted with: its
    ///         (nodeId, epochStart) holds no certificate or another one, or its hash differs
    ///         from the slot's. Take it from the certificate's CertificateSubmitted event.
    error GreenProofRecordMismatch(uint256 certificateId);
    /// @notice Certificate ids are kept in 64 bits of their slot; this one would not fit
    ///         (2^64 certificates: unreachable, refused rather than truncated).
    error GreenProofCertificateIdOverflow(uint256 certificateId);
    /// @notice releaseRewards needs one record per certificate id.
    error GreenProofRecordsLengthMismatch(uint256 certificateIds, uint256 records);
    /// @notice The certificate is already revoked.
    error GreenProofAlreadyRevoked(uint256 certificateId);
    /// @notice The certificate's reward was already released.
    error GreenProofAlreadyReleased(uint256 certificateId);
    /// @notice The certificate's challenge window lasts until `releaseAt` (block time `nowS`).
    error GreenProofStillVesting(uint256 certificateId, uint256 releaseAt, uint256 nowS);
    /// @notice The epoch length must be non-zero and below 2^24 s (194 days: a node keeps its
    ///         last epoch's length in 24 bits).
    error GreenProofInvalidEpochLength(uint256 epochLengthS);
    /// @notice An epoch ending after 2^32 - 1 s (year 2106): a node keeps its last end in 32 bits.
    error GreenProofEpochEndTooLate(uint256 epochEnd);
    /// @notice A parameter's effective time is before block time `nowS`: history is fixed.
    error GreenProofEffectiveInPast(Param param, bytes32 key, uint256 effectiveFrom, uint256 nowS);
    /// @notice A parameter's schedule is append-only: `effectiveFrom` precedes its last entry.
    error GreenProofEffectiveNotAfterLast(Param param, bytes32 key, uint256 effectiveFrom, uint256 lastEffectiveFrom);
    /// @notice A parameter value is above its maximum.
    error GreenProofParameterOutOfRange(Param param, bytes32 key, uint256 value, uint256 max);
    /// @notice A batch's arrays differ in length, or the batch is empty.
    error GreenProofBatchLengthMismatch(uint256 certificates, uint256 proofs, uint256 signatures);
    /// @notice The batch verifier's call ran out of gas verifying the `index` proofs that passed
    ///         the checks: the batch reverts rather than drop items for want of gas. (The checks
    ///         make no inner call: running out of gas in them reverts the call as a whole.)
    error GreenProofBatchOutOfGas(uint256 index);
    /// @notice The batch verifier's verifyEach answered something other than `items` bools.
    error GreenProofBatchVerifierReturn(uint256 items);
    /// @notice The operator owes `debtUnits` of Eco Credits: it cannot register or activate nodes.
    error GreenProofOperatorInDebt(address operator, uint256 debtUnits);
    /// @notice repayDebt for more than the operator owes.
    error GreenProofRepayAboveDebt(address operator, uint256 units, uint256 debtUnits);
    /// @notice registerNode must send exactly the bond for its max power.
    error GreenProofWrongBond(uint256 requiredWei, uint256 givenWei);
    /// @notice The bond is returned only after the node is retired (status given).
    error GreenProofNodeNotRetired(uint64 nodeId, uint8 status);
    /// @notice The bond stays locked until `unlockAt` (getNode's bondUnlockAt): the node's
    ///         retirement + the longest challenge window scheduled by then.
    error GreenProofBondLocked(uint64 nodeId, uint256 unlockAt, uint256 nowS);
    /// @notice activateNode needs the node's bond at the current rate (`requiredWei`,
    ///         bondFor its max power); it holds `bondWei`. topUpBond adds to it.
    error GreenProofBondBelowRate(uint64 nodeId, uint256 bondWei, uint256 requiredWei);
    /// @notice The certificate is challenged: no release (and no second hold) until the
    ///         challenge is answered or finalized.
    error GreenProofReleaseOnHold(uint256 certificateId);
    /// @notice setReleaseHold(id, false) on a certificate that is not held.
    error GreenProofNotOnHold(uint256 certificateId);
    /// @notice `openChallenges` certificates of the node are challenged: the bond stays.
    error GreenProofNodeChallenged(uint64 nodeId, uint256 openChallenges);
    /// @notice topUpBond sent no value.
    error GreenProofZeroTopUp(uint64 nodeId);
    /// @notice The node has no bond left to return.
    error GreenProofNoBond(uint64 nodeId);
    /// @notice A constructor argument or the treasury is the zero address.
    error GreenProofZeroAddress();

    // ------------------------------------------------------------------ nodes

    /// @notice Register a node operated by the caller; it starts Pending. Ids start at 1. The
    ///         call must send exactly `bondFor(maxPowerMw)` wei (the bond rate in effect now).
    ///         Refused while the caller owes debt.
    /// @param attestor key that will sign the node's certificates
    /// @param region grid region code (bytes32 of ASCII), selects the intensity table
    /// @param maxPowerMw physical power bound in mW, 1 .. 2^32-1
    /// @param metadataURI free-form description
    function registerNode(address attestor, bytes32 region, uint256 maxPowerMw, string calldata metadataURI)
        external
        payable
        returns (uint64 nodeId);

    /// @notice NODE_MANAGER_ROLE: make a Pending or Suspended node Active. Refused while its
    ///         operator owes debt, and while its bond is below `bondFor(maxPowerMw)` now
    ///         (GreenProofBondBelowRate: registered before a rate increase applied, or slashed).
    function activateNode(uint64 nodeId) external;

    /// @notice Anyone: add the value sent to a node's bond (not Retired; non-zero value).
    function topUpBond(uint64 nodeId) external payable;

    /// @notice NODE_MANAGER_ROLE: suspend a node (it can no longer submit) with a reason.
    function suspendNode(uint64 nodeId, string calldata reason) external;

    /// @notice The operator retires its node for good; its bond can be withdrawn from
    ///         retirement + the longest challenge window scheduled by then (getNode's
    ///         bondUnlockAt, fixed here), which is after the release time of each of its
    ///         certificates; no window scheduled later moves it.
    function retireNode(uint64 nodeId, string calldata reason) external;

    /// @notice Anyone: send a retired node's remaining bond back to its operator, once
    ///         `bondUnlockAt` has passed and while the operator owes no debt
    ///         (GreenProofOperatorInDebt: the bond stays as collateral until it is repaid).
    function withdrawBond(uint64 nodeId) external;

    /// @notice The operator replaces the attestor key, authorised by the CURRENT attestor's
    ///         EIP-712 signature over RotateAttestor(nodeId, newAttestor, nonce) (domain binds
    ///         the chain id and this contract; nonce is the node's attestorNonce).
    function rotateAttestor(uint64 nodeId, address newAttestor, bytes calldata signature) external;

    /// @notice NODE_MANAGER_ROLE: replace the attestor key without its signature (lost key).
    function setAttestor(uint64 nodeId, address newAttestor) external;

    // ------------------------------------------------------------------ certificates

    /// @notice Check and record one epoch's certificate and escrow its reward. Checks, in
    ///         order: public inputs < field modulus; node exists and is Active;
    ///         windowS * slotCount == epochLengthS; epochStart aligned; epoch finished; its
    ///         end below 2^32 (GreenProofEpochEndTooLate); the submission deadline not passed; the epoch not yet certified for the node and
    ///         not overlapping a certified one; max power equals the registered one; energy
    ///         <= max power x epoch length; intensity equals regionIntensityAt(region,
    ///         epochStart); the class has a baseline and an efficiency ceiling at epochStart
    ///         and work * 3.6e9 <= ceiling * energyMj; EIP-712 signature by the node's
    ///         attestor; Groth16 proof. Anyone may submit (the signature is the authorisation).
    /// @return certificateId ids start at 1
    function submitCertificate(Certificate calldata cert, Proof calldata proof, bytes calldata signature)
        external
        returns (uint256 certificateId);

    /// @notice Every check of submitCertificate except the proof, in the same order and with
    ///         the same errors (the same revert data); returns the baseline the reward would
    ///         use. submitCertificates runs the same checks per item (inline) and names a
    ///         failing item by that error; anyone may call it to pre-check an item.
    function checkCertificate(Certificate calldata cert, bytes calldata signature)
        external
        view
        returns (uint256 baselineNgPerWork);

    /// @notice Batch of certificates, verified together: a bad item never sinks the others.
    ///         (1) Per item, the checks of submitCertificate except the proof (as
    ///         checkCertificate, against the state before the batch); a failing item is skipped:
    ///         BatchItemSkipped(index, its custom error, exactly the revert data
    ///         submitCertificate gives), id 0 -- an item that landed already
    ///         (a copy relayed first) with GreenProofEpochAlreadyCertified(node, epoch, id).
    ///         (2) The passing items' proofs in ONE Groth16BatchVerifier.verifyBatch (N + 3
    ///         pairings); only if that fails or reverts (a malformed proof) does verifyEach name
    ///         the bad ones, skipped with GreenProofInvalidProof. (3) Accepted in batch order;
    ///         an item whose epoch an earlier item of the batch took is skipped with
    ///         GreenProofEpochAlreadyCertified, whatever its proof (as submitCertificate checks
    ///         the epoch before the proof). Epochs may land out of order, so no epoch is
    ///         stranded by a later one landing first. Reverts only for a malformed call (empty
    ///         or mismatched arrays: GreenProofBatchLengthMismatch), while paused, or out of gas
    ///         (no item is ever dropped for want of gas: the checks make no inner call, so
    ///         running out of gas in them reverts the whole call, and the batch verifier's call
    ///         running out reverts it with GreenProofBatchOutOfGas).
    ///         submitCertificate keeps the generated single verifier: for one proof the batch
    ///         check is the same four pairings plus the batch verifier's checks and call.
    /// @return certificateIds per item its new id, 0 if skipped
    function submitCertificates(Certificate[] calldata certs, Proof[] calldata proofs, bytes[] calldata signatures)
        external
        returns (uint256[] memory certificateIds);

    /// @notice Anyone: release the escrowed rewards of `certificateIds` (each must be
    ///         unrevoked, unreleased, not held by a challenge and past its releaseAt); `records`
    ///         are their records, one per id (GreenProofRecordsLengthMismatch), each checked
    ///         against its slot first (as checkRecord). The operator's debt is paid
    ///         first; the rest is minted to the operator. Returns the total minted.
    ///         RewardReleased (and RewardWithheld) per certificate; the mint is one per run of
    ///         consecutive ids of one operator (one Transfer, one ERC20Votes checkpoint), so
    ///         ids grouped by operator mint once per operator.
    function releaseRewards(uint256[] calldata certificateIds, CertificateRecord[] calldata records)
        external
        returns (uint256 mintedUnits);

    /// @notice REVOKER_ROLE: revoke a certificate (its record checked first, as checkRecord).
    ///         An escrowed reward is cancelled in full;
    ///         a released one is burnt from the operator through EcoCredit.clawback as far as
    ///         its balance goes, the rest becomes the operator's debt (across all its nodes).
    ///         The SlashShare in effect at the epoch start of the node's bond goes to the
    ///         treasury. The epoch stays consumed (it cannot be resubmitted).
    function revokeCertificate(uint256 certificateId, CertificateRecord calldata record, string calldata reason)
        external;

    /// @notice CHALLENGE_ROLE (the ChallengeManager): revoke a certificate whose challenge went
    ///         unanswered, exactly as revokeCertificate does, except that the slashed share of the
    ///         bond is sent to the caller (which pays the challenger its share and the treasury
    ///         the rest). Returns the slashed amount.
    function revokeByChallenge(uint256 certificateId, CertificateRecord calldata record, uint256 challengeId)
        external
        returns (uint256 slashedWei);

    /// @notice CHALLENGE_ROLE (the ChallengeManager): `held` true when a challenge opens holds
    ///         the certificate's release, and its node's bond, until `held` false (the challenge
    ///         was answered) or a revocation. A challenged operator could otherwise release
    ///         (anyone may) and move the reward, or withdraw a retired node's bond, between the
    ///         answer deadline and the finalization. The record is checked first (as
    ///         checkRecord); then GreenProofReleaseOnHold for a second hold,
    ///         GreenProofNotOnHold for lifting none.
    function setReleaseHold(uint256 certificateId, CertificateRecord calldata record, bool held) external;

    /// @notice Burn `units` of the caller's Eco Credits to pay down `operator`'s debt.
    function repayDebt(address operator, uint256 units) external;

    // ------------------------------------------------------------------ parameters

    /// @notice PARAMS_ROLE: from `effectiveFrom` (>= now) on, `region` has this intensity.
    ///         Schedules are append-only; an entry with the same effectiveFrom as the last
    ///         replaces it.
    function setRegionIntensity(bytes32 region, uint256 intensityMgPerKwh, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: from `effectiveFrom` (>= now) on, the class's baseline.
    function setBaseline(bytes32 workloadClass, uint256 baselineNgPerWork, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: from `effectiveFrom` (>= now) on, the class's efficiency ceiling
    ///         (work units per kWh). A class without one accepts no certificate.
    function setEfficiencyCeiling(bytes32 workloadClass, uint256 workPerKwh, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: for epochs starting from `effectiveFrom` (>= now) on, how long
    ///         after its end a certificate may still be submitted (default 7 days).
    function setSubmissionDeadline(uint256 deadlineS, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: for epochs starting from `effectiveFrom` (>= now) on, how long
    ///         after submission a reward stays in escrow (default 7 days). Every value ever
    ///         scheduled, even one replaced before it takes effect, raises the longest window
    ///         that fixes the bond unlock time of nodes retiring from then on (retireNode):
    ///         a mistaken huge window cannot be taken back for them.
    function setChallengeWindow(uint256 windowS, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: from `effectiveFrom` (>= now) on, registering a node locks this
    ///         many wei per MW of max power (default 0).
    function setBondPerMw(uint256 weiPerMw, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: for epochs starting from `effectiveFrom` (>= now) on, the share
    ///         (basis points) of the bond slashed by a revocation (default 10000).
    function setSlashShare(uint256 bps, uint64 effectiveFrom) external;

    /// @notice PARAMS_ROLE: where slashed bonds go (non-zero).
    function setTreasury(address treasury_) external;

    /// @notice PARAMS_ROLE: change the global epoch length (affects later certificates only).
    function setEpochLength(uint64 epochLengthS) external;

    // ------------------------------------------------------------------ views

    /// @notice The node (reverts GreenProofUnknownNode if none).
    function getNode(uint64 nodeId) external view returns (Node memory);

    /// @notice The slot of the node's certificate for the epoch starting at `epochStart`:
    ///         its id (0 when the epoch is not certified; then every value is zero), `recordHash`
    ///         = keccak256(abi.encode(record)) with its low 67 bits cleared (where the slot keeps
    ///         the id and the three flags; Python compares the same masked hash), and the revoked
    ///         and released flags (the hold is in ReleaseHeld / ReleaseHoldLifted).
    ///         The record's fields are in the certificate's CertificateSubmitted event. No
    ///         revert: it is the index.
    function recordOf(uint64 nodeId, uint64 epochStart)
        external
        view
        returns (uint256 certificateId, bytes32 recordHash, bool revoked, bool released);

    /// @notice Whether `record` is certificate `certificateId`'s, and its current flags. The
    ///         slot is found at the record's (nodeId, epochStart). Errors, in this order:
    ///         GreenProofUnknownCertificate when no certificate has the id (0 or above
    ///         certificateCount), whatever the record; GreenProofRecordMismatch when the
    ///         record's node and epoch hold no certificate, another certificate, or this one
    ///         with another hash. Every function that takes a record checks it so first.
    function checkRecord(uint256 certificateId, CertificateRecord calldata record)
        external
        view
        returns (bool revoked, bool released);

    /// @notice The node's certificate for the epoch starting at `epochStart`, 0 if none (the
    ///         id in recordOf's slot).
    function certificateOf(uint64 nodeId, uint64 epochStart) external view returns (uint256);

    /// @notice Start of the node's latest certified epoch, 0 if none.
    function lastEpochStart(uint64 nodeId) external view returns (uint64);

    /// @notice End of the node's latest certified epoch, 0 if none. Earlier epochs that were
    ///         not certified may still be submitted (see certificateOf) until their deadline.
    function nextEpochStart(uint64 nodeId) external view returns (uint64);

    /// @notice Intensity in effect for `region` at `timestamp`; 0 if none.
    function regionIntensityAt(bytes32 region, uint64 timestamp) external view returns (uint256);

    /// @notice Baseline of a workload class in effect now, and whether one is.
    function baselineOf(bytes32 workloadClass) external view returns (uint256 baselineNgPerWork, bool isSet);

    /// @notice Any scheduled parameter in effect at `timestamp`, and whether one is.
    function parameterAt(Param param, bytes32 key, uint64 timestamp) external view returns (bool isSet, uint256 value);

    /// @notice The most certificate of `nodeId` and class `workloadClass` for the epoch
    ///         starting at `epochStart` can earn (formula in the contract header); 0 when the
    ///         class lacks a baseline or ceiling or the region an intensity at that time.
    function rewardBound(uint64 nodeId, bytes32 workloadClass, uint64 epochStart) external view returns (uint256 units);

    /// @notice The most `nodeId` can earn for the epoch starting at `epochStart`: the largest
    ///         rewardBound over every class that ever had a ceiling, and that class.
    function maxEpochReward(uint64 nodeId, uint64 epochStart) external view returns (uint256 units, bytes32 workloadClass);

    /// @notice The bond registering a node of `maxPowerMw` requires now (wei, rounded up).
    function bondFor(uint256 maxPowerMw) external view returns (uint256);

    /// @notice Eco Credits the operator owes (withheld from its future rewards).
    function debtOf(address operator) external view returns (uint256);

    /// @notice Where slashed bonds go.
    function treasury() external view returns (address);

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

    /// @notice Pure per-epoch bound (the formula in this interface's header), identical to
    ///         ecoai_chain/core/credits.py: baseline ng/work, ceiling work/kWh, intensity mg/kWh,
    ///         max power mW, epoch length s.
    function computeRewardBound(
        uint256 baselineNgPerWork,
        uint256 ceilingWorkPerKwh,
        uint256 intensityMgPerKwh,
        uint256 maxPowerMw,
        uint256 epochLengthS
    ) external pure returns (uint256 boundUnits);
}
