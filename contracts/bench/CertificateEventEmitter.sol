// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "../interfaces/IGreenProof.sol";

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

    /// @notice `count` certificates for node `nodeId`, hourly epochs from `epochStart`.
    function emitCertificates(uint64 nodeId, uint64 epochStart, uint256 count) external {
        uint256 id = _nextCertificateId;
        for (uint256 i = 0; i < count; i++) {
            uint256 energy = 2_000_000_000 + i;
            uint256 carbon = energy * 400_000 / 3_600_000_000;
            emit IGreenProof.CertificateSubmitted(id + i, nodeId, epochStart + uint64(i) * 3600,
                uint256(keccak256(abi.encode(id + i))), energy, 1_000_000 + i, carbon, 400_000,
                80, 5 * 10 ** 16, bytes32("llm-inference"));
        }
        _nextCertificateId = id + count;
    }
}
