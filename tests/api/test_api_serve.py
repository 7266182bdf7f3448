"""`ecoai api serve` as a real process on loopback."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from ecoai_chain.chain.devnet import free_port

pytestmark = pytest.mark.slow


def test_serve_answers_health_and_cors(world):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoai_chain.cli", "api", "serve", "--db", world.db_url,
         "--port", str(port), "--cors", "https://dao.example", "--verify-engine", "py-ecc"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "api serve did not listen"
                time.sleep(0.2)
        assert r.json() == {"status": "ok", "indexed_block": world.indexer.checkpoint}
        r = httpx.get(f"http://127.0.0.1:{port}/api/v1/nodes/1",
                      headers={"Origin": "https://dao.example"})
        assert r.status_code == 200 and r.json()["region"] == "KR"
        assert r.headers["access-control-allow-origin"] == "https://dao.example"
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["info"]["title"] == \
            "EcoAI Chain API"
        r = httpx.post(f"http://127.0.0.1:{port}/api/v1/certificates/3/verify", timeout=30)
        assert r.status_code == 200 and r.json()["engine"] == "py_ecc"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
