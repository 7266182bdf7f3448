"""Live providers against recorded-shape responses over httpx.MockTransport (no network)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from ecoai_chain.carbon.live import ElectricityMapsProvider, WattTimeProvider
from ecoai_chain.errors import ConfigError, SourceError

FIX = Path(__file__).parent / "fixtures"
NOW = 1_795_000_000


def _body(name):
    return json.loads((FIX / name).read_text())


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


def _server(routes, log):
    """routes: path -> list of (status, body, headers) served in order (last one repeats)."""

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        queue = routes[request.url.path]
        status, body, headers = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(status, json=body, headers=headers or {})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_electricitymaps_latest_is_cached_for_ttl():
    log, sleeps, clock = [], [], Clock(NOW)
    client = _server({"/v3/carbon-intensity/latest": [(200, _body(
        "electricitymaps_latest_DE.json"), None)]}, log)
    p = ElectricityMapsProvider("tok", client, ttl_s=300, clock=clock, sleep=sleeps.append)
    a = p.intensity_at("DE", NOW - 10)
    assert (a.mg_per_kwh, a.live) == (302_000, True)
    assert "lifecycle" in a.source
    assert log[0].headers["auth-token"] == "tok" and log[0].url.params["zone"] == "DE"
    p.intensity_at("DE", NOW - 5)
    assert len(log) == 1                       # served from cache
    clock.t += 301
    p.intensity_at("DE", NOW + 300)
    assert len(log) == 2                       # expired -> fetched again


def test_electricitymaps_past_uses_hour_and_decimal_rule():
    log = []
    client = _server({"/v3/carbon-intensity/past": [(200, _body(
        "electricitymaps_past_KR.json"), None)]}, log)
    p = ElectricityMapsProvider("tok", client, clock=Clock(NOW))
    got = p.intensity_at("KR", NOW - 86_400 + 1234)
    assert got.mg_per_kwh == 437_620 and "(estimated)" in got.source
    hour = (NOW - 86_400 + 1234) // 3600 * 3600
    sent = log[0].url.params["datetime"]
    assert sent.endswith("Z")
    assert datetime.fromisoformat(sent.replace("Z", "+00:00")).timestamp() == hour


def test_backoff_on_429_and_5xx_then_success():
    log, sleeps = [], []
    client = _server({"/v3/carbon-intensity/latest": [
        (429, {"error": "rate"}, {"Retry-After": "3"}), (503, {"e": 1}, None),
        (502, {"e": 1}, None), (200, _body("electricitymaps_latest_DE.json"), None)]}, log)
    p = ElectricityMapsProvider("tok", client, clock=Clock(NOW), sleep=sleeps.append,
                                backoff_s=0.5, retries=4)
    assert p.intensity_at("DE", NOW).mg_per_kwh == 302_000
    assert sleeps == [3.0, 1.0, 2.0]           # Retry-After honoured, then 0.5 * 2^attempt
    assert len(log) == 4


def test_gives_up_with_a_clear_error():
    client = _server({"/v3/carbon-intensity/latest": [(500, {"e": 1}, None)]}, [])
    p = ElectricityMapsProvider("secret-token", client, clock=Clock(NOW), sleep=lambda s: None,
                                retries=2)
    with pytest.raises(SourceError, match="failed after 3 attempts.*HTTP 500") as e:
        p.intensity_at("DE", NOW)
    assert "secret-token" not in str(e.value)


def test_auth_and_client_errors_are_not_retried():
    log = []
    client = _server({"/v3/carbon-intensity/latest": [(401, {"message": "bad"}, None)]}, log)
    p = ElectricityMapsProvider("t", client, clock=Clock(NOW), sleep=lambda s: None)
    with pytest.raises(SourceError, match="401.*credentials"):
        p.intensity_at("DE", NOW)
    assert len(log) == 1
    with pytest.raises(ConfigError, match="token"):
        ElectricityMapsProvider("", client)


def test_transport_errors_are_retried():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=_body("electricitymaps_latest_DE.json"))

    p = ElectricityMapsProvider("t", httpx.Client(transport=httpx.MockTransport(handler)),
                                clock=Clock(NOW), sleep=lambda s: None)
    assert p.intensity_at("DE", NOW).mg_per_kwh == 302_000 and len(calls) == 3


def test_watttime_login_then_historical_moer():
    log = []
    client = _server({"/login": [(200, _body("watttime_login.json"), None)],
                      "/v3/historical": [(200, _body("watttime_historical_CAISO_NORTH.json"),
                                          None)]}, log)
    t0 = int(datetime.fromisoformat("2026-04-01T00:00:00+00:00").timestamp())
    p = WattTimeProvider("user", "pw", client, clock=Clock(t0 + 3600),
                         regions={"us-cal": "CAISO_NORTH"})
    got = p.intensity_at("US-CAL", t0 + 120)
    # 412.5 lbs/MWh * 453.59237 g/lb = 187106.852... mg/kWh, floored
    assert got.mg_per_kwh == 187_106 and "marginal" in got.source
    assert log[0].url.path == "/login" and log[0].headers["authorization"].startswith("Basic ")
    assert log[1].headers["authorization"] == "Bearer recorded-test-token-not-a-secret"
    assert log[1].url.params["region"] == "CAISO_NORTH"
    later = p.intensity_at("US-CAL", t0 + 360)  # the second (5-min) point; token reused
    assert later.mg_per_kwh == 444_520 and sum(r.url.path == "/login" for r in log) == 1


def test_watttime_rejects_unexpected_units():
    body = _body("watttime_historical_CAISO_NORTH.json")
    body["meta"]["units"] = "kg_co2_per_mwh"
    client = _server({"/login": [(200, _body("watttime_login.json"), None)],
                      "/v3/historical": [(200, body, None)]}, [])
    with pytest.raises(SourceError, match="unexpected units"):
        WattTimeProvider("u", "p", client, clock=Clock(NOW)).intensity_at("CAISO_NORTH", NOW)
