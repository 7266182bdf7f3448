// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IChallengeManager} from "./interfaces/IChallengeManager.sol";
import {IGreenProof} from "./interfaces/IGreenProof.sol";
import {IPoseidon3, IPoseidon8} from "./interfaces/IPoseidon.sol";

/// @title ChallengeManager: random on-chain openings of committed windows (see IChallengeManager)
/// @dev Roles: DEFAULT_ADMIN_ROLE grants roles; PARAMS_ROLE sets the deposit, the number of slots
///      to open, the answer window and the challenger's share of a slash. GreenProof must grant
///      this contract its CHALLENGE_ROLE (revokeByChallenge: revoke + slash to this contract).
///      Parameters are snapshotted into each challenge when it is opened.
contract ChallengeManager is IChallengeManager, AccessControl {
    bytes32 public constant PARAMS_ROLE = keccak256("PARAMS_ROLE");
    /// @notice Slots follow the hash of the block this many blocks after the challenge's.
    uint256 public constant RANDOMNESS_DELAY_BLOCKS = 2;
    uint256 public constant BPS = 10_000;
    uint256 public constant MAX_OPEN_COUNT = 64;
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev Gas forwarded with a pushed payment; a recipient needing more is paid by `withdraw`.
    uint256 private constant PUSH_GAS = 50_000;

    IGreenProof private immutable _gp;
    IPoseidon3 private immutable _leafHasher;
    IPoseidon8 private immutable _nodeHasher;

    uint128 private _depositWei;
    uint8 private _openCount;
    uint32 private _answerWindowS;
    uint16 private _challengerShareBps;
    uint256 private _challengeCount;
    mapping(uint256 challengeId => Challenge) private _challenges;
    /// @dev The challenged certificate's record, checked against GreenProof when the challenge
    ///      opened: GreenProof keeps only its hash, and answering, drawing and finalizing need
    ///      its root, slot count and node (five slots; challenges are rare, the challenger pays).
    mapping(uint256 challengeId => IGreenProof.CertificateRecord) private _challenged;
    mapping(uint256 certificateId => uint256 challengeId) private _openOf;
    mapping(address account => uint256) private _owed;

    constructor(
        address admin,
        IGreenProof greenProof_,
        IPoseidon3 leafHasher_,
        IPoseidon8 nodeHasher_,
        uint256 depositWei_,
        uint256 openCount_,
        uint256 answerWindowS_,
        uint256 challengerShareBps_
    ) {
        if (
            admin == address(0) || address(greenProof_) == address(0) || address(leafHasher_) == address(0)
                || address(nodeHasher_) == address(0)
        ) revert ChallengeZeroAddress();
        _gp = greenProof_;
        _leafHasher = leafHasher_;
        _nodeHasher = nodeHasher_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PARAMS_ROLE, admin);
        _setParams(depositWei_, openCount_, answerWindowS_, challengerShareBps_);
    }

    /// @dev Only GreenProof sends native currency here (the slashed bond in finalizeChallenge).
    receive() external payable {
        if (msg.sender != address(_gp)) revert ChallengeWrongDeposit(0, msg.value);
    }

    // ------------------------------------------------------------------ the game

    /// @inheritdoc IChallengeManager
    function challenge(uint256 certificateId, IGreenProof.CertificateRecord calldata record)
        external
        payable
        returns (uint256 challengeId)
    {
        uint256 deposit = _depositWei;
        if (msg.value != deposit) revert ChallengeWrongDeposit(deposit, msg.value);
        // Reverts GreenProofUnknownCertificate / GreenProofRecordMismatch.
        (bool revoked, bool released) = _gp.checkRecord(certificateId, record);
        if (revoked || released) revert ChallengeCertificateSettled(certificateId, revoked, released);
        uint256 window = _answerWindowS;
        if (block.timestamp + window >= record.releaseAt) {
            revert ChallengeOutsideVesting(certificateId, record.releaseAt, window, block.timestamp);
        }
        uint256 open = _openOf[certificateId];
        if (open != 0) revert ChallengeAlreadyOpen(certificateId, open);
        // Cannot overflow: one increment per challenge transaction.
        unchecked {
            challengeId = ++_challengeCount;
        }
        uint64 randomnessBlock = uint64(block.number + RANDOMNESS_DELAY_BLOCKS);
        uint64 deadline = uint64(block.timestamp + window); // window < 2^32
        _challenges[challengeId] = Challenge({
            certificateId: certificateId,
            challenger: msg.sender,
            nodeId: record.nodeId,
            randomnessBlock: randomnessBlock,
            deadline: deadline,
            openCount: _openCount,
            status: ChallengeStatus.Open,
            challengerShareBps: _challengerShareBps,
            depositWei: uint128(deposit), // msg.value == _depositWei, a uint128
            seed: bytes32(0)
        });
        _challenged[challengeId] = record;
        _openOf[certificateId] = challengeId;
        _gp.setReleaseHold(certificateId, record, true); // no release, no bond back, until answered or finalized
        emit ChallengeOpened(
            challengeId, certificateId, record.nodeId, msg.sender, deposit, randomnessBlock, deadline, _openCount
        );
    }

    /// @inheritdoc IChallengeManager
    function drawSlots(uint256 challengeId) external {
        Challenge storage c = _open(challengeId);
        if (c.seed != bytes32(0)) revert ChallengeSlotsAlreadyDrawn(challengeId);
        uint256 rb = c.randomnessBlock;
        if (block.number <= rb) revert ChallengeRandomnessNotReady(challengeId, rb, block.number);
        bytes32 h = blockhash(rb);
        if (h == bytes32(0)) {
            uint64 next = uint64(block.number + RANDOMNESS_DELAY_BLOCKS);
            c.randomnessBlock = next;
            emit ChallengeRandomnessReanchored(challengeId, uint64(rb), next);
            return;
        }
        _fixSeed(c, challengeId, h);
    }

    /// @inheritdoc IChallengeManager
    function answerChallenge(uint256 challengeId, Opening[] calldata openings) external {
        Challenge storage c = _open(challengeId);
        if (block.timestamp > c.deadline) revert ChallengeDeadlinePassed(challengeId, c.deadline, block.timestamp);
        uint256 certificateId = c.certificateId;
        IGreenProof.CertificateRecord storage record = _challenged[challengeId];
        uint256 certRoot = record.root;
        uint256[] memory slots = c.seed != bytes32(0)
            ? _drawSlots(c.seed, record.slotCount, c.openCount)
            : _fixSeed(c, challengeId, _readyBlockHash(c, challengeId));
        if (openings.length != slots.length) revert ChallengeOpeningCount(challengeId, slots.length, openings.length);
        for (uint256 i = 0; i < slots.length; ++i) {
            Opening calldata o = openings[i];
            if (o.slot != slots[i]) revert ChallengeWrongSlot(challengeId, i, slots[i], o.slot);
            uint256 root = _rootOf(o, challengeId, i);
            if (root != certRoot) revert ChallengeOpeningMismatch(challengeId, i, o.slot, root, certRoot);
        }
        c.status = ChallengeStatus.Answered;
        delete _openOf[certificateId];
        _gp.setReleaseHold(certificateId, record, false);
        for (uint256 i = 0; i < openings.length; ++i) {
            emit SlotOpened(challengeId, certificateId, openings[i].slot, openings[i].energyMj, openings[i].work);
        }
        address operator = _gp.getNode(c.nodeId).operator;
        emit ChallengeAnswered(challengeId, certificateId, msg.sender, operator, c.depositWei);
        _pay(operator, c.depositWei);
    }

    /// @inheritdoc IChallengeManager
    function finalizeChallenge(uint256 challengeId) external {
        Challenge storage c = _open(challengeId);
        if (block.timestamp <= c.deadline) revert ChallengeDeadlineNotPassed(challengeId, c.deadline, block.timestamp);
        uint256 certificateId = c.certificateId;
        delete _openOf[certificateId];
        address challenger = c.challenger;
        uint256 deposit = c.depositWei;
        (, bool revoked,) = _gp.recordOf(certificateId);
        if (revoked) {
            // Revoked by other means while challenged: nothing left to slash for this challenge.
            c.status = ChallengeStatus.Void;
            emit ChallengeVoided(challengeId, certificateId, challenger);
            _pay(challenger, deposit);
            return;
        }
        c.status = ChallengeStatus.Defaulted;
        uint256 slashed = _gp.revokeByChallenge(certificateId, _challenged[challengeId], challengeId);
        uint256 reward = slashed * c.challengerShareBps / BPS;
        // Cannot underflow: reward <= slashed (share <= BPS).
        uint256 toTreasury;
        unchecked {
            toTreasury = slashed - reward;
        }
        emit ChallengeDefaulted(challengeId, certificateId, challenger, slashed, reward, toTreasury);
        _pay(challenger, deposit + reward);
        _pay(_gp.treasury(), toTreasury);
    }

    /// @inheritdoc IChallengeManager
    function withdraw() external {
        uint256 amount = _owed[msg.sender];
        if (amount == 0) revert ChallengeNothingToWithdraw(msg.sender);
        _owed[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert ChallengeNothingToWithdraw(msg.sender);
    }

    /// @inheritdoc IChallengeManager
    function setChallengeParams(uint256 depositWei, uint256 openCount, uint256 answerWindowS, uint256 challengerShareBps)
        external
        onlyRole(PARAMS_ROLE)
    {
        _setParams(depositWei, openCount, answerWindowS, challengerShareBps);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IChallengeManager
    function getChallenge(uint256 challengeId) external view returns (Challenge memory) {
        return _challenges[challengeId];
    }

    /// @inheritdoc IChallengeManager
    function challengeSlots(uint256 challengeId) external view returns (uint256[] memory) {
        Challenge storage c = _challenges[challengeId];
        if (c.status == ChallengeStatus.None) revert ChallengeUnknown(challengeId);
        bytes32 seed = c.seed;
        if (seed == bytes32(0)) seed = seedOf(_readyBlockHash(c, challengeId), challengeId);
        return _drawSlots(seed, _challenged[challengeId].slotCount, c.openCount);
    }

    /// @inheritdoc IChallengeManager
    function challengedRecord(uint256 challengeId) external view returns (IGreenProof.CertificateRecord memory) {
        if (_challenges[challengeId].status == ChallengeStatus.None) revert ChallengeUnknown(challengeId);
        return _challenged[challengeId];
    }

    /// @inheritdoc IChallengeManager
    function drawSlotsFrom(bytes32 seed, uint256 slotCount, uint256 openCount) external pure returns (uint256[] memory) {
        return _drawSlots(seed, slotCount, openCount);
    }

    /// @inheritdoc IChallengeManager
    function seedOf(bytes32 blockHash, uint256 challengeId) public pure returns (bytes32) {
        return keccak256(abi.encode(blockHash, challengeId));
    }

    /// @inheritdoc IChallengeManager
    function openChallengeOf(uint256 certificateId) external view returns (uint256) {
        return _openOf[certificateId];
    }

    /// @inheritdoc IChallengeManager
    function challengeCount() external view returns (uint256) {
        return _challengeCount;
    }

    /// @inheritdoc IChallengeManager
    function challengeParams() external view returns (uint256, uint256, uint256, uint256) {
        return (_depositWei, _openCount, _answerWindowS, _challengerShareBps);
    }

    /// @inheritdoc IChallengeManager
    function owed(address account) external view returns (uint256) {
        return _owed[account];
    }

    /// @inheritdoc IChallengeManager
    function hashLeaf(uint256 energyMj, uint256 work, uint256 salt) external view returns (uint256) {
        uint256[3] memory x = [energyMj, work, salt];
        for (uint256 i = 0; i < 3; ++i) {
            if (x[i] >= SNARK_SCALAR_FIELD) revert ChallengeValueOutOfField(0, 0, x[i]);
        }
        return _leafHasher.poseidon(x);
    }

    /// @inheritdoc IChallengeManager
    function rootOf(Opening calldata opening) external view returns (uint256) {
        return _rootOf(opening, 0, 0);
    }

    /// @notice GreenProof, whose certificates this contract challenges.
    function greenProof() external view returns (IGreenProof) {
        return _gp;
    }

    /// @notice The hashers: circomlibjs's Poseidon(3) contract and PoseidonHasher(8).
    function hashers() external view returns (IPoseidon3, IPoseidon8) {
        return (_leafHasher, _nodeHasher);
    }

    // ------------------------------------------------------------------ internals

    function _open(uint256 challengeId) private view returns (Challenge storage c) {
        c = _challenges[challengeId];
        ChallengeStatus s = c.status;
        if (s == ChallengeStatus.None) revert ChallengeUnknown(challengeId);
        if (s == ChallengeStatus.Answered) revert ChallengeAlreadyAnswered(challengeId);
        if (s != ChallengeStatus.Open) revert ChallengeAlreadyFinalized(challengeId, uint8(s));
    }

    function _readyBlockHash(Challenge storage c, uint256 challengeId) private view returns (bytes32 h) {
        uint256 rb = c.randomnessBlock;
        if (block.number <= rb) revert ChallengeRandomnessNotReady(challengeId, rb, block.number);
        h = blockhash(rb);
        if (h == bytes32(0)) revert ChallengeRandomnessExpired(challengeId, rb, block.number);
    }

    function _fixSeed(Challenge storage c, uint256 challengeId, bytes32 blockHash) private returns (uint256[] memory slots) {
        bytes32 seed = seedOf(blockHash, challengeId);
        c.seed = seed;
        slots = _drawSlots(seed, _challenged[challengeId].slotCount, c.openCount);
        emit ChallengeSlotsDrawn(challengeId, seed, slots);
    }

    function _drawSlots(bytes32 seed, uint256 slotCount, uint256 openCount) private pure returns (uint256[] memory slots) {
        uint256 m = openCount < slotCount ? openCount : slotCount;
        uint256[] memory pool = new uint256[](slotCount);
        for (uint256 i = 0; i < slotCount; ++i) {
            pool[i] = i;
        }
        slots = new uint256[](m);
        for (uint256 i = 0; i < m; ++i) {
            uint256 j = i + uint256(keccak256(abi.encode(seed, i))) % (slotCount - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
            slots[i] = pool[i];
        }
    }

    /// @dev Leaf = Poseidon(energy, work, salt); then per level Poseidon of the 8 children with
    ///      the path's node at position slot / 8^level % 8 (circuits/green_proof.circom).
    function _rootOf(Opening calldata o, uint256 challengeId, uint256 index) private view returns (uint256 node) {
        _inField(o.energyMj, challengeId, index);
        _inField(o.work, challengeId, index);
        _inField(o.salt, challengeId, index);
        if (o.slot >= MAX_OPEN_COUNT) revert ChallengeWrongSlot(challengeId, index, MAX_OPEN_COUNT, o.slot);
        node = _leafHasher.poseidon([o.energyMj, o.work, o.salt]);
        uint256 pos = o.slot;
        for (uint256 level = 0; level < 2; ++level) {
            uint256[8] memory children;
            uint256 at = pos % 8;
            for (uint256 k = 0; k < 7; ++k) {
                uint256 sib = o.siblings[level][k];
                _inField(sib, challengeId, index);
                children[k < at ? k : k + 1] = sib;
            }
            children[at] = node;
            node = _nodeHasher.poseidon(children);
            pos /= 8;
        }
    }

    function _inField(uint256 v, uint256 challengeId, uint256 index) private pure {
        if (v >= SNARK_SCALAR_FIELD) revert ChallengeValueOutOfField(challengeId, index, v);
    }

    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount, gas: PUSH_GAS}("");
        if (!ok) {
            _owed[to] += amount;
            emit PaymentDeferred(to, amount);
        }
    }

    function _setParams(uint256 depositWei, uint256 openCount, uint256 answerWindowS, uint256 challengerShareBps)
        private
    {
        if (depositWei > type(uint128).max) revert ChallengeParamOutOfRange("depositWei", depositWei);
        if (openCount == 0 || openCount > MAX_OPEN_COUNT) revert ChallengeParamOutOfRange("openCount", openCount);
        if (answerWindowS == 0 || answerWindowS > type(uint32).max) {
            revert ChallengeParamOutOfRange("answerWindowS", answerWindowS);
        }
        if (challengerShareBps > BPS) revert ChallengeParamOutOfRange("challengerShareBps", challengerShareBps);
        _depositWei = uint128(depositWei);
        _openCount = uint8(openCount);
        _answerWindowS = uint32(answerWindowS);
        _challengerShareBps = uint16(challengerShareBps);
        emit ChallengeParamsSet(depositWei, openCount, answerWindowS, challengerShareBps);
    }
}
