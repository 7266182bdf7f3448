// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {PUBLIC_SIGNALS, PublicSignals} from "../generated/PublicSignals.sol";

/// @notice Test-only: exposes the generated PublicSignals.toArray and packError (internal library
///         functions) to tests/contracts/PublicSignals.test.js, which checks them against the
///         shared vectors tests/vectors/public_signals_packing.json.
contract PublicSignalsHarness {
    function toArray(IGreenProof.Certificate calldata c) external pure returns (uint256[PUBLIC_SIGNALS] memory) {
        return PublicSignals.toArray(c);
    }

    function packError(IGreenProof.Certificate calldata c) external pure returns (bytes memory) {
        return PublicSignals.packError(c);
    }
}
