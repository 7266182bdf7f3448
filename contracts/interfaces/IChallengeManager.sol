// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "./IGreenProof.sol";

/// @title The challenge game: anyone may make a node open committed windows before its reward vests
/// @notice A certificate commits to its 64 slots (energy_mj, work, salt) behind an 8-ary Poseidon
///         Merkle root (circuits/green_proof.circom). During the certificate's vesting window
///         anyone may `challenge` it against a native-currency deposit. The slots to open are
///         drawn from the hash of a block that does not exist yet when the challenge is made
///         (block N + RANDOMNESS_DELAY_BLOCKS): neither the challenger nor the node can choose
///         them. Before the answer deadline, anyone (the node's attestor, by itself) opens those
///         slots with `answerChallenge`; each opening is hashed up to the stored root with
///         on-chain Poseidon equal to the circuit's. An answer pays the deposit to the node's
///         operator. A missed deadline lets anyone `finalizeChallenge`: the certificate is revoked
///         (its escrowed reward cancelled), GreenProof's slash share of the node's bond is
///         slashed, and the challenger gets its deposit back plus `challengerShareBps` of the
///         slash; the rest of the slash goes to GreenProof's treasury.
/// @dev Randomness: `blockhash(randomnessBlock)`, recorded as the challenge's seed by the first
///      `drawSlots` or `answerChallenge` after that block. Why a block hash and not prevrandao:
///      the EVM exposes only the current block's prevrandao, so using it would let whoever sends
///      the drawing transaction pick among blocks; a past block's hash is fixed for everyone and
///      commits to that block's prevrandao (its header's mixHash). What a block producer can
///      still bias: the producer of block randomnessBlock can change its hash (transaction order,
///      extra data, timestamp) or withhold the block, so a producer colluding with the node can
///      grind for slots the node can answer; a node that cheated on a fraction f of its windows
///      survives one honest draw of k slots with probability (1 - f)^k, and a grinding producer
///      raises that only by the number of block variants it can afford to try while its slot
///      lasts. `blockhash` is available for 256 blocks: if nobody drew the slots in time,
///      `drawSlots` re-anchors to a new future block (the deadline does not move, so neither side
///      gains by letting it expire).
interface IChallengeManager {
    /// @notice None (no such id), Open, Answered (slots opened), Defaulted (finalized after a
    ///         missed deadline), Void (finalized after the certificate was revoked by other means:
    ///         deposit returned, nothing slashed).
    enum ChallengeStatus {
        None,
        Open,
        Answered,
        Defaulted,
        Void
    }

    /// @notice A challenge, packed into three slots plus the seed.
    struct Challenge {
        uint256 certificateId;
        address challenger;
        uint64 nodeId;
        uint64 randomnessBlock;
        uint64 deadline;
        uint8 openCount;
        ChallengeStatus status;
        uint16 challengerShareBps;
        uint128 depositWei;
        bytes32 seed;
    }

    /// @notice One opened slot: its values, salt and the Merkle path to the root.
    /// @param slot slot index, 0..63
    /// @param siblings per level from the leaves up, the 7 siblings of the node on the path in
    ///        left-to-right order (the node itself left out), as ecoai_chain/zk/merkle.py's
    ///        MerkleProof; the node's position is slot / 8^level % 8
    struct Opening {
        uint256 slot;
        uint256 energyMj;
        uint256 work;
        uint256 salt;
        uint256[7][2] siblings;
    }

