// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title PoseidonHasher: circomlib's Poseidon (BN254, x^5, 8 full rounds) for a fixed arity
/// @notice Callable exactly like the contracts of circomlibjs's Poseidon generator:
///         `poseidon(uint256[n])` returns Poseidon(inputs) as circomlib's `Poseidon(n)` template
///         computes it (initial state 0). Unlike circomlibjs's contract, an input >= p reverts
///         with PoseidonInputOutOfField instead of being reduced mod p (two different values
///         would otherwise hash alike).
/// @dev Why this contract exists: circomlibjs's generator (`poseidonContract.createCode`) keeps
///      the whole state on the EVM stack and cannot go past 6 inputs (DUP16); the 8-ary Merkle
///      node needs 8. This is the permutation of circomlibjs's poseidon_opt.js (sparse
///      partial-round matrices, the same algorithm as ecoai_chain/zk/poseidon.py); the constants
///      are a constructor argument, never written here: contracts/generated/poseidon.json
///      carries circomlibjs's poseidon_constants_opt.js for t = nInputs + 1 as 32-byte words in
///      the order C (t*8 + nRoundsP), S (nRoundsP*(2t-1)), M (t*t, M[j][i] at j*t+i), P (t*t)
///      (scripts/gen_poseidon_contracts.mjs). The constants live in up to two data contracts
///      (runtime code = 0x00 ++ words, the SSTORE2 layout) read with EXTCODECOPY per call.
///      tests/contracts/Poseidon.test.js checks it against circomlibjs's own contracts for
///      every arity those support and against tests/vectors/poseidon.json.
///      Gas: for t = 9 (the Merkle node) the matrix products are unrolled over the state
///      (mix9, partial9; ~209k gas a hash against ~330k for the generic loops); other arities
///      take the generic loops. The creation code plus the 43,776-byte constants of t = 9 must
///      stay under EIP-3860's 49,152-byte initcode limit.
contract PoseidonHasher {
    uint256 private constant Q = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant N_ROUNDS_F = 8;
    /// @dev Words per data contract: 24,000 bytes + the 0x00 prefix stay under EIP-170's 24,576.
    uint256 private constant CHUNK_WORDS = 750;

    /// @notice Number of inputs (1..8); t = nInputs + 1.
    uint256 public immutable nInputs;
    /// @notice Partial rounds for this t (circomlib's table).
    uint256 public immutable nRoundsP;
    uint256 private immutable _words;
    address private immutable _chunk0;
    address private immutable _chunk1;
    bytes4 private immutable _selector;

    /// @notice Arity outside 1..8.
    error PoseidonUnsupportedInputs(uint256 nInputs);
    /// @notice The constants blob does not have the size t and nRoundsP imply.
    error PoseidonConstantsLength(uint256 expectedBytes, uint256 givenBytes);
    /// @notice Writing a constants data contract failed.
    error PoseidonConstantsStoreFailed();
    /// @notice The call is not `poseidon(uint256[nInputs])` (or `poseidon(bytes32[nInputs])`).
    error PoseidonBadCall(bytes4 selector, uint256 calldataLength);
    /// @notice Input `index` is not below the field modulus.
    error PoseidonInputOutOfField(uint256 index, uint256 value);

    constructor(uint256 nInputs_, bytes memory constants) {
        if (nInputs_ < 1 || nInputs_ > 8) revert PoseidonUnsupportedInputs(nInputs_);
        uint256 t = nInputs_ + 1;
        uint8[8] memory roundsP = [56, 57, 56, 60, 60, 63, 64, 63];
        uint256 nP = roundsP[t - 2];
        uint256 words = t * N_ROUNDS_F + nP + nP * (2 * t - 1) + 2 * t * t;
        if (constants.length != words * 32) revert PoseidonConstantsLength(words * 32, constants.length);
        nInputs = nInputs_;
        nRoundsP = nP;
        _words = words;
        uint256 first = words < CHUNK_WORDS ? words : CHUNK_WORDS;
        _chunk0 = _store(constants, 0, first);
        _chunk1 = words > first ? _store(constants, first, words - first) : address(0);
        string memory n = _decimal(nInputs_);
        _selector = bytes4(keccak256(abi.encodePacked("poseidon(uint256[", n, "])")));
    }

    /// @dev `poseidon(uint256[n])`: n words of calldata after the selector, one word back.
    ///      (`poseidon(bytes32[n])` of circomlibjs's ABI is the same encoding and accepted too.)
    fallback(bytes calldata) external returns (bytes memory) {
        uint256 n = nInputs;
        bytes4 bytesSelector = bytes4(keccak256(abi.encodePacked("poseidon(bytes32[", _decimal(n), "])")));
        if (msg.data.length != 4 + 32 * n || (msg.sig != _selector && msg.sig != bytesSelector)) {
            revert PoseidonBadCall(msg.sig, msg.data.length);
        }
        for (uint256 i = 0; i < n; ++i) {
            uint256 v;
            assembly ("memory-safe") {
                v := calldataload(add(4, shl(5, i)))
            }
            if (v >= Q) revert PoseidonInputOutOfField(i, v);
        }
        return abi.encode(_permute(n + 1));
    }

    function _permute(uint256 t) private view returns (uint256 out) {
        uint256 nP = nRoundsP;
        uint256 words = _words;
        address c0 = _chunk0;
        address c1 = _chunk1;
        assembly ("memory-safe") {
            function pow5(x) -> y {
                let x2 := mulmod(x, x, Q)
                y := mulmod(mulmod(x2, x2, Q), x, Q)
            }
            // state[i] = pow5(state[i]) + c[i] for every i
            function fullRound(st, t_, c) {
                for { let i := 0 } lt(i, t_) { i := add(i, 1) } {
                    let p := add(st, shl(5, i))
                    mstore(p, addmod(pow5(mload(p)), mload(add(c, shl(5, i))), Q))
                }
            }
            // state'[i] = sum_j m[j][i] * state[j]  (m row-major, t_ x t_), via scratch nx.
            // Pointers walk the operands (column i of m: stride 32 t_) instead of recomputing
            // each address.
            function mix(st, nx, t_, m) {
                if eq(t_, 9) {
                    mix9(st, nx, m)
                    leave
                }
                let stride := shl(5, t_)
                let end := add(st, stride)
                let dst := nx
                for { let col := m } lt(dst, add(nx, stride)) { col := add(col, 0x20) } {
                    let acc := 0
                    let mp := col
                    for { let sp := st } lt(sp, end) { sp := add(sp, 0x20) } {
                        acc := addmod(acc, mulmod(mload(mp), mload(sp), Q), Q)
                        mp := add(mp, stride)
                    }
                    mstore(dst, acc)
                    dst := add(dst, 0x20)
                }
                mcopy(st, nx, stride)
            }

            // mix for t = 9, the sum over j unrolled: state'[i] = sum_j m[j][i] * state[j]
            function mix9(st, nx, m) {
                let dst := nx
                for { let col := m } lt(dst, add(nx, 0x120)) { col := add(col, 0x20) } {
                    let a := mulmod(mload(add(col, 0x0)), mload(add(st, 0x0)), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x120)), mload(add(st, 0x20)), Q), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x240)), mload(add(st, 0x40)), Q), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x360)), mload(add(st, 0x60)), Q), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x480)), mload(add(st, 0x80)), Q), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x5a0)), mload(add(st, 0xa0)), Q), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x6c0)), mload(add(st, 0xc0)), Q), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x7e0)), mload(add(st, 0xe0)), Q), Q)
                    a := addmod(a, mulmod(mload(add(col, 0x900)), mload(add(st, 0x100)), Q), Q)
                    mstore(dst, a)
                    dst := add(dst, 0x20)
                }
                mcopy(st, nx, 0x120)
            }

            // one partial round for t = 9, unrolled (s: its 17 sparse values)
            function partial9(st, c, s) {
                let s0in := addmod(pow5(mload(st)), c, Q)
                mstore(st, s0in)
                let s0 := mulmod(mload(add(s, 0x0)), mload(add(st, 0x0)), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0x20)), mload(add(st, 0x20)), Q), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0x40)), mload(add(st, 0x40)), Q), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0x60)), mload(add(st, 0x60)), Q), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0x80)), mload(add(st, 0x80)), Q), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0xa0)), mload(add(st, 0xa0)), Q), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0xc0)), mload(add(st, 0xc0)), Q), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0xe0)), mload(add(st, 0xe0)), Q), Q)
                s0 := addmod(s0, mulmod(mload(add(s, 0x100)), mload(add(st, 0x100)), Q), Q)
                mstore(add(st, 0x20), addmod(mload(add(st, 0x20)), mulmod(s0in, mload(add(s, 0x120)), Q), Q))
                mstore(add(st, 0x40), addmod(mload(add(st, 0x40)), mulmod(s0in, mload(add(s, 0x140)), Q), Q))
                mstore(add(st, 0x60), addmod(mload(add(st, 0x60)), mulmod(s0in, mload(add(s, 0x160)), Q), Q))
                mstore(add(st, 0x80), addmod(mload(add(st, 0x80)), mulmod(s0in, mload(add(s, 0x180)), Q), Q))
                mstore(add(st, 0xa0), addmod(mload(add(st, 0xa0)), mulmod(s0in, mload(add(s, 0x1a0)), Q), Q))
                mstore(add(st, 0xc0), addmod(mload(add(st, 0xc0)), mulmod(s0in, mload(add(s, 0x1c0)), Q), Q))
                mstore(add(st, 0xe0), addmod(mload(add(st, 0xe0)), mulmod(s0in, mload(add(s, 0x1e0)), Q), Q))
                mstore(add(st, 0x100), addmod(mload(add(st, 0x100)), mulmod(s0in, mload(add(s, 0x200)), Q), Q))
                mstore(st, s0)
            }

            function loadConstants(k, c0_, c1_, words_) {
                let first := words_
                if gt(first, CHUNK_WORDS) { first := CHUNK_WORDS }
                extcodecopy(c0_, k, 1, shl(5, first))
                if c1_ { extcodecopy(c1_, add(k, shl(5, first)), 1, shl(5, sub(words_, first))) }
            }
            // First half of the full rounds: the initial constants, three rounds with M, the
            // fourth with P. state starts as [0, inputs...].
            function firstHalf(st, nx, k, t_, m) {
                mstore(st, mload(k))
                for { let i := 1 } lt(i, t_) { i := add(i, 1) } {
                    let x := calldataload(add(4, shl(5, sub(i, 1))))
                    mstore(add(st, shl(5, i)), addmod(x, mload(add(k, shl(5, i))), Q))
                }
                let half := shr(1, N_ROUNDS_F)
                for { let r := 0 } lt(r, sub(half, 1)) { r := add(r, 1) } {
                    fullRound(st, t_, add(k, shl(5, mul(add(r, 1), t_))))
                    mix(st, nx, t_, m)
                }
                fullRound(st, t_, add(k, shl(5, mul(half, t_))))
                mix(st, nx, t_, add(m, shl(5, mul(t_, t_))))
            }
            // Partial rounds with the sparse matrices S (2t - 1 values each), S after C.
            function partialRounds(st, k, t_, nP_) {
                let stride := shl(5, t_)
                let end := add(st, stride)
                let cp := add(k, shl(5, mul(add(shr(1, N_ROUNDS_F), 1), t_)))
                let off := add(k, shl(5, add(mul(t_, N_ROUNDS_F), nP_)))
                let width := shl(5, sub(shl(1, t_), 1))
                if eq(t_, 9) {
                    for { let r := 0 } lt(r, nP_) { r := add(r, 1) } {
                        partial9(st, mload(cp), off)
                        cp := add(cp, 0x20)
                        off := add(off, width)
                    }
                    leave
                }
                for { let r := 0 } lt(r, nP_) { r := add(r, 1) } {
                    let s0in := addmod(pow5(mload(st)), mload(cp), Q)
                    cp := add(cp, 0x20)
                    mstore(st, s0in)
                    let s0 := 0
                    let sp := off
                    for { let p := st } lt(p, end) { p := add(p, 0x20) } {
                        s0 := addmod(s0, mulmod(mload(sp), mload(p), Q), Q)
                        sp := add(sp, 0x20)
                    }
                    // sp now points at S[off + t]: the column that updates state[1..t)
                    for { let p := add(st, 0x20) } lt(p, end) { p := add(p, 0x20) } {
                        mstore(p, addmod(mload(p), mulmod(s0in, mload(sp), Q), Q))
                        sp := add(sp, 0x20)
                    }
                    mstore(st, s0)
                    off := add(off, width)
                }
            }
            // Second half of the full rounds, then the last S-box and the first column of M.
            function secondHalf(st, nx, k, t_, nP_, m) -> h {
                let base2 := add(mul(add(shr(1, N_ROUNDS_F), 1), t_), nP_)
                for { let r := 0 } lt(r, sub(shr(1, N_ROUNDS_F), 1)) { r := add(r, 1) } {
                    fullRound(st, t_, add(k, shl(5, add(base2, mul(r, t_)))))
                    mix(st, nx, t_, m)
                }
                for { let j := 0 } lt(j, t_) { j := add(j, 1) } {
                    h := addmod(h, mulmod(mload(add(m, shl(5, mul(j, t_)))), pow5(mload(add(st, shl(5, j)))), Q), Q)
                }
            }

            let k := mload(0x40)
            loadConstants(k, c0, c1, words)
            let st := add(k, shl(5, words))
            let nx := add(st, shl(5, t))
            mstore(0x40, add(nx, shl(5, t)))
            // M follows C (t*8 + nP words) and S (nP*(2t-1) words).
            let m := add(k, shl(5, add(add(mul(t, N_ROUNDS_F), nP), mul(nP, sub(shl(1, t), 1)))))
            firstHalf(st, nx, k, t, m)
            partialRounds(st, k, t, nP)
            out := secondHalf(st, nx, k, t, nP, m)
        }
    }

    /// @dev Deploy words [from, from + count) of `constants` as a data contract.
    function _store(bytes memory constants, uint256 from, uint256 count) private returns (address a) {
        bytes memory data = new bytes(count * 32);
        assembly ("memory-safe") {
            mcopy(add(data, 0x20), add(add(constants, 0x20), shl(5, from)), shl(5, count))
        }
        // Creation code: copy everything after these 11 bytes and return it as the runtime code
        // (runtime = 0x00 STOP ++ data, so the data contract cannot be executed).
        bytes memory init = abi.encodePacked(hex"600B5981380380925939F3", hex"00", data);
        assembly ("memory-safe") {
            a := create(0, add(init, 0x20), mload(init))
        }
        if (a == address(0)) revert PoseidonConstantsStoreFailed();
    }

    function _decimal(uint256 v) private pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + v)))); // v is 1..8
    }
}
