// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IGreenProof} from "./IGreenProof.sol";
import {GROTH16_BATCH_N_PUBLIC as N_PUBLIC} from "../generated/Groth16BatchKey.sol";

/// @title Batch verification of Groth16 proofs of the green_proof circuit
/// @notice Checks N proofs of the one committed verifying key in one pairing-product check
/// (N + 3 pairings). Intended use: `verifyBatch` for a whole batch; when it returns false, call
/// `verifyEach` (or the single Groth16Verifier per item) to name the bad items and certify the
/// others. Proofs are `IGreenProof.Proof` in calldata order (G2 imaginary part first).
interface IGroth16BatchVerifier {
    /// @notice The batch is empty (nothing to verify is not "all valid").
    error Groth16BatchEmpty();
    /// @notice `proofs` and `inputs` differ in length.
    error Groth16BatchLengthMismatch(uint256 proofs, uint256 inputs);
    /// @notice Proof `item` has a coordinate `word` (0..7: a.x, a.y, b[0][0], b[0][1], b[1][0],
    /// b[1][1], c.x, c.y) that is not below the base field modulus q.
    error Groth16BatchCoordinateNotInField(uint256 item, uint256 word, uint256 value);
    /// @notice Public input `signal` of item `item` is not below the scalar field modulus r.
    error Groth16BatchInputNotInField(uint256 item, uint256 signal, uint256 value);
    /// @notice Point `point` (0 = A, 2 = C) of proof `item` is not on the curve y^2 = x^3 + 3.
    error Groth16BatchPointNotOnCurve(uint256 item, uint256 point);
    /// @notice The ecPairing precompile refused the batch: some B is off the twist or outside
    /// the order-r subgroup (EIP-197). `verifyEach` names the item.
    error Groth16BatchPairingRefused();
    /// @notice Precompile `precompile` (7 ecMul, 8 ecPairing) could not be given the gas it
    /// needs: the call reverts rather than answer false for want of gas.
    error Groth16BatchOutOfGas(uint256 precompile);

    /// @notice True iff every proof is valid for its public inputs (soundness error at most
    /// Q * 2^-252 for a prover trying Q batches; see the contract's NatSpec).
    /// False only when the pairing equation fails. Reverts on an empty batch, a length
    /// mismatch, a word out of its field, an A or C off the curve (naming the item), a B the
    /// pairing precompile refuses, or too little gas.
    function verifyBatch(
        IGreenProof.Proof[] calldata proofs,
        uint256[N_PUBLIC][] calldata inputs
    ) external view returns (bool);

    /// @notice Per item, the single Groth16 check (a batch of one: r_0 = 1, four pairings):
    /// exactly the generated single verifier's verdict; malformed items (out-of-field words,
    /// points off the curve or refused by the precompile) are false. Reverts only on a length
    /// mismatch or too little gas, so every other item is still answered.
    function verifyEach(
        IGreenProof.Proof[] calldata proofs,
        uint256[N_PUBLIC][] calldata inputs
    ) external view returns (bool[] memory valid);

    /// @notice The Fiat-Shamir seed and coefficients r_0..r_{N-1} the batch check uses (the
    /// shared vector tests/vectors/groth16_batch.json pins them). Same reverts as `verifyBatch`.
    function batchCoefficients(
        IGreenProof.Proof[] calldata proofs,
        uint256[N_PUBLIC][] calldata inputs
    ) external pure returns (bytes32 seed, uint256[] memory coefficients);

    /// @notice keccak256 of the verifying key's words (the transcript's key binding).
    function verifyingKeyHash() external pure returns (bytes32);
}
