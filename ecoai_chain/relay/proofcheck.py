"""How the relayer checks a posted proof before queueing it: on chain, or locally.

The relayer admits an item only if its Groth16 proof verifies for the certificate's public
signals (a bad proof would cost a batch a `verifyEach` pass and the item a refusal later).
Checking it in Python costs ~150-300 ms of this process's CPU per proof (the fast engine of
ecoai_chain/zk/verifier.py); the 1,000-node simulation found that check bounding intake at
7.8 items/s. The chain's node runs the same check natively: `ChainProofCheck` asks the
deployment's generated `Groth16Verifier.verifyProof` by eth_call -- the very contract a single
submission is verified by, and the one the batch verifier is tested against differentially --
which takes a few milliseconds of the node's time and none of ours.

The node is the relayer's own, trusted RPC (it already trusts it for node status and for
simulating batches), and the contract re-checks every proof anyway: the intake check only keeps
bad items out of batches. When the node cannot answer (unreachable, or an RPC error), the check
falls back to the local engine for that item, and counts it (``fallbacks``, in
`/relay/v1/status`): a relayer never admits an unchecked proof, and never refuses a good one
because its node was away.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from ecoai_chain.errors import ChainError, ContractRevert, InvalidPoint, ValidationError
from ecoai_chain.zk.bn254 import P as BASE_FIELD_P
from ecoai_chain.zk.verifier import VerifyingKey, verify_groth16

log = logging.getLogger("ecoai.relay")

PROOF_CHECKS = ("chain", "local")


class ProofCheck(Protocol):
    name: str

    def __call__(self, proof: dict, public_signals: list[int]) -> bool: ...

    def stats(self) -> dict[str, Any]: ...


class LocalProofCheck:
    """The Python verifier (`verify_groth16`) with ``engine``, in this process."""

    name = "local"

    def __init__(self, vkey: VerifyingKey, engine: str = "fast") -> None:
        self.vkey, self.engine = vkey, engine
        self.checked = 0

    def __call__(self, proof: dict, public_signals: list[int]) -> bool:
        self.checked += 1
        try:
            return verify_groth16(self.vkey, proof, public_signals, self.engine)
        except InvalidPoint:
            return False

    def stats(self) -> dict[str, Any]:
        return {"check": self.name, "engine": self.engine, "checked": self.checked}


class ChainProofCheck:
    """``Groth16Verifier.verifyProof`` by eth_call on the client's node; `LocalProofCheck`
    for an item the node could not answer."""

    name = "chain"

    def __init__(self, client: Any, fallback: LocalProofCheck) -> None:
        self.client, self.fallback = client, fallback
        self._verifier: Any = None  # GreenProof.verifier(), read once from the chain
        self.checked = self.fallbacks = 0
        self._count = threading.Lock()

    def verifier(self) -> Any:
        """The verifier GreenProof itself calls (its immutable ``verifier()``), not the
        manifest's entry: a check that asked another contract could disagree with the chain."""
        if self._verifier is None:
            from ecoai_chain.chain.artifacts import load_artifact

            address = self.client.call(self.client.green_proof.functions.verifier())
            self._verifier = self.client.w3.eth.contract(
                address=address, abi=load_artifact("Groth16Verifier").abi)
        return self._verifier

    def __call__(self, proof: dict, public_signals: list[int]) -> bool:
        from ecoai_chain.chain.client import proof_struct

        try:
            a, b, c = proof_struct(proof)
        except (KeyError, TypeError, ValueError, ValidationError):
            return False  # the wire format already refuses such a proof; never admit one
        with self._count:
            self.checked += 1
        if not all(0 <= x < BASE_FIELD_P for x in (*a, *b[0], *b[1], *c)):
            # No point (the contract's precompiles refuse it, so does the local engine);
            # from 2**256 on the ABI cannot encode it: web3 would raise, not answer.
            return False
        try:
            return self.client.call(self.verifier().functions.verifyProof(
                a, b, c, [int(x) for x in public_signals])) is True
        except ContractRevert:
            return False  # the verifier refused the call's input (e.g. a coordinate >= p)
        except ChainError as e:  # unreachable, timed out, or an RPC error: check it here
            with self._count:
                self.fallbacks += 1
            log.warning("proof check on chain failed (%s); checking it locally", e)
            return self.fallback(proof, public_signals)

    def stats(self) -> dict[str, Any]:
        return {"check": self.name, "checked": self.checked, "fallbacks": self.fallbacks,
                "verifier": self._verifier.address if self._verifier is not None else None}


def make_proof_check(kind: str, client: Any, vkey: VerifyingKey,
                     engine: str = "fast") -> ProofCheck:
    """``chain`` (the default of `ecoai relay serve`) or ``local``."""
    local = LocalProofCheck(vkey, engine)
    if kind == "local":
        return local
    if kind == "chain":
        return ChainProofCheck(client, local)
    raise ValidationError("proof_check", f"must be one of {', '.join(PROOF_CHECKS)}; "
                          f"got {kind!r}")
