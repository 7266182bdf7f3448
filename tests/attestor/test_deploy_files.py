"""The shipped operations files parse and reference the metrics the agent really exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import generate_latest

from attestor.metrics import Metrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def exported_names() -> set[str]:
    m = Metrics()
    m.windows.labels("measured").inc()
    m.source_errors.labels("nvml").inc()
    m.job_errors.labels("chain").inc()
    m.job_failures.labels("chain").set(1)
    m.clock_steps.labels("back").inc()
    m.submit_errors.labels("waiting").inc()
    text = generate_latest(m.registry).decode()
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines()
            if line and not line.startswith("#")}


def test_required_metric_names_exported():
    names = exported_names()
    for n in ("ecoai_energy_joules_total", "ecoai_power_watts", "ecoai_windows_total",
              "ecoai_epochs_pending", "ecoai_epochs_submitted_total", "ecoai_epochs_failed_total",
              "ecoai_last_submission_timestamp_seconds", "ecoai_job_errors_total",
              "ecoai_job_consecutive_failures", "ecoai_clock_steps_total",
              "ecoai_submit_errors_total", "ecoai_tx_replacements_total",
              "ecoai_epochs_lost_to_deadline_total", "ecoai_epoch_deadline_seconds_remaining"):
        assert n in names, n


def test_grafana_dashboard_queries_only_real_metrics():
    dash = json.loads((DEPLOY / "grafana" / "ecoai-attestor.json").read_text())
    names = exported_names()
    used = set()
    for p in dash["panels"]:
        for t in p["targets"]:
            used |= set(re.findall(r"ecoai_[a-z_]+", t["expr"]))
    assert used and used <= names, used - names
    # a job that keeps failing (corrupt store, a bug) is on the dashboard, not only in a log
    assert {"ecoai_job_consecutive_failures", "ecoai_job_errors_total",
            "ecoai_clock_steps_total"} <= used


def test_k8s_daemonset_requests_gpu_runtime():
    docs = list(yaml.safe_load_all((DEPLOY / "k8s" / "daemonset.yaml").read_text()))
    ds = next(d for d in docs if d["kind"] == "DaemonSet")
    spec = ds["spec"]["template"]["spec"]
    assert spec["runtimeClassName"] == "nvidia"
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert "nvidia.com/gpu" in (DEPLOY / "k8s" / "daemonset.yaml").read_text()


def test_systemd_unit_is_hardened_and_passes_password_as_credential():
    unit = (DEPLOY / "ecoai-attestor.service").read_text()
    for d in ("NoNewPrivileges=yes", "ProtectSystem=strict", "LoadCredential=keystore-password",
              "UMask=0077", "CapabilityBoundingSet=", "KillSignal=SIGTERM"):
        assert d in unit, d
    assert "ECOAI_KEYSTORE_PASSWORD" not in unit


def test_metrics_endpoint_serves_over_http():
    import httpx

    m = Metrics()
    m.energy_joules.inc(12.5)
    server = m.serve("127.0.0.1", 0)
    try:
        port = server.server_address[1]
        body = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "ecoai_energy_joules_total 12.5" in body
    finally:
        server.shutdown()
        server.server_close()
