"""PUT /certificates/{id}/measurement reads at most its limit of a stranger's body: the real
app driven over ASGI with a body sent in chunks, counting how much of it the app pulled."""

from __future__ import annotations

import asyncio
import json

from ecoai_chain.api.app import create_app
from ecoai_chain.api.routes_measurement import MAX_BODY_BYTES
from ecoai_chain.api.settings import ApiSettings

CHUNK = 16 * 1024


def put(app, chunks: int, headers: list[tuple[bytes, bytes]] = ()) -> tuple[int, dict, int]:
    """(status, JSON body, chunks the app received) for a PUT of ``chunks`` x 16 KiB."""
    pulled, sent = 0, []

    async def receive():
        nonlocal pulled
        pulled += 1
        more = pulled < chunks
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": more}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "PUT", "scheme": "http", "path": "/api/v1/certificates/1/measurement",
             "raw_path": b"/api/v1/certificates/1/measurement", "query_string": b"",
             "root_path": "", "headers": [(b"host", b"api"), *headers],
             "client": ("203.0.113.7", 4000), "server": ("api", 80)}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


def test_a_huge_body_is_refused_without_reading_it_all(tmp_path):
    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path}/index.db"))
    total = 64 * 1024 * 1024 // CHUNK  # a 64 MiB body
    status, body, pulled = put(app, total)
    assert status == 413 and str(MAX_BODY_BYTES) in body["error"]
    assert pulled <= MAX_BODY_BYTES // CHUNK + 1, f"read {pulled * CHUNK} bytes of the body"


def test_a_declared_length_over_the_limit_is_refused_before_reading(tmp_path):
    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path}/index.db"))
    status, _body, pulled = put(app, 4096, [(b"content-length", b"67108864")])
    assert status == 413 and pulled == 0


def test_a_bad_content_length_is_a_client_error(tmp_path):
    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path}/index.db"))
    status, _body, _pulled = put(app, 1, [(b"content-length", b"\xc2\xb2")])
    assert 400 <= status < 500


def test_a_number_too_long_to_parse_is_a_client_error_naming_the_body(tmp_path):
    from fastapi.testclient import TestClient

    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path}/index.db"))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.put("/api/v1/certificates/1/measurement",
                  content='{"format": 1, "node_id": ' + "9" * 5000 + "}")
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "body"


def test_a_content_length_of_5000_digits_is_refused_as_too_large(tmp_path):
    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path}/index.db"))
    status, _body, pulled = put(app, 1, [(b"content-length", b"9" * 5000)])
    assert status == 413 and pulled == 0


def test_json_nested_deeper_than_any_summary_is_refused_before_it_is_walked(tmp_path):
    """py_ecc raises the process's recursion limit to 100,000, so a 64 KiB body of brackets
    parses, and every later json.dumps / walk of it recurses 30,000+ C frames deep in a worker
    thread (a crash where thread stacks are small); a summary is a few levels deep."""
    from fastapi.testclient import TestClient

    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path}/index.db"))
    with TestClient(app, raise_server_exceptions=False) as c:
        for body in ("[" * 30_000 + "]" * 30_000,
                     '{"format": 1, "x": ' + '{"a":' * 5_000 + "1" + "}" * 5_001):
            r = c.put("/api/v1/certificates/1/measurement", content=body)
            assert r.status_code == 422, r.text
            assert r.json()["field"] == "body" and "nested" in r.json()["error"]
