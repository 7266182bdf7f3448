// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IGreenProof} from "./interfaces/IGreenProof.sol";
import {IEcoCredit} from "./interfaces/IEcoCredit.sol";
import {GreenProofParams} from "./GreenProofParams.sol";

/// @title What is at stake behind a certificate: escrowed rewards, operator debt, node bonds
/// @dev A reward is escrowed at submission (nothing is minted, so it can neither be moved nor
///      vote) and minted to the operator by `releaseRewards` after the challenge window. A
///      revocation cancels an escrowed reward in full; a released one is clawed back from the
///      operator, and what it no longer holds becomes the operator's debt (one figure per
///      operator address, across all its nodes), paid first out of its next released rewards
///      or by `repayDebt`. A node's bond (native currency) is slashed to the treasury by
///      revocations, topped up by anyone (activation needs it at the current rate) and
///      returned once the node is retired, the longest challenge window scheduled by then has
///      passed since (see withdrawBond) and its operator owes no debt.
abstract contract GreenProofCredits is GreenProofParams {
    using SafeCast for uint256;

    bytes32 public constant REVOKER_ROLE = keccak256("REVOKER_ROLE");
    /// @notice Held by the ChallengeManager: revoke an unanswered challenged certificate.
    bytes32 public constant CHALLENGE_ROLE = keccak256("CHALLENGE_ROLE");

    /// @dev A certificate's word (see `_records`), low bits first: bit 0 revoked, bit 1
    ///      released, bit 2 on hold (an open challenge: setReleaseHold sets and clears it, a
    ///      revocation clears it; `_holdsOf` counts a node's held words), bits 3..66 its id,
    ///      bits 67..255 the top 189 bits of keccak256(abi.encode(record)). A release reads
    ///      the hold from the word it reads anyway (no cold slot per certificate).
    uint256 internal constant _REVOKED = 1;
    uint256 internal constant _RELEASED = 2;
    uint256 internal constant _HELD = 4;
    uint256 internal constant _ID_SHIFT = 3;
    uint256 internal constant _LOW_BITS = (1 << 67) - 1; // flags and id; the hash is above them

    IEcoCredit internal immutable _eco;

    /// @dev A node as stored. Slot 0 is all a submission reads of it but the region (slot 1)
    ///      and all it writes: attestor 160 | status 8 | maxPowerMw 32 | lastEpochEnd 32 |
    ///      lastEpochLenS 24 (lastEpochStart = lastEpochEnd - lastEpochLenS; an end is at most
    ///      the block time, checked < 2^32 where it enters, _checkEpoch; the epoch length is
    ///      < 2^24, checked by setEpochLength). The rest is read off the submission path.
    struct StoredNode {
        address attestor;
        NodeStatus status;
        uint32 maxPowerMw;
        uint32 lastEpochEnd;
        uint24 lastEpochLenS;
        bytes32 region;
        address operator;
        uint64 attestorNonce;
        uint128 bondWei;
        uint64 bondUnlockAt; // 0 until retireNode (see withdrawBond)
        string metadataURI;
    }

    mapping(uint64 nodeId => StoredNode) internal _nodes;
    /// @dev Per certified (node, epoch) one word: the certificate's id, flags and record hash
    ///      (layout above); 0: the epoch is not certified. Keyed by node and epoch, it is also
    ///      the duplicate index (certificateOf), so a certificate writes one fresh slot.
    mapping(uint64 nodeId => mapping(uint64 epochStart => uint256 word)) internal _records;
    mapping(address operator => uint256) private _debt;
    mapping(uint64 nodeId => uint256) private _holdsOf; // held certificates (_HELD words) of the node

    constructor(IEcoCredit eco_) {
        _eco = eco_;
    }

    // ------------------------------------------------------------------ rewards

    /// @inheritdoc IGreenProof
    function releaseRewards(uint256[] calldata certificateIds, CertificateRecord[] calldata records)
        external
        returns (uint256 mintedUnits)
    {
        if (records.length != certificateIds.length) {
            revert GreenProofRecordsLengthMismatch(certificateIds.length, records.length);
        }
        // One mint per run of consecutive ids of one operator (ordering ids by operator makes
        // it one per operator): one ERC20Votes checkpoint per run instead of per certificate.
        address runOperator;
        uint256 runUnits;
        for (uint256 i = 0; i < certificateIds.length; ++i) {
            (address operator, uint256 minted) = _release(certificateIds[i], records[i]);
            if (operator != runOperator) {
                _mintRun(runOperator, runUnits);
                (runOperator, runUnits) = (operator, 0);
            }
            // Cannot overflow: each reward < 2^154, and no call holds 2^100 ids.
            unchecked {
                runUnits += minted;
                mintedUnits += minted;
            }
        }
        _mintRun(runOperator, runUnits);
    }

    /// @inheritdoc IGreenProof
    function revokeCertificate(uint256 certificateId, CertificateRecord calldata record, string calldata reason)
        external
        onlyRole(REVOKER_ROLE)
    {
        _revoke(certificateId, record, reason, _treasuryAddress());
    }

    /// @inheritdoc IGreenProof
    function revokeByChallenge(uint256 certificateId, CertificateRecord calldata record, uint256 challengeId)
        external
        onlyRole(CHALLENGE_ROLE)
        returns (uint256 slashedWei)
    {
        // The challenge id is in the ChallengeManager's ChallengeDefaulted of the same transaction
        // (a formatted reason did not fit GreenProof under the 24 KiB code size limit).
        challengeId;
        return _revoke(certificateId, record, "challenge unanswered", msg.sender);
    }

    /// @inheritdoc IGreenProof
    function setReleaseHold(uint256 certificateId, CertificateRecord calldata record, bool held)
        external
        onlyRole(CHALLENGE_ROLE)
    {
        uint256 word = _checkedWord(certificateId, record);
        uint64 nodeId = record.nodeId;
        if (!held) {
            if (word & _HELD == 0) revert GreenProofNotOnHold(certificateId);
            _setWordAt(nodeId, record.epochStart, word & ~_HELD);
            return _liftHold(certificateId, nodeId);
        }
        if (word & _HELD != 0) revert GreenProofReleaseOnHold(certificateId);
        // The ChallengeManager opens challenges only on vesting (unrevoked, unreleased) ones.
        _setWordAt(nodeId, record.epochStart, word | _HELD);
        ++_holdsOf[nodeId];
        emit ReleaseHeld(certificateId, nodeId);
    }

    /// @inheritdoc IGreenProof
    function repayDebt(address operator, uint256 units) external {
        uint256 debt = _debt[operator];
        if (units > debt) revert GreenProofRepayAboveDebt(operator, units, debt);
        // Cannot underflow: units <= debt.
        unchecked {
            _debt[operator] = debt - units;
        }
        _eco.burnForDebt(msg.sender, units); // reverts ERC20InsufficientBalance if it has less
        emit DebtRepaid(operator, msg.sender, units, debt - units);
    }

    // ------------------------------------------------------------------ bonds

    /// @inheritdoc IGreenProof
    function retireNode(uint64 nodeId, string calldata reason) external {
        StoredNode storage node = _node(nodeId);
        if (msg.sender != node.operator) revert GreenProofNotOperator(nodeId, msg.sender, node.operator);
        if (node.status == NodeStatus.Retired) revert GreenProofNodeStatusUnchanged(nodeId, uint8(NodeStatus.Retired));
        node.status = NodeStatus.Retired;
        // Fixed now: a window scheduled later applies to no certificate of the node (withdrawBond).
        node.bondUnlockAt = uint64(block.timestamp) + _maxChallengeWindow(); // < 2^33
        emit NodeStatusChanged(nodeId, uint8(NodeStatus.Retired), reason);
    }

    /// @inheritdoc IGreenProof
    function topUpBond(uint64 nodeId) external payable {
        StoredNode storage node = _node(nodeId);
        if (node.status == NodeStatus.Retired) revert GreenProofNodeStatusUnchanged(nodeId, uint8(NodeStatus.Retired));
        if (msg.value == 0) revert GreenProofZeroTopUp(nodeId);
        node.bondWei = (uint256(node.bondWei) + msg.value).toUint128();
        emit BondLocked(nodeId, node.operator, msg.value);
    }

    /// @inheritdoc IGreenProof
    /// @dev No submission writes a release time to the node; the unlock time bounds them all.
    ///      A certificate of the node is accepted only while the node is Active, so before
    ///      its retirement (retired is final): submitted at s <= retiredAt. Its release time
    ///      is s + w, w the challenge window in effect at its epoch start e < s. Every
    ///      schedule entry is set with effectiveFrom >= its block time, so the entry that w
    ///      comes from was set before e, hence before s, and _maxChallengeWindow() (the
    ///      longest window ever scheduled, the default included; it never decreases) was
    ///      >= w then and still is at retirement. So s + w <= retiredAt +
    ///      _maxChallengeWindow() at retiredAt, the unlock time retireNode stores: once it has
    ///      passed every certificate of the node is past its release time, and what can still
    ///      happen to one (a challenge opened in time) holds the bond (_holdsOf). A window
    ///      scheduled after the retirement cannot lock the bond again.
    function withdrawBond(uint64 nodeId) external {
        StoredNode storage node = _node(nodeId);
        if (node.status != NodeStatus.Retired) revert GreenProofNodeNotRetired(nodeId, uint8(node.status));
        uint256 unlockAt = node.bondUnlockAt;
        if (block.timestamp < unlockAt) revert GreenProofBondLocked(nodeId, unlockAt, block.timestamp);
        uint256 holds = _holdsOf[nodeId];
        if (holds > 0) revert GreenProofNodeChallenged(nodeId, holds);
        // The bond is the only collateral of a debt the operator walks away from.
        _requireNoDebt(node.operator);
        uint256 bond = node.bondWei;
        if (bond == 0) revert GreenProofNoBond(nodeId);
        node.bondWei = 0;
        emit BondReturned(nodeId, node.operator, bond);
        Address.sendValue(payable(node.operator), bond);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IGreenProof
    function debtOf(address operator) external view returns (uint256) {
        return _debt[operator];
    }

    /// @inheritdoc IGreenProof
    function recordOf(uint64 nodeId, uint64 epochStart)
        external
        view
        returns (uint256 certificateId, bytes32 recordHash, bool revoked, bool released)
    {
        uint256 word = _wordAt(nodeId, epochStart);
        return (_idOf(word), bytes32(word & ~_LOW_BITS), word & _REVOKED != 0, word & _RELEASED != 0);
    }

    /// @inheritdoc IGreenProof
    function certificateOf(uint64 nodeId, uint64 epochStart) external view returns (uint256) {
        return _certificateAt(nodeId, epochStart);
    }

    /// @inheritdoc IGreenProof
    function checkRecord(uint256 certificateId, CertificateRecord calldata record)
        external
        view
        returns (bool revoked, bool released)
    {
        uint256 word = _checkedWord(certificateId, record);
        return (word & _REVOKED != 0, word & _RELEASED != 0);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Revoke; the slashed share of the bond goes to `slashTo` (the treasury, or the
    ///      ChallengeManager, which splits it between the challenger and the treasury).
    function _revoke(uint256 certificateId, CertificateRecord calldata record, string memory reason, address slashTo)
        private
        returns (uint256)
    {
        uint256 word = _checkedWord(certificateId, record);
        if (word & _REVOKED != 0) revert GreenProofAlreadyRevoked(certificateId);
        uint64 nodeId = record.nodeId;
        // A revocation ends the hold (the challenge is over): the flag is cleared in the same write.
        _setWordAt(nodeId, record.epochStart, (word | _REVOKED) & ~_HELD);
        if (word & _HELD != 0) _liftHold(certificateId, nodeId);
        StoredNode storage node = _nodes[nodeId];
        address operator = node.operator;
        uint256 reward = record.rewardUnits;
        uint256 clawed;
        uint256 debt;
        if (word & _RELEASED == 0) {
            // Unreleased and unrevoked: its reward is in escrow (never minted), cancelled here.
            emit RewardCancelled(certificateId, operator, reward);
        } else if (reward > 0) {
            clawed = _eco.clawback(operator, reward, certificateId);
            // Cannot underflow: clawback burns at most the amount asked for.
            unchecked {
                debt = reward - clawed;
            }
            if (debt > 0) _debt[operator] += debt;
        }
        emit CertificateRevoked(certificateId, nodeId, reason, clawed, debt);
        return _slash(node, nodeId, certificateId, record.epochStart, slashTo);
    }

    /// @dev A new certificate's release time: now + the challenge window at its epoch start.
    ///      Its reward is in escrow until then by being neither minted nor released: nothing
    ///      else is written (the record in CertificateSubmitted carries reward and releaseAt).
    function _releaseAtFor(uint256 epochStart) internal view returns (uint64) {
        (, uint256 window) = _paramAt(Param.ChallengeWindow, 0, epochStart);
        return uint64(block.timestamp + window); // window < 2^32
    }

    /// @dev Release one escrowed reward (its events included); the caller mints `minted`.
    function _release(uint256 certificateId, CertificateRecord calldata record)
        private
        returns (address operator, uint256 minted)
    {
        uint256 word = _checkedWord(certificateId, record);
        if (word & _REVOKED != 0) revert GreenProofAlreadyRevoked(certificateId);
        if (word & _RELEASED != 0) revert GreenProofAlreadyReleased(certificateId);
        if (word & _HELD != 0) revert GreenProofReleaseOnHold(certificateId);
        uint256 releaseAt = record.releaseAt;
        if (block.timestamp < releaseAt) revert GreenProofStillVesting(certificateId, releaseAt, block.timestamp);
        uint64 nodeId = record.nodeId;
        _setWordAt(nodeId, record.epochStart, word | _RELEASED);
        operator = _nodes[nodeId].operator;
        uint256 reward = record.rewardUnits;
        uint256 debt = _debt[operator];
        uint256 withheld = reward < debt ? reward : debt;
        minted = reward - withheld;
        if (withheld > 0) {
            // Cannot underflow: withheld <= debt.
            unchecked {
                _debt[operator] = debt - withheld;
            }
            emit RewardWithheld(certificateId, nodeId, withheld, debt - withheld);
        }
        emit RewardReleased(certificateId, operator, minted, withheld);
    }

    function _mintRun(address operator, uint256 units) private {
        if (units > 0) _eco.mint(operator, units);
    }

    function _slash(StoredNode storage node, uint64 nodeId, uint256 certificateId, uint256 epochStart, address to)
        private
        returns (uint256 slashed)
    {
        (, uint256 bps) = _paramAt(Param.SlashShare, 0, epochStart);
        slashed = uint256(node.bondWei) * bps / BPS;
        if (slashed == 0) return 0;
        node.bondWei -= uint128(slashed); // slashed <= bondWei
        emit BondSlashed(nodeId, certificateId, slashed, to);
        Address.sendValue(payable(to), slashed);
    }

    /// @dev The hold's count and event; the caller clears the word's _HELD flag.
    function _liftHold(uint256 certificateId, uint64 nodeId) private {
        --_holdsOf[nodeId]; // was incremented with the hold
        emit ReleaseHoldLifted(certificateId, nodeId);
    }

    /// @dev Operators in debt may not add capacity (register or activate nodes).
    function _requireNoDebt(address operator) internal view {
        uint256 debt = _debt[operator];
        if (debt > 0) revert GreenProofOperatorInDebt(operator, debt);
    }

    /// @dev The word a new certificate stores: its record's hash above its id, flags clear.
    ///      `certificateId` < 2^64 (checked where ids are made).
    function _newWord(uint256 certificateId, CertificateRecord memory record) internal pure returns (uint256) {
        return (uint256(keccak256(abi.encode(record))) & ~_LOW_BITS) | (certificateId << _ID_SHIFT);
    }

    /// @dev The id of the certificate of (node, epoch), 0 if none.
    function _certificateAt(uint64 nodeId, uint64 epochStart) internal view returns (uint256) {
        return _idOf(_wordAt(nodeId, epochStart));
    }

    /// @dev The only reads and writes of `_records` (one copy of the nested lookup's code).
    function _wordAt(uint64 nodeId, uint64 epochStart) private view returns (uint256) {
        return _records[nodeId][epochStart];
    }

    function _setWordAt(uint64 nodeId, uint64 epochStart, uint256 word) internal {
        _records[nodeId][epochStart] = word;
    }

    function _idOf(uint256 word) private pure returns (uint256) {
        return uint64(word >> _ID_SHIFT);
    }

    /// @dev Certificate `certificateId`'s word, if `record` is its record: the word at the
    ///      record's (node, epoch) holds that id and the record's hash. Else, in this order:
    ///      GreenProofUnknownCertificate when no certificate has the id (0 or above the count,
    ///      whatever the record), GreenProofRecordMismatch otherwise (the record's node and
    ///      epoch hold no certificate, another one, or this one with another hash).
    function _checkedWord(uint256 certificateId, CertificateRecord calldata record)
        private
        view
        returns (uint256 word)
    {
        word = _wordAt(record.nodeId, record.epochStart);
        if (
            word == 0 || _idOf(word) != certificateId
                || (word ^ uint256(keccak256(abi.encode(record)))) & ~_LOW_BITS != 0
        ) {
            if (certificateId == 0 || certificateId > _certificateCount()) {
                revert GreenProofUnknownCertificate(certificateId);
            }
            revert GreenProofRecordMismatch(certificateId);
        }
    }

    function _node(uint64 nodeId) internal view returns (StoredNode storage) {
        if (nodeId == 0 || nodeId > _nodeCount()) revert GreenProofUnknownNode(nodeId);
        return _nodes[nodeId];
    }
}