    /// @notice A challenge was opened; slots are drawn from blockhash(randomnessBlock).
    event ChallengeOpened(
        uint256 indexed challengeId,
        uint256 indexed certificateId,
        uint64 indexed nodeId,
        address challenger,
        uint256 depositWei,
        uint64 randomnessBlock,
        uint64 deadline,
        uint8 openCount
    );
    /// @notice The seed was fixed and these slots must be opened, in this order.
    event ChallengeSlotsDrawn(uint256 indexed challengeId, bytes32 seed, uint256[] slots);
    /// @notice Nobody drew the slots within 256 blocks of `expiredBlock`; they now follow `randomnessBlock`.
    event ChallengeRandomnessReanchored(uint256 indexed challengeId, uint64 expiredBlock, uint64 randomnessBlock);
    /// @notice One slot of a certificate was opened on-chain (checked against its root).
    event SlotOpened(
        uint256 indexed challengeId, uint256 indexed certificateId, uint256 slot, uint256 energyMj, uint256 work
    );
    /// @notice Every drawn slot was opened; the deposit went to the node's operator.
    event ChallengeAnswered(
        uint256 indexed challengeId, uint256 indexed certificateId, address answerer, address operator, uint256 depositWei
    );
    /// @notice The deadline passed unanswered: the certificate was revoked, `slashedWei` of the
    ///         bond slashed, the challenger paid its deposit plus `challengerRewardWei`, the
    ///         treasury `treasuryWei`.
    event ChallengeDefaulted(
        uint256 indexed challengeId,
        uint256 indexed certificateId,
        address challenger,
        uint256 slashedWei,
        uint256 challengerRewardWei,
        uint256 treasuryWei
    );
    /// @notice The certificate was revoked by other means while challenged: deposit returned.
    event ChallengeVoided(uint256 indexed challengeId, uint256 indexed certificateId, address challenger);
    /// @notice The DAO changed the parameters of later challenges.
    event ChallengeParamsSet(uint256 depositWei, uint256 openCount, uint256 answerWindowS, uint256 challengerShareBps);
    /// @notice A payment could not be pushed; `account` can `withdraw` it.
    event PaymentDeferred(address indexed account, uint256 amountWei);

    /// @notice msg.value differs from the deposit in force.
    error ChallengeWrongDeposit(uint256 requiredWei, uint256 givenWei);
    /// @notice The certificate is revoked or already released.
    error ChallengeCertificateSettled(uint256 certificateId, bool revoked, bool released);
    /// @notice Too late: a challenge must be answerable (now + answer window) before `releaseAt`.
    error ChallengeOutsideVesting(uint256 certificateId, uint256 releaseAt, uint256 answerWindowS, uint256 nowS);
    /// @notice The certificate already has an open challenge.
    error ChallengeAlreadyOpen(uint256 certificateId, uint256 challengeId);
    /// @notice No challenge has this id.
    error ChallengeUnknown(uint256 challengeId);
    /// @notice The challenge was already answered.
    error ChallengeAlreadyAnswered(uint256 challengeId);
    /// @notice The challenge was already finalized (status 3 Defaulted, 4 Void).
    error ChallengeAlreadyFinalized(uint256 challengeId, uint8 status);
    /// @notice Block `randomnessBlock` is not yet in the past.
    error ChallengeRandomnessNotReady(uint256 challengeId, uint256 randomnessBlock, uint256 currentBlock);
    /// @notice blockhash(randomnessBlock) is gone (256 blocks); call drawSlots to re-anchor.
    error ChallengeRandomnessExpired(uint256 challengeId, uint256 randomnessBlock, uint256 currentBlock);
    /// @notice The slots of this challenge are already drawn.
    error ChallengeSlotsAlreadyDrawn(uint256 challengeId);
    /// @notice The answer deadline has passed.
    error ChallengeDeadlinePassed(uint256 challengeId, uint256 deadline, uint256 nowS);
    /// @notice The answer deadline has not passed yet.
    error ChallengeDeadlineNotPassed(uint256 challengeId, uint256 deadline, uint256 nowS);
    /// @notice The answer must hold one opening per drawn slot.
    error ChallengeOpeningCount(uint256 challengeId, uint256 expected, uint256 given);
    /// @notice Opening `index` is for the wrong slot (openings follow the drawn order).
    error ChallengeWrongSlot(uint256 challengeId, uint256 index, uint256 expectedSlot, uint256 givenSlot);
    /// @notice A value of opening `index` is not below the field modulus.
    error ChallengeValueOutOfField(uint256 challengeId, uint256 index, uint256 value);
    /// @notice Opening `index` (slot `slot`) does not hash to the certificate's root.
    error ChallengeOpeningMismatch(
        uint256 challengeId, uint256 index, uint256 slot, uint256 computedRoot, uint256 certificateRoot
    );
    /// @notice A parameter is out of range (openCount 1..64, answer window 1 s .. 2^32 s, share <= 10000 bps).
    error ChallengeParamOutOfRange(string name, uint256 value);
    /// @notice Nothing to withdraw.
    error ChallengeNothingToWithdraw(address account);
    /// @notice A constructor argument is the zero address.
    error ChallengeZeroAddress();

