"""The pure core: units, rounding rules, scoring and the public-signal table.

Imports no I/O library. Everything here is integers; every rounding rule is floor and is
shared with circom and Solidity through committed test vectors (tests/vectors/).
"""
