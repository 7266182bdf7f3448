"""Live grid-intensity providers (Electricity Maps, WattTime) behind `IntensityProvider`.

Both take an ``httpx.Client`` (inject one with ``httpx.MockTransport`` in tests), a clock and a
sleep function. Answers are cached per (endpoint, params) for ``ttl_s``; 429 and 5xx answers and
transport errors are retried with exponential backoff (``backoff_s × 2^attempt``, honouring a
``Retry-After`` header when it is shorter than ``max_backoff_s``); anything else that is not 2xx
becomes a `SourceError` that says which provider, which status, and what to check. Tokens are sent
in headers and never appear in an error message.

Units: Electricity Maps returns ``carbonIntensity`` in gCO2eq/kWh (grid average, lifecycle by
default); WattTime returns a *marginal* operating emissions rate (MOER) in lbs CO2/MWh, converted
as mg/kWh = floor(lbs/MWh × 453.59237) (1 lb = 453.59237 g; /MWh → /kWh divides by 1000 and g →
mg multiplies by 1000). Marginal and average rates answer different questions; the source string
says which one a figure is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import httpx

from ecoai_chain.carbon.intensity import Intensity, g_per_kwh_to_mg
from ecoai_chain.core.backoff import backoff_delay_s
from ecoai_chain.errors import ConfigError, SourceError

LB_G = Decimal("453.59237")


def _iso(ts_s: int) -> str:
    return datetime.fromtimestamp(ts_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


class HttpJson:
    """GET JSON with a TTL cache and exponential backoff; shared by the live providers."""

    def __init__(self, name: str, client: httpx.Client, *, ttl_s: int = 300, retries: int = 4,
                 backoff_s: float = 0.5, max_backoff_s: float = 30.0,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if retries < 0 or ttl_s < 0 or backoff_s < 0:
            raise ConfigError(f"{name}: retries, ttl_s and backoff_s must be >= 0")
        self.name, self.client = name, client
        self.ttl_s, self.retries = ttl_s, retries
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.clock, self.sleep = clock, sleep
        self._cache: dict[tuple, tuple[float, Any]] = {}
        self.requests = 0  # how many HTTP requests were actually sent (for tests and metrics)

    def get(self, url: str, params: dict[str, str] | None = None,
            headers: dict[str, str] | None = None, auth: Any = None,
            cache: bool = True) -> Any:
        key = (url, tuple(sorted((params or {}).items())))
        now = self.clock()
        hit = self._cache.get(key)
        if cache and hit is not None and hit[0] > now:
            return hit[1]
        body = self._fetch(url, params, headers, auth)
        if cache and self.ttl_s:
            self._cache[key] = (now + self.ttl_s, body)
        return body

    def _fetch(self, url: str, params: Any, headers: Any, auth: Any) -> Any:
        last = ""
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                resp = self.client.get(url, params=params, headers=headers, auth=auth)
            except httpx.TransportError as e:
                last, retry_after = f"transport error {type(e).__name__}: {e}", None
            else:
                if resp.status_code < 300:
                    try:
                        return resp.json()
                    except ValueError as e:
                        raise SourceError(f"{self.name}: {url} answered non-JSON "
                                          f"({resp.status_code})") from e
                if resp.status_code in (401, 403):
                    raise SourceError(f"{self.name}: {resp.status_code} from {url}: the API "
                                      "credentials were rejected or lack access to this region")
                if resp.status_code != 429 and resp.status_code < 500:
                    raise SourceError(f"{self.name}: {resp.status_code} from {url}: "
                                      f"{resp.text[:200]}")
                last = f"HTTP {resp.status_code}"
                retry_after = resp.headers.get("retry-after")
            if attempt == self.retries:
                break
            delay = backoff_delay_s(attempt + 1, self.backoff_s, self.max_backoff_s)
            if retry_after is not None and retry_after.strip().isdigit():
                delay = min(max(delay, float(retry_after)), self.max_backoff_s)
            self.sleep(delay)
        raise SourceError(f"{self.name}: {url} failed after {self.retries + 1} attempts "
                          f"(last: {last})")


class ElectricityMapsProvider:
    """Electricity Maps API v3: ``/carbon-intensity/latest`` or ``/past`` for a zone."""

    BASE = "https://api.electricitymap.org/v3"

    def __init__(self, token: str, client: httpx.Client | None = None, *,
                 base_url: str = BASE, zones: dict[str, str] | None = None,
                 recent_s: int = 3600, **http: Any) -> None:
        if not token:
            raise ConfigError("ElectricityMapsProvider: an API token is required "
                              "(ECOAI_ELECTRICITYMAPS_TOKEN)")
        self._token = token
        self._base = base_url.rstrip("/")
        self._zones = {k.upper(): v for k, v in (zones or {}).items()}
        self._recent_s = recent_s
        self.http = HttpJson("Electricity Maps", client or httpx.Client(timeout=10.0), **http)

    def intensity_at(self, region: str, ts_s: int) -> Intensity:
        zone = self._zones.get(region.upper(), region.upper())
        headers = {"auth-token": self._token}
        if self.http.clock() - ts_s < self._recent_s:
            body = self.http.get(f"{self._base}/carbon-intensity/latest", {"zone": zone}, headers)
        else:
            hour = ts_s - ts_s % 3600
            body = self.http.get(f"{self._base}/carbon-intensity/past",
                                 {"zone": zone, "datetime": _iso(hour)}, headers)
        value = body.get("carbonIntensity") if isinstance(body, dict) else None
        if value is None:
            raise SourceError(f"Electricity Maps: no carbonIntensity for zone {zone!r}")
        kind = body.get("emissionFactorType", "lifecycle")
        est = " (estimated)" if body.get("isEstimated") else ""
        return Intensity(region.upper(), g_per_kwh_to_mg(value),
                         f"Electricity Maps {zone} {body.get('datetime', '')} {kind}{est}",
                         live=True)


class WattTimeProvider:
    """WattTime API v3 marginal rate (``co2_moer``), via ``/login`` then ``/v3/historical``."""

    BASE = "https://api.watttime.org"

    def __init__(self, username: str, password: str, client: httpx.Client | None = None, *,
                 base_url: str = BASE, regions: dict[str, str] | None = None,
                 token_ttl_s: int = 1800, **http: Any) -> None:
        if not username or not password:
            raise ConfigError("WattTimeProvider: username and password are required")
        self._auth = (username, password)
        self._base = base_url.rstrip("/")
        self._regions = {k.upper(): v for k, v in (regions or {}).items()}
        self._token: tuple[float, str] | None = None
        self._token_ttl_s = token_ttl_s
        self.http = HttpJson("WattTime", client or httpx.Client(timeout=10.0), **http)

    def _bearer(self) -> dict[str, str]:
        now = self.http.clock()
        if self._token is None or self._token[0] <= now:
            body = self.http.get(f"{self._base}/login", auth=self._auth, cache=False)
            token = body.get("token") if isinstance(body, dict) else None
            if not token:
                raise SourceError("WattTime: /login answered without a token")
            self._token = (now + self._token_ttl_s, token)
        return {"Authorization": f"Bearer {self._token[1]}"}

    def intensity_at(self, region: str, ts_s: int) -> Intensity:
        ba = self._regions.get(region.upper(), region.upper())
        start = ts_s - ts_s % 300  # WattTime's data points are 5-minute intervals
        body = self.http.get(f"{self._base}/v3/historical",
                             {"region": ba, "signal_type": "co2_moer", "start": _iso(start),
                              "end": _iso(start + 300)}, self._bearer())
        units = body.get("meta", {}).get("units") if isinstance(body, dict) else None
        if units != "lbs_co2_per_mwh":
            raise SourceError(f"WattTime: unexpected units {units!r} (expected lbs_co2_per_mwh)")
        points = [p for p in body.get("data", []) if _parse_iso(p["point_time"]) <= ts_s]
        if not points:
            raise SourceError(f"WattTime: no co2_moer point for {ba!r} at {_iso(ts_s)}")
        point = max(points, key=lambda p: _parse_iso(p["point_time"]))
        mg = int((Decimal(str(point["value"])) * LB_G).to_integral_value(rounding=ROUND_FLOOR))
        return Intensity(region.upper(), mg, f"WattTime {ba} {point['point_time']} marginal "
                         "(co2_moer)", live=True)
