"""The relayer's HTTP API (FastAPI): ``create_app(relayer, tick_s)``.

- ``POST /relay/v1/items``: an item in the wire format (`ecoai_chain.relay.wire`) -> 202 and
  its status; a refusal -> 4xx ``{"detail": {"field", "reason"}}`` (see `Relayer.accept`).
- ``GET /relay/v1/items/{node_id}/{epoch_start_s}``: queued / submitted (tx hash) / landed
  (certificate id) / skipped (landed by someone else) / refused (reason); 404 if unknown.
- ``GET /relay/v1/status``: counts by state, batches sent / mined / reverted, gas used.

With ``tick_s`` a worker thread runs `Relayer.tick` every ``tick_s`` seconds while the app
is up (`ecoai relay serve`); without it nothing runs in the background (tests tick by hand).
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from ecoai_chain.errors import ChainError, EcoAIError, RelayRefused, ValidationError
from ecoai_chain.relay.relayer import Relayer
from ecoai_chain.relay.store import RelayItem
from ecoai_chain.relay.wire import MAX_BODY_BYTES, loads_item

log = logging.getLogger("ecoai.relay")
_ID = Annotated[int, PathParam(ge=0, lt=2**63)]  # SQLite integers are signed 64-bit


def item_status(row: RelayItem) -> dict[str, Any]:
    return {"node_id": row.node_id, "epoch_start_s": row.epoch_start_s, "state": row.state,
            "tx_hash": row.tx_hash or None, "certificate_id": row.certificate_id,
            "reason": row.reason or None}


def _worker(relayer: Relayer, tick_s: float, stop: threading.Event) -> None:
    while not stop.wait(tick_s):
        try:
            relayer.tick()
        except EcoAIError as e:  # the chain is away or refused: the next tick retries
            log.warning("relay tick failed: %s", e)
        except Exception:  # a bug: shown in full, the server keeps answering
            log.exception("relay tick crashed")


def create_app(relayer: Relayer, tick_s: float | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        stop = threading.Event()
        thread = None
        if tick_s is not None:
            thread = threading.Thread(target=_worker, args=(relayer, tick_s, stop),
                                      name="relay-worker", daemon=True)
            thread.start()
        yield
        stop.set()
        if thread is not None:
            thread.join(timeout=30)

    app = FastAPI(title="EcoAI relayer", lifespan=lifespan)

    @app.post("/relay/v1/items", status_code=202)
    async def post_item(request: Request) -> dict[str, Any]:
        # Read and parse by hand: bounded in size before reading and in depth before
        # parsing (a stranger's 10^5 nested brackets crash the process in FastAPI's parser).
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise HTTPException(413, {"field": "body", "reason": f"over {MAX_BODY_BYTES} bytes"})
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY_BYTES:
                raise HTTPException(413, {"field": "body",
                                          "reason": f"over {MAX_BODY_BYTES} bytes"})
        try:
            body = loads_item(bytes(raw))
            return item_status(await run_in_threadpool(relayer.accept, body))
        except RelayRefused as e:
            raise HTTPException(e.status, {"field": e.field, "reason": e.reason}) from e
        except ValidationError as e:  # not JSON, or nested too deep
            raise HTTPException(422, {"field": e.field, "reason": e.reason}) from e
        except ChainError as e:  # the relayer cannot check the item now: not the poster's fault
            raise HTTPException(503, {"field": "chain", "reason": str(e)[:300]}) from e

    @app.get("/relay/v1/items/{node_id}/{epoch_start_s}")
    def get_item(node_id: _ID, epoch_start_s: _ID) -> dict[str, Any]:
        row = relayer.status(node_id, epoch_start_s)
        if row is None:
            raise HTTPException(404, {"field": "epoch_start_s",
                                      "reason": f"no item for node {node_id} epoch "
                                                f"{epoch_start_s}"})
        return item_status(row)

    @app.get("/relay/v1/status")
    def status() -> dict[str, Any]:
        return relayer.counts()

    return app
