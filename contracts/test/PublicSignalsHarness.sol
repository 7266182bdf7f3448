// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "../interfaces/IGreenProof.sol";
import {PUBLIC_SIGNALS, PublicSignals} from "../generated/PublicSignals.sol";

/// @notice Test-only: exposes the generated PublicSignals.toArray (an internal library function)
///         to tests/contracts/PublicSignals.test.js, which checks it against the shared vectors
///         tests/vectors/public_signals_packing.json.
contract PublicSignalsHarness {
    function toArray(IGreenProof.Certificate calldata c) external pure returns (uint256[PUBLIC_SIGNALS] memory) {
        return PublicSignals.toArray(c);
    }
}
