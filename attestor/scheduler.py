"""The daemon: APScheduler jobs for sampling and for sealing/submitting, SIGTERM-graceful.

Two jobs on a ``BackgroundScheduler`` (UTC), each ``max_instances=1, coalesce=True`` so a
slow tick never piles up: ``sample`` every ``sample_interval_s`` (Agent.tick: read, close,
sign, commit) and ``chain`` every few seconds (seal due epochs, prove, submit). Proving
runs in the chain job's thread, so a 5 s proof never delays sampling. SIGTERM/SIGINT set a
stop event; shutdown waits for running jobs (a window being committed finishes) and closes
the sources, the prover worker and the database.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from attestor.health import JobHealth
from attestor.logs import event
from ecoai_chain.errors import EcoAIError
from ecoai_chain.redact import redact

log = logging.getLogger("ecoai.attestor")


class Daemon:
    def __init__(self, agent: Any, sealer: Any | None, submitter: Any | None,
                 node_id: Any, sample_interval_s: float, chain_interval_s: float,
                 health: JobHealth | None = None, answerer: Any | None = None) -> None:
        self.agent, self.sealer, self.submitter = agent, sealer, submitter
        self.answerer = answerer  # challenges against the node (attestor/answerer.py)
        self.health = health  # repeated job errors -> metric + store (status), not only a log
        self.node_id = node_id  # callable -> int | None (registration may land while running)
        self.sample_interval_s, self.chain_interval_s = sample_interval_s, chain_interval_s
        self.stop_event = threading.Event()
        self._warned_no_node = False
        self.fatal: EcoAIError | None = None

    def _failed(self, job: str, e: BaseException) -> int:
        return self.health.failed(job, e) if self.health is not None else 0

    def _ok(self, job: str) -> None:
        if self.health is not None:
            self.health.ok(job)

    def _sample(self) -> None:
        try:
            self.agent.tick()
        except EcoAIError as e:  # e.g. a store error: stop rather than run blind
            self._failed("sample", e)
            event(log, "sampling stopped", logging.CRITICAL, error=redact(str(e)))
            self.fatal = e
            self.stop_event.set()
        except Exception as e:  # boundary: a bug in one tick must not end sampling unseen
            n = self._failed("sample", e)
            event(log, "sampling tick failed (will retry)", logging.ERROR, exc_info=True,
                  error=redact(f"{type(e).__name__}: {e}"), consecutive=n)
        else:
            self._ok("sample")

    def _chain(self) -> None:
        try:
            nid = self.node_id()
            if nid is None and self.sealer is not None and not self._warned_no_node:
                event(log, "node not registered: windows are recorded, epochs are not sealed "
                           "(run `ecoai attestor register`)", logging.WARNING)
                self._warned_no_node = True
            if self.sealer is not None:
                self.sealer.run_once(nid)
            if self.answerer is not None:  # first: deadlines, and its rebroadcast holds its nonce
                self.answerer.run_once(nid)
            if self.submitter is not None:
                self.submitter.run_once()
        except EcoAIError as e:
            n = self._failed("chain", e)
            event(log, "chain job error (will retry)", logging.ERROR, error=redact(str(e)),
                  consecutive=n)
        except Exception as e:  # boundary: keep the daemon alive, show the bug with its trace
            n = self._failed("chain", e)
            event(log, "chain job unexpected error (will retry)", logging.ERROR, exc_info=True,
                  error=redact(f"{type(e).__name__}: {e}"), consecutive=n)
        else:
            self._ok("chain")

    def run(self, install_signals: bool = True) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        if install_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop_event.set())
        self.agent.start()
        sched = BackgroundScheduler(timezone="UTC")
        sched.add_job(self._sample, "interval", seconds=self.sample_interval_s, id="sample",
                      max_instances=1, coalesce=True, misfire_grace_time=None)
        sched.add_job(self._chain, "interval", seconds=self.chain_interval_s, id="chain",
                      max_instances=1, coalesce=True, misfire_grace_time=None)
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        sched.start()
        event(log, "attestor running", sample_interval_s=self.sample_interval_s,
              attestor=self.agent.signer.address)
        try:
            while not self.stop_event.wait(0.5):
                pass
        finally:
            event(log, "stopping")
            sched.shutdown(wait=True)
            self.agent.stop()
            event(log, "stopped")
        if self.fatal is not None:
            raise self.fatal
