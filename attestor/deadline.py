"""The submission deadline as the agent sees it: an epoch must land before its end + the DAO's
deadline in force at its start (GreenProof refuses it after that with
GreenProofSubmissionDeadlinePassed). One place for how much time is left, when to warn, and
what `ecoai attestor status` shows."""

from __future__ import annotations

from typing import Any

from attestor.states import OPEN_STATES, EpochState

DEADLINE_REVERT = "GreenProofSubmissionDeadlinePassed"
LOST_TO_DEADLINE = "lost to the submission deadline"  # how a lost epoch's last_error begins
DEADLINE_WARN_FRACTION = 0.25  # warn once the oldest open epoch has < 25 % of its deadline left


def deadline_left_s(client: Any, epoch_start_s: int) -> tuple[int, int]:
    """(seconds of chain time until the epoch's submission deadline -- negative once passed --,
    the deadline's length after the epoch end in seconds)."""
    deadline_s = client.submission_deadline_s(epoch_start_s)
    span_s = deadline_s - epoch_start_s - client.epoch_length_s()
    return deadline_s - client.chain_time_s(), span_s


def approaching(left_s: int, span_s: int) -> bool:
    return 0 <= left_s < DEADLINE_WARN_FRACTION * span_s


def lost_epochs(store: Any) -> list[int]:
    """Starts of the epochs this agent lost to the deadline."""
    return [e.epoch_start_s for e in store.epochs((EpochState.FAILED,))
            if (e.last_error or "").startswith(LOST_TO_DEADLINE)]


def deadline_report(store: Any, client: Any | None) -> dict[str, Any]:
    """What status shows: epochs lost to the deadline and, with a chain client, the oldest open
    epoch's deadline and remaining time (and whether it is inside the warning margin)."""
    out: dict[str, Any] = {"lost_epochs": lost_epochs(store)}
    open_recs = store.epochs(states=OPEN_STATES)
    if client is not None and open_recs:
        start = open_recs[0].epoch_start_s
        left_s, span_s = deadline_left_s(client, start)
        out["oldest_open"] = {"epoch_start_s": start, "remaining_s": left_s,
                              "deadline_after_end_s": span_s,
                              "warning": left_s < 0 or approaching(left_s, span_s)}
    return out


def status_line(report: dict[str, Any]) -> str:
    lost = report["lost_epochs"]
    parts = [f"{len(lost)} epoch(s) lost to it" + (f" ({', '.join(map(str, lost))})"
                                                    if lost else "")]
    oldest = report.get("oldest_open")
    if oldest is not None:
        left = oldest["remaining_s"]
        when = f"passed {-left} s ago" if left < 0 else f"{left} s left"
        parts.append(f"oldest open epoch {oldest['epoch_start_s']}: {when}"
                     + (" -- WARNING: backlog near the deadline" if oldest["warning"] else ""))
    return "submission deadline: " + "; ".join(parts)
