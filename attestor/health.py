"""Errors that repeat in a daemon job, where an operator sees them: a metric, the store
(read by `ecoai attestor status`, another process) and the log -- not only the log.

`JobHealth.failed(job, exc)` counts one failed run (consecutive failures and a total per
job); `ok(job)` clears the job once a run succeeds. The stored entry is the meta key
``job_error:<job>`` holding ``{"error", "count", "since_s", "last_s"}`` (redacted text).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from attestor.logs import event
from attestor.metrics import Metrics
from ecoai_chain.errors import EcoAIError
from ecoai_chain.redact import redact

log = logging.getLogger("ecoai.attestor")
JOBS = ("sample", "chain")
_KEY = "job_error:"


class JobHealth:
    def __init__(self, store: Any, metrics: Metrics,
                 clock: Callable[[], float] = time.time) -> None:
        self.store, self.metrics, self.clock = store, metrics, clock
        self._failing: dict[str, dict] = {}
        for job in JOBS:
            metrics.job_failures.labels(job).set(0)

    def failed(self, job: str, exc: BaseException) -> int:
        now = int(self.clock())
        entry = self._failing.get(job) or {"count": 0, "since_s": now}
        entry.update(count=entry["count"] + 1, last_s=now,
                     error=redact(f"{type(exc).__name__}: {exc}")[:500])
        self._failing[job] = entry
        self.metrics.job_errors.labels(job).inc()
        self.metrics.job_failures.labels(job).set(entry["count"])
        self._store(job, json.dumps(entry, sort_keys=True))
        return entry["count"]

    def ok(self, job: str) -> None:
        if self._failing.pop(job, None) is not None:
            self.metrics.job_failures.labels(job).set(0)
            self._store(job, "")

    def _store(self, job: str, value: str) -> None:
        try:
            self.store.set_meta(_KEY + job, value)
        except (EcoAIError, SQLAlchemyError) as e:  # the store may be what is failing
            event(log, "cannot record the job error in the store", logging.WARNING, job=job,
                  error=redact(str(e))[:300])


def job_errors(store: Any) -> dict[str, dict]:
    """{job: entry} for every job whose last run failed (as recorded by `JobHealth`)."""
    out = {}
    for job in JOBS:
        raw = store.get_meta(_KEY + job)
        if raw:
            out[job] = json.loads(raw)
    return out
