// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice circomlib Poseidon(3) -- the slot leaf -- as circomlibjs's generated contract answers it.
///         That contract reduces inputs mod p: callers must check inputs < p first.
interface IPoseidon3 {
    function poseidon(uint256[3] calldata input) external view returns (uint256);
}

/// @notice circomlib Poseidon(8) -- the 8-ary Merkle node -- as PoseidonHasher(8) answers it.
interface IPoseidon8 {
    function poseidon(uint256[8] calldata input) external view returns (uint256);
}
