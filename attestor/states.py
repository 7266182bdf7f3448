"""The outbox's epoch states, one enum for the store, the sealer, the submitter and status.

``sealed -> proving -> proved -> submitted -> confirmed``, or ``failed`` (with its reason in
``last_error``). Values are the strings stores have always held, so existing databases
read unchanged, and a member compares equal to its string (``EpochState.PROVED == "proved"``).
"""

from __future__ import annotations

from enum import StrEnum


class EpochState(StrEnum):
    SEALED = "sealed"        # slots fixed from the signed window log
    PROVING = "proving"      # intensity read, prover running (a crash re-proves)
    PROVED = "proved"        # proof and EIP-712 signature stored: the submitter's turn
    SUBMITTED = "submitted"  # a signed transaction is committed (and maybe broadcast)
    CONFIRMED = "confirmed"  # certified on-chain, with the configured confirmations
    FAILED = "failed"        # for good; ``last_error`` says why


#: States the outbox still has to move forward, oldest epoch first.
OPEN_STATES = (EpochState.SEALED, EpochState.PROVING, EpochState.PROVED, EpochState.SUBMITTED)
