"""Prometheus metrics on their own registry (no import-time globals), served over HTTP."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.energy_joules = Counter("ecoai_energy_joules", "Energy booked into closed windows (J)",
                                     registry=r)
        self.power_watts = Gauge("ecoai_power_watts", "Power at the last sample (W)", registry=r)
        self.windows = Counter("ecoai_windows", "Signed windows stored", ["kind"], registry=r)
        self.epochs_pending = Gauge("ecoai_epochs_pending",
                                    "Epochs in the outbox not yet confirmed or failed", registry=r)
        self.epochs_submitted = Counter("ecoai_epochs_submitted",
                                        "Epoch certificates confirmed on-chain", registry=r)
        self.epochs_failed = Counter("ecoai_epochs_failed", "Epochs that failed for good",
                                     registry=r)
        self.epochs_lost_to_deadline = Counter(
            "ecoai_epochs_lost_to_deadline", "Epochs lost for good because their submission "
            "deadline (epoch end + the DAO's deadline) passed before they landed", registry=r)
        self.deadline_remaining = Gauge(
            "ecoai_epoch_deadline_seconds_remaining", "Seconds (chain time) until the "
            "submission deadline of the oldest epoch not yet landed (absent: none open)",
            registry=r)
        self.submit_errors = Counter(
            "ecoai_submit_errors", "Submission problems by kind: waiting (RPC down, node not "
            "active, fee cap ...; retried), attempt (a failed attempt, bounded by "
            "submit_max_attempts), bug (an internal error; see the log's traceback)", ["kind"],
            registry=r)
        self.tx_replacements = Counter("ecoai_tx_replacements",
                                       "Stuck transactions replaced with a higher fee",
                                       registry=r)
        self.last_submission = Gauge("ecoai_last_submission_timestamp_seconds",
                                     "Unix time of the last confirmed submission", registry=r)
        self.source_errors = Counter("ecoai_source_errors", "Failed source reads", ["source"],
                                     registry=r)
        self.clock_steps = Counter("ecoai_clock_steps", "Wall-clock steps detected against "
                                   "the monotonic clock", ["direction"], registry=r)
        self.job_errors = Counter("ecoai_job_errors", "Failed runs of a daemon job", ["job"],
                                  registry=r)
        self.job_failures = Gauge("ecoai_job_consecutive_failures",
                                  "Runs of a daemon job failed in a row (0: last run ok)",
                                  ["job"], registry=r)
        self.challenges_open = Gauge("ecoai_challenges_open",
                                     "Challenges against the node not yet settled", registry=r)
        self.challenge_alerts = Gauge("ecoai_challenge_alerts", "Open challenges whose answer "
                                      "cannot be built (see status / the log)", registry=r)
        self.challenge_next_deadline = Gauge("ecoai_challenge_next_deadline_timestamp_seconds",
                                             "Earliest answer deadline of an open challenge "
                                             "(0: none)", registry=r)
        self.tick_seconds = Gauge("ecoai_sample_duration_seconds",
                                  "Wall time of the last sampling tick", registry=r)

    def serve(self, host: str, port: int) -> object:
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server
