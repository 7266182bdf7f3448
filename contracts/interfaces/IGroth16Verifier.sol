// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {PUBLIC_SIGNALS} from "../generated/PublicSignals.sol";

/// @title The snarkjs-generated Groth16 verifier, as GreenProof calls it
/// @notice `contracts/generated/Groth16Verifier.sol` (generated from the final zkey, never
///         hand-edited) has exactly this function; GreenProof only knows this interface so the
///         verifier can be redeployed with a new circuit without touching GreenProof's code.
interface IGroth16Verifier {
    /// @notice True iff the proof (a, b, c) is valid for the PUBLIC_SIGNALS packed
    ///         public inputs (PublicSignals.toArray; layout: ecoai_chain/core/public_signals.json).
    ///         `b` is in snarkjs's `exportSolidityCallData` order (G2 coordinates swapped: [[x1,x0],[y1,y0]]).
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[PUBLIC_SIGNALS] calldata _pubSignals
    ) external view returns (bool);
}
