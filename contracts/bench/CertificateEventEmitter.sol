// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title CertificateEventEmitter (benchmark load only; never deployed outside local chains)
/// @notice Emits events with exactly the signatures GreenProof emits (NodeRegistered,
/// CertificateSubmitted), in loops, so the indexer's decode + write path can be measured on
/// 100k events without generating 100k Groth16 proofs, and so indexer tests can drive
/// revocations and reorgs cheaply. No checks, no state besides a counter.
contract CertificateEventEmitter {
    event NodeRegistered(uint64 indexed nodeId, address indexed operator, address indexed attestor,
        bytes32 region, uint256 maxPowerMw, string metadataURI);
    event CertificateSubmitted(uint256 indexed certificateId, uint64 indexed nodeId,
        uint64 indexed epochStart, uint256 root, uint256 energyMj, uint256 work, uint256 carbonMg,
        uint256 intensityMgPerKwh, uint256 ecoScore, uint256 rewardUnits, bytes32 workloadClass);
    event CertificateRevoked(uint256 indexed certificateId, uint64 indexed nodeId, string reason,
        uint256 clawedBackUnits, uint256 debtUnits);

    uint256 private _nextCertificateId = 1;

    function registerNodes(uint64 firstNodeId, uint64 count, bytes32 region) external {
        for (uint64 i = 0; i < count; i++) {
            emit NodeRegistered(firstNodeId + i, msg.sender, msg.sender, region, 700_000, "bench");
        }
    }

    function revoke(uint256 certificateId, uint64 nodeId, string calldata reason) external {
        emit CertificateRevoked(certificateId, nodeId, reason, 5 * 10 ** 16, 0);
    }

    /// @notice `count` certificates for node `nodeId`, hourly epochs from `epochStart`.
    function emitCertificates(uint64 nodeId, uint64 epochStart, uint256 count) external {
        uint256 id = _nextCertificateId;
        for (uint256 i = 0; i < count; i++) {
            uint256 energy = 2_000_000_000 + i;
            uint256 carbon = energy * 400_000 / 3_600_000_000;
            emit CertificateSubmitted(id + i, nodeId, epochStart + uint64(i) * 3600,
                uint256(keccak256(abi.encode(id + i))), energy, 1_000_000 + i, carbon, 400_000,
                80, 5 * 10 ** 16, bytes32("llm-inference"));
        }
        _nextCertificateId = id + count;
    }
}
