"""Work from the workload's own Prometheus endpoint (vLLM, TGI, Triton expose one).

The page is parsed with ``prometheus_client.parser.text_string_to_metric_families``; every
series whose sample name is ``metric`` (e.g. ``vllm:generation_tokens_total``) and whose
labels include ``labels`` is summed. Per-series resets are handled by `SeriesAccumulator`.
The HTTP client is passed in (``http=httpx``) so tests can use a real local server.
"""

from __future__ import annotations

import math
from typing import Any

from attestor.work import SeriesAccumulator
from ecoai_chain.errors import SourceError
from ecoai_chain.redact import redact


def parse_counter(text: str, metric: str, labels: dict[str, str] | None = None,
                  ) -> dict[tuple, int]:
    """{series labels: value} for samples named ``metric`` matching ``labels``."""
    from prometheus_client.parser import text_string_to_metric_families

    want = labels or {}
    out: dict[tuple, int] = {}
    try:
        for fam in text_string_to_metric_families(text):
            for s in fam.samples:
                if s.name != metric:
                    continue
                if any(s.labels.get(k) != v for k, v in want.items()):
                    continue
                key = tuple(sorted(s.labels.items()))
                if not math.isfinite(s.value) or s.value < 0:
                    series = ",".join(f'{k}="{v}"' for k, v in key)
                    raise SourceError(f"prometheus: {metric}{{{series}}} reads {s.value}: not a "
                                      "finite, non-negative counter (reading skipped)")
                out[key] = out.get(key, 0) + int(s.value)
    except ValueError as e:
        raise SourceError(f"prometheus: cannot parse exposition text: {e}") from e
    return out


class PrometheusWorkSource:
    name = "prometheus"

    def __init__(self, url: str, metric: str = "vllm:generation_tokens_total",
                 labels: dict[str, str] | None = None, http: Any = None,
                 timeout_s: float = 2.0) -> None:
        if http is None:
            import httpx as http
        self._http = http
        self.url, self.metric, self.labels, self._timeout_s = url, metric, labels, timeout_s
        self._acc = SeriesAccumulator()
        self._client: Any = None

    def open(self) -> None:
        self._client = self._http.Client(timeout=self._timeout_s)
        self.read()

    def read(self) -> int:
        if self._client is None:
            raise SourceError("PrometheusWorkSource.read() before open()")
        try:
            r = self._client.get(self.url)
            r.raise_for_status()
        except self._http.HTTPError as e:  # transport errors and HTTP status errors
            raise SourceError(redact(f"prometheus: GET {self.url} failed: {e}")) from e
        series = parse_counter(r.text, self.metric, self.labels)
        if not series:
            raise SourceError(f"prometheus: {redact(self.url)} has no series named {self.metric}"
                              + (f" with labels {self.labels}" if self.labels else ""))
        return self._acc.update(series)

    @property
    def resets(self) -> int:
        return self._acc.resets

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
