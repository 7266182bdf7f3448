"""Work sources against real local HTTP servers (no mocks of httpx)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from attestor.work import SeriesAccumulator, counter_increment
from attestor.work.prometheus import PrometheusWorkSource, parse_counter
from attestor.work.push import PushWorkSource
from ecoai_chain.errors import ConfigError, SourceError

PAGE = (Path(__file__).parent / "data" / "vllm_metrics.txt").read_text()


@pytest.fixture
def metrics_server():
    state = {"a": 1000.0, "b": 500.0, "status": 200}

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            body = PAGE
            if state["b"] is None:  # the series is missing from this scrape (another replica)
                body = "\n".join(x for x in body.splitlines() if "{GEN_B}" not in x) + "\n"
            for k, mark in (("a", "{GEN_A}"), ("b", "{GEN_B}")):
                v = state[k]
                body = body.replace(mark, v if isinstance(v, str) else repr(v))
            data = body.encode()
            self.send_response(state["status"])
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    # shutdown() waits for the loop to poll: 0.5 s by default, at every teardown
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02},
                     daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/metrics", state
    srv.shutdown()
    srv.server_close()


def test_counter_increment_semantics():
    assert counter_increment(None, 5) == (0, False)
    assert counter_increment(5, 9) == (4, False)
    assert counter_increment(9, 2) == (2, True)


def test_parse_sums_matching_series_only():
    text = PAGE.replace("{GEN_A}", "10.0").replace("{GEN_B}", "32.0")
    assert sum(parse_counter(text, "vllm:generation_tokens_total").values()) == 42
    one = parse_counter(text, "vllm:generation_tokens_total", {"engine": "1"})
    assert list(one.values()) == [32]


def test_prometheus_source_reads_and_survives_resets(metrics_server):
    url, state = metrics_server
    src = PrometheusWorkSource(url, http=httpx)
    src.open()
    assert src.read() == 1500
    state["a"] = 1100.0
    assert src.read() == 1600
    state["b"] = 20.0  # engine 1 restarted: its counter began again from zero
    assert src.read() == 1620
    assert src.resets == 1
    state["b"] = 25.0
    assert src.read() == 1625
    src.close()


def test_prometheus_label_filter_and_errors(metrics_server):
    url, state = metrics_server
    src = PrometheusWorkSource(url, labels={"engine": "0"}, http=httpx)
    src.open()
    assert src.read() == 1000
    state["status"] = 500
    with pytest.raises(SourceError, match="GET .* failed"):
        src.read()
    state["status"] = 200
    missing = PrometheusWorkSource(url, metric="tgi_request_generated_tokens_total", http=httpx)
    with pytest.raises(SourceError, match="no series named tgi_request"):
        missing.open()


def test_push_source_authenticates_and_handles_resets():
    token = "t" * 24
    src = PushWorkSource(token=token, port=0)
    src.open()
    try:
        with httpx.Client() as c:
            auth = {"Authorization": f"Bearer {token}"}
            assert c.post(src.url, json={"counter": 100}).status_code == 401
            assert c.post(src.url, json={"counter": 100},
                          headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert c.post(src.url, json={"counter": 100}, headers=auth).json() == {"total": 100}
            assert c.post(src.url, json={"counter": 130}, headers=auth).json() == {"total": 130}
            # pusher restarted: its counter starts again from zero
            assert c.post(src.url, json={"counter": 5}, headers=auth).json() == {"total": 135}
            assert c.post(src.url, json={"increment": 10}, headers=auth).json() == {"total": 145}
            r = c.post(src.url, json={"counter": -1}, headers=auth)
            assert r.status_code == 400 and "counter" in r.json()["error"]
            assert c.post(src.url, content=b"nope", headers=auth).status_code == 400
        assert src.read() == 145
    finally:
        src.close()


def test_push_source_refuses_weak_token_and_public_bind():
    with pytest.raises(ConfigError, match="push_token"):
        PushWorkSource(token="short")
    with pytest.raises(ConfigError, match="loopback"):
        PushWorkSource(token="x" * 20, host="0.0.0.0")


def test_series_accumulator_first_reading_counts_as_is():
    acc = SeriesAccumulator()
    assert acc.update({"a": 10}) == 10
    assert acc.update({"a": 12, "b": 3}) == 15


def test_series_missing_from_one_scrape_is_not_counted_again(metrics_server):
    """Behind a load balancer a series can miss a scrape; its return is no reset."""
    url, state = metrics_server
    state["a"], state["b"] = 2_000_000.0, 0.0
    src = PrometheusWorkSource(url, http=httpx)
    src.open()
    base = src.read()
    state["b"] = None
    assert src.read() == base
    state["b"] = 25.0
    assert src.read() == base + 25  # was base + 25 + its whole cumulative value again
    assert src.resets == 0
    state["b"] = None
    src.read()
    state["b"] = 5.0  # came back lower: the engine restarted meanwhile
    assert src.read() == base + 25 + 5
    assert src.resets == 1
    src.close()


def test_series_accumulator_remembers_vanished_series():
    acc = SeriesAccumulator()
    assert acc.update({"a": 10, "b": 2_000_000}) == 2_000_010
    assert acc.update({"a": 11}) == 2_000_011
    assert acc.update({"a": 11, "b": 2_000_025}) == 2_000_036
    assert acc.resets == 0


@pytest.mark.parametrize("bad", ["+Inf", "-Inf", "NaN", "-3.0"])
def test_non_finite_or_negative_counter_is_a_source_error(metrics_server, bad):
    url, state = metrics_server
    src = PrometheusWorkSource(url, http=httpx)
    src.open()
    before = src.read()
    state["a"] = bad
    with pytest.raises(SourceError, match=r"generation_tokens_total.*engine.*0.*not a finite"):
        src.read()
    state["a"] = 1000.0
    assert src.read() == before  # the bad reading left no trace
    src.close()


def test_agent_counts_a_non_finite_work_reading_and_keeps_sampling(metrics_server, tmp_path):
    from eth_account import Account
    from prometheus_client import generate_latest

    from attestor.metrics import Metrics
    from attestor.pipeline import Agent
    from attestor.store import Store
    from ecoai_chain.energy.replay import ReplaySource

    url, state = metrics_server
    trace = Path(__file__).resolve().parents[2] / "traces" / "synthetic_llm_gpu.csv"
    now = {"t": 1_800_000_000.0}
    metrics = Metrics()
    store = Store(tmp_path / "a.db")
    agent = Agent(store, Account.create(), ReplaySource(trace, anchor_s=now["t"],
                                                        clock=lambda: now["t"]),
                  PrometheusWorkSource(url, http=httpx), window_s=5, metrics=metrics,
                  clock=lambda: now["t"], monotonic=lambda: now["t"])
    agent.start()
    state["a"] = "+Inf"
    rows = []
    for _ in range(30):
        now["t"] += 0.5
        rows += agent.tick()  # was OverflowError on every tick
    assert len(rows) >= 2
    text = generate_latest(metrics.registry).decode()
    assert 'ecoai_source_errors_total{source="prometheus"} 30.0' in text
    store.close()
