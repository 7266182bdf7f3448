"""`ecoai relay serve` as a real process on loopback, on the `ready` chain: its worker
batches two posted vector items into one transaction and reports them landed."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from relay_helpers import body

from ecoai_chain.chain.devnet import free_port

pytestmark = [pytest.mark.slow, pytest.mark.chain]


def _wait(proc, get, done, what: str):
    deadline = time.monotonic() + 60  # a guard against a hang, not a measurement
    while True:
        try:
            r = get()
            if done(r):
                return r
        except httpx.TransportError:
            pass
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_serve_batches_posted_items_and_reports_them_landed(ready, proof_vectors, anvil,
                                                            tmp_path):
    client = ready["client"]
    manifest = tmp_path / "deployment.json"
    client.deployment.save(manifest)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoai_chain.cli", "relay", "serve", "--manifest", str(manifest),
         "--rpc", anvil.rpc_url, "--dev-account", "5", "--db", str(tmp_path / "relay.db"),
         "--port", str(port), "--max-batch-size", "2", "--max-age-s", "3600",
         "--tick-s", "0.1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/relay/v1"
    try:
        _wait(proc, lambda: httpx.get(f"{base}/status", timeout=5),
              lambda r: r.status_code == 200, "relay serve did not listen")
        keys = []
        for i in (0, 10):  # node 1 and node 2: one batch for two attestors
            r = httpx.post(f"{base}/items", json=body(ready, proof_vectors, i), timeout=30)
            assert r.status_code == 202, r.text
            keys.append((r.json()["node_id"], r.json()["epoch_start_s"]))
        rows = [_wait(proc, lambda k=k: httpx.get(f"{base}/items/{k[0]}/{k[1]}", timeout=5),
                      lambda r: r.json()["state"] == "landed", "not landed").json()
                for k in keys]
        assert rows[0]["tx_hash"] == rows[1]["tx_hash"]
        assert [r["certificate_id"] for r in rows] == [client.certificate_of(*k) for k in keys]
        status = httpx.get(f"{base}/status", timeout=5).json()
        assert status["batches"]["mined"] == 1 and status["items"]["landed"] == 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    out = proc.stdout.read().decode() + proc.stderr.read().decode()
    from ecoai_chain.chain.devnet import dev_private_key

    assert dev_private_key(5).removeprefix("0x") not in out  # the key never reaches a log
