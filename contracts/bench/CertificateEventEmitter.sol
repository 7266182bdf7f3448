// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {RecordWords} from "../RecordWords.sol";

/// @title CertificateEventEmitter (benchmark load only; never deployed outside local chains)
/// @notice Emits GreenProof's own events (NodeRegistered, CertificateSubmitted,
/// CertificateRevoked), in loops, so the indexer's decode + write path can be measured on
/// 100k events without generating 100k Groth16 proofs, and so indexer tests can drive
/// revocations and reorgs cheaply. No checks, no state besides a counter. The events are the
/// interface's declarations (qualified `emit IGreenProof.X`), not copies, so their signatures
/// and topics cannot drift from GreenProof's (tests/indexer/test_emitter_topics.py).
contract CertificateEventEmitter {
    uint256 private _nextCertificateId = 1;

    function registerNodes(uint64 firstNodeId, uint64 count, bytes32 region) external {
        for (uint64 i = 0; i < count; i++) {
            emit IGreenProof.NodeRegistered(firstNodeId + i, msg.sender, msg.sender, region, 700_000, "bench");
        }
    }

    function revoke(uint256 certificateId, uint64 nodeId, string calldata reason) external {
        emit IGreenProof.CertificateRevoked(certificateId, nodeId, reason, 5 * 10 ** 16, 0);
    }

    /// @notice `count` certificates for node `nodeId`, hourly epochs from `epochStart`
    ///         (60 windows of 60 s, the 700 W of registerNodes, intensity 400 g/kWh).
    function emitCertificates(uint64 nodeId, uint64 epochStart, uint256 count) external {
        uint256 id = _nextCertificateId;
        for (uint256 i = 0; i < count; i++) {
            uint64 energy = uint64(2_000_000_000 + i);
            IGreenProof.CertificateRecord memory record = IGreenProof.CertificateRecord({
                root: uint256(keccak256(abi.encode(id + i))),
                nodeId: nodeId,
                epochStart: epochStart + uint64(i) * 3600,
                intensityMgPerKwh: 400_000,
                maxPowerMw: 700_000,
                windowS: 60,
                slotCount: 60,
                ecoScore: 80,
                energyMj: energy,
                carbonMg: uint64(uint256(energy) * 400_000 / 3_600_000_000),
                work: uint128(1_000_000 + i),
                workloadClass: bytes32("llm-inference"),
                rewardUnits: 5 * 10 ** 16,
                releaseAt: uint64(block.timestamp + 7 days)
            });
            (uint256 fieldsA, uint256 fieldsB) = RecordWords.pack(record);
            emit IGreenProof.CertificateSubmitted(
                id + i, nodeId, record.epochStart, record.root, fieldsA, fieldsB, record.workloadClass
            );
        }
        _nextCertificateId = id + count;
    }
}
