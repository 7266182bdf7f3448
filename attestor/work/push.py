"""Work pushed to the agent over local HTTP (loopback only), authenticated by a bearer token.

``POST /v1/work`` with ``Authorization: Bearer <token>`` and a JSON body of either
``{"counter": N}`` (a monotonically increasing total; a lower value is a reset of the
pusher, Prometheus semantics) or ``{"increment": N}``. The token is compared in constant
time. Prefer ``counter``: increments pushed while the agent is down are lost, a counter is
continuous across agent restarts.
"""

from __future__ import annotations

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from attestor.work import SeriesAccumulator
from ecoai_chain.errors import ConfigError, SourceError

_MAX_BODY = 4096


class PushWorkSource:
    name = "push"

    def __init__(self, token: str, host: str = "127.0.0.1", port: int = 0) -> None:
        if len(token) < 16:
            raise ConfigError("work.push_token: must be at least 16 characters")
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ConfigError(f"work.push_host: must be a loopback address, got {host!r}")
        self._token = token.encode()
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._acc = SeriesAccumulator()
        self._increments = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self._port

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}/v1/work"

    def _authorized(self, header: str | None) -> bool:
        given = (header or "").removeprefix("Bearer ").encode()
        return hmac.compare_digest(given, self._token)

    def _accept(self, body: dict) -> None:
        with self._lock:
            if "counter" in body:
                v = body["counter"]
                if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                    raise ValueError("counter: must be an integer >= 0")
                self._acc.update({"push": v})
            elif "increment" in body:
                v = body["increment"]
                if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                    raise ValueError("increment: must be an integer >= 0")
                self._increments += v
            else:
                raise ValueError("body: needs 'counter' or 'increment'")

    def open(self) -> None:
        source = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:  # no access log (headers hold the token)
                pass

            def _reply(self, code: int, msg: dict) -> None:
                data = json.dumps(msg).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                if self.path != "/v1/work":
                    return self._reply(404, {"error": "unknown path"})
                if not source._authorized(self.headers.get("Authorization")):
                    return self._reply(401, {"error": "bad or missing bearer token"})
                n = int(self.headers.get("Content-Length") or 0)
                if n > _MAX_BODY:
                    return self._reply(413, {"error": "body too large"})
                try:
                    body = json.loads(self.rfile.read(n) or b"{}")
                    if not isinstance(body, dict):
                        raise ValueError("body: must be a JSON object")
                    source._accept(body)
                except (ValueError, json.JSONDecodeError) as e:
                    return self._reply(400, {"error": str(e)})
                return self._reply(200, {"total": source.read()})

        try:
            self._server = ThreadingHTTPServer((self._host, self._port), Handler)
        except OSError as e:
            raise SourceError(f"push: cannot listen on {self._host}:{self._port}: {e}") from e
        threading.Thread(target=self._server.serve_forever, name="ecoai-push",
                         daemon=True).start()

    def read(self) -> int:
        with self._lock:
            return self._acc.total + self._increments

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
