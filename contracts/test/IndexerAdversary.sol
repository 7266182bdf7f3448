// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {RecordWords} from "../RecordWords.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title CertificateRelay (tests only): a stranger's contract that submits GreenProof calls.
/// @notice Anyone may relay a certificate (GreenProof pays the node's operator, whoever sends
///         it), so a stranger can copy an attestor's pending certificate from the mempool and
///         submit it from a contract. The relayed transaction's own calldata is the relay's,
///         chosen freely: it may start with GreenProof's `submitCertificate` selector and
///         still not be a GreenProof call (CertificateDecoyRelay: or decode as one carrying a
///         decoy certificate).
contract CertificateRelay {
    /// @notice The relayed call reverted with `reason`.
    error CertificateRelayFailed(bytes reason);

    address private immutable _target;

    constructor(address target) {
        _target = target;
    }

    /// @notice msg.data = any 4-byte tag ++ the call forwarded to the target.
    fallback() external {
        _forward(_target, msg.data[4:]);
    }

    /// @notice Forward `call` to `to` (GreenProof, or another relay for nested calls).
    function relayTo(address to, bytes calldata call) external {
        _forward(to, call);
    }

    function _forward(address to, bytes memory call) private {
        (bool ok, bytes memory reason) = to.call(call);
        if (!ok) revert CertificateRelayFailed(reason);
    }
}

/// @title CertificateDecoyRelay (tests only): its calldata is a well-formed GreenProof
///        `submitCertificate` of a decoy; what it forwards is another, stashed call.
contract CertificateDecoyRelay {
    address private immutable _target;
    bytes private _stashed;

    constructor(address target) {
        _target = target;
    }

    /// @notice Keep `call` for `submitCertificate`.
    function stash(bytes calldata call) external {
        _stashed = call;
    }

    /// @notice GreenProof's signature, but the arguments are a decoy: the stashed call is sent.
    function submitCertificate(IGreenProof.Certificate calldata, IGreenProof.Proof calldata, bytes calldata)
        external
    {
        (bool ok, bytes memory reason) = _target.call(_stashed);
        if (!ok) revert CertificateRelay.CertificateRelayFailed(reason);
    }
}

/// @title HostileEventEmitter (tests only): GreenProof's and EcoCredit's events with any
///        arguments (raw bytes for every string, any integer), for the indexer's
///        never-halt property test, which follows it beside the real contracts.
contract HostileEventEmitter {
    function nodeRegistered(
        uint64 nodeId,
        address operator,
        address attestor,
        bytes32 region,
        uint256 maxPowerMw,
        bytes calldata metadataURI
    ) external {
        emit IGreenProof.NodeRegistered(nodeId, operator, attestor, region, maxPowerMw, string(metadataURI));
    }

    function nodeStatusChanged(uint64 nodeId, uint8 status, bytes calldata reason) external {
        emit IGreenProof.NodeStatusChanged(nodeId, status, string(reason));
    }

    function attestorRotated(uint64 nodeId, address previous, address next) external {
        emit IGreenProof.AttestorRotated(nodeId, previous, next);
    }

    /// @notice CertificateSubmitted with any record `RecordWords.pack` takes (every member any
    ///         value of its type but work < 2^80, rewardUnits < 2^160, releaseAt < 2^48),
    ///         packed as GreenProof packs it.
    function certificateSubmitted(
        uint256 certificateId,
        uint64 nodeId,
        uint64 epochStart,
        IGreenProof.CertificateRecord calldata record
    ) external {
        (uint256 fieldsA, uint256 fieldsB) = RecordWords.pack(record);
        emit IGreenProof.CertificateSubmitted(
            certificateId, nodeId, epochStart, record.root, fieldsA, fieldsB, record.workloadClass
        );
    }

    /// @notice CertificateSubmitted with any four data words (root, fieldsA, fieldsB,
    ///         workloadClass), e.g. packed words whose record names another node or epoch than
    ///         the topics, or fields beyond what GreenProof would ever pack.
    function certificateSubmittedRaw(
        uint256 certificateId,
        uint64 nodeId,
        uint64 epochStart,
        uint256 root,
        uint256 fieldsA,
        uint256 fieldsB,
        bytes32 workloadClass
    ) external {
        emit IGreenProof.CertificateSubmitted(certificateId, nodeId, epochStart, root, fieldsA, fieldsB, workloadClass);
    }

    function certificateRevoked(uint256 certificateId, uint64 nodeId, bytes calldata reason, uint256 clawed, uint256 debt)
        external
    {
        emit IGreenProof.CertificateRevoked(certificateId, nodeId, string(reason), clawed, debt);
    }

    function regionIntensitySet(bytes32 region, uint256 intensityMgPerKwh, uint64 effectiveFrom) external {
        emit IGreenProof.RegionIntensitySet(region, intensityMgPerKwh, effectiveFrom);
    }

    function transfer(address from, address to, uint256 value) external {
        emit IERC20.Transfer(from, to, value);
    }

    /// @notice A log with any topics (at most four) and data: GreenProof's topic 0 over data
    ///         that does not fit its ABI.
    function rawLog(bytes32[] calldata topics, bytes calldata data) external {
        uint256 n = topics.length;
        require(n <= 4, "at most four topics");
        bytes32 t0 = n > 0 ? topics[0] : bytes32(0);
        bytes32 t1 = n > 1 ? topics[1] : bytes32(0);
        bytes32 t2 = n > 2 ? topics[2] : bytes32(0);
        bytes32 t3 = n > 3 ? topics[3] : bytes32(0);
        bytes memory d = data;
        assembly ("memory-safe") {
            let p := add(d, 32)
            let len := mload(d)
            switch n
            case 0 { log0(p, len) }
            case 1 { log1(p, len, t0) }
            case 2 { log2(p, len, t0, t1) }
            case 3 { log3(p, len, t0, t1, t2) }
            default { log4(p, len, t0, t1, t2, t3) }
        }
    }
}