    /// @notice Challenge a certificate in its vesting window, paying exactly `depositWei()`.
    ///         One open challenge per certificate. The slots follow blockhash(block.number +
    ///         RANDOMNESS_DELAY_BLOCKS); the answer deadline is now + answerWindowS, and must fall
    ///         before the certificate's releaseAt. `record` is the certificate's record (from its
    ///         CertificateSubmitted event), checked with GreenProof.checkRecord
    ///         (GreenProofUnknownCertificate, GreenProofRecordMismatch) and kept with the
    ///         challenge (challengedRecord), so answering and finalizing need no record.
    function challenge(uint256 certificateId, IGreenProof.CertificateRecord calldata record)
        external
        payable
        returns (uint256 challengeId);

    /// @notice Anyone: fix the seed once the randomness block exists (within 256 blocks of it),
    ///         or re-anchor to a new future block if that window was missed.
    function drawSlots(uint256 challengeId) external;

    /// @notice Anyone: open every drawn slot, in the drawn order, before the deadline. Draws the
    ///         slots first if nobody did. Pays the deposit to the node's operator.
    function answerChallenge(uint256 challengeId, Opening[] calldata openings) external;

    /// @notice Anyone, after a missed deadline: revoke, slash, pay the challenger.
    function finalizeChallenge(uint256 challengeId) external;

    /// @notice Withdraw a payment that could not be pushed.
    function withdraw() external;

    /// @notice PARAMS_ROLE: parameters of later challenges.
    function setChallengeParams(uint256 depositWei, uint256 openCount, uint256 answerWindowS, uint256 challengerShareBps)
        external;

    /// @notice The challenge (status None if unknown).
    function getChallenge(uint256 challengeId) external view returns (Challenge memory);

    /// @notice The slots to open: from the stored seed, or from blockhash(randomnessBlock) if it
    ///         is available now (reverts ChallengeRandomnessNotReady / ChallengeRandomnessExpired).
    function challengeSlots(uint256 challengeId) external view returns (uint256[] memory);

    /// @notice The record of the challenged certificate, as checked when the challenge opened
    ///         (reverts ChallengeUnknown for an unknown id).
    function challengedRecord(uint256 challengeId) external view returns (IGreenProof.CertificateRecord memory);

    /// @notice Pure slot draw: a partial Fisher-Yates shuffle of 0..slotCount-1 where step i swaps
    ///         position i with i + keccak256(abi.encode(seed, i)) % (slotCount - i); the first
    ///         min(openCount, slotCount) positions, in order. Mirrored by ecoai_chain/challenge/slots.py.
    function drawSlotsFrom(bytes32 seed, uint256 slotCount, uint256 openCount) external pure returns (uint256[] memory);

    /// @notice seed = keccak256(abi.encode(blockHash, challengeId)).
    function seedOf(bytes32 blockHash, uint256 challengeId) external pure returns (bytes32);

    /// @notice The certificate's open challenge id, 0 if none.
    function openChallengeOf(uint256 certificateId) external view returns (uint256);

    /// @notice Number of challenges (the last id).
    function challengeCount() external view returns (uint256);

    /// @notice Parameters in force for new challenges.
    function challengeParams()
        external
        view
        returns (uint256 depositWei, uint256 openCount, uint256 answerWindowS, uint256 challengerShareBps);

    /// @notice Deferred payments owed to `account`.
    function owed(address account) external view returns (uint256);

    /// @notice Poseidon(energyMj, work, salt) as the circuit's slot leaf (inputs must be < p).
    function hashLeaf(uint256 energyMj, uint256 work, uint256 salt) external view returns (uint256);

    /// @notice The root an opening hashes up to (reverts ChallengeValueOutOfField on a value >= p).
    function rootOf(Opening calldata opening) external view returns (uint256);
}
