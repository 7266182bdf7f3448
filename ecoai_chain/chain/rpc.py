"""The JSON-RPC transport: web3's HTTPProvider that never quotes the secrets an RPC URL may
carry (userinfo, a project key in the path) -- not in its errors, its str() or its logs.

Transport failures (connection refused, timeouts, HTTP errors, after web3's own retries)
become an `RpcUnavailable` (a `ChainError`: nothing was decided, retry as is) whose text
went through `ecoai_chain.redact.redact`; the original exception is not chained (its text
would quote the URL), its type name is kept.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from web3 import HTTPProvider, Web3

from ecoai_chain.errors import RpcUnavailable
from ecoai_chain.redact import redact, redact_url


class _RedactFilter(logging.Filter):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage(), [self.url]), None
        return True


def _redacting_logger(name: str, url: str) -> logging.Logger:
    log = logging.getLogger(name)
    if not any(isinstance(f, _RedactFilter) and f.url == url for f in log.filters):
        log.addFilter(_RedactFilter(str(url)))
    return log


class RedactingHTTPProvider(HTTPProvider):
    def __init__(self, endpoint_uri: str, **kwargs: Any) -> None:
        super().__init__(endpoint_uri, **kwargs)
        self.safe_uri = redact_url(str(endpoint_uri))
        # web3 logs the full URI at DEBUG from the provider and its session manager
        self.logger = _redacting_logger("web3.providers.HTTPProvider.redacted", endpoint_uri)
        self._request_session_manager.logger = _redacting_logger(
            "web3._utils.http_session_manager.HTTPSessionManager.redacted", endpoint_uri)

    def __str__(self) -> str:
        return f"RPC connection {self.safe_uri}"

    def __repr__(self) -> str:
        return f"<RedactingHTTPProvider {self.safe_uri}>"

    def _make_request(self, method: Any, request_data: bytes) -> bytes:
        try:
            return super()._make_request(method, request_data)
        except (requests.RequestException, OSError) as e:
            why = redact(f"{type(e).__name__}: {e}", [str(self.endpoint_uri)])
            raise RpcUnavailable(f"RPC {self.safe_uri} {method}: {why}") from None


def http_web3(url: str, timeout_s: float = 15) -> Web3:
    """A Web3 over HTTP whose errors and logs carry ``url`` only redacted."""
    return Web3(RedactingHTTPProvider(url, request_kwargs={"timeout": timeout_s}))
