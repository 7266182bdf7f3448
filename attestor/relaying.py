"""The submitter's way through relayers (``relay_urls``), before it submits alone.

For an epoch that is ``proved`` and not yet certified on chain, `RelayLink.holds` posts the
signed certificate and proof to the first relayer (wire format: `ecoai_chain.relay.wire`)
and then follows its status; it answers True while a relayer holds the epoch (the submitter
waits, in order, and sees the landing on chain itself, by ``certificateOf``: the chain, not
the relayer, says an epoch landed) and False once the submitter should go on alone.

A relayer is given up -- and the next one tried, then direct submission -- when it cannot
be reached at posting, refuses the item (4xx: the reason is logged and kept in
``last_error``), forgets it (404), reports it refused, or has not got it certified within
``relay_timeout_s`` of posting. Where it went is committed in the store's meta table
(``relay:<epoch>``) after each step, so a restart resumes with the same relayer and never
posts to one it gave up. The same item posted again is idempotent at the relayer. Only the
submitter sends transactions; it checks ``certificateOf`` before every direct send.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from attestor.logs import event
from attestor.store import EpochRecord, Store
from ecoai_chain.relay.wire import item_body

log = logging.getLogger("ecoai.attestor")
HELD = ("queued", "submitted", "landed", "skipped")  # wait: the chain will say


class RelayLink:
    def __init__(self, store: Store, urls: list[str], timeout_s: float, *,
                 http: httpx.Client | None = None, request_timeout_s: float = 10.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.store, self.urls, self.timeout_s, self.clock = store, list(urls), timeout_s, clock
        self.http = http or httpx.Client(timeout=request_timeout_s)

    def _state(self, epoch_start_s: int) -> dict[str, Any]:
        raw = self.store.get_meta(f"relay:{epoch_start_s}")
        return json.loads(raw) if raw else {"tried": []}

    def _save(self, epoch_start_s: int, state: dict[str, Any]) -> None:
        self.store.set_meta(f"relay:{epoch_start_s}", json.dumps(state))

    def holds(self, rec: EpochRecord, cert: Any, proof: dict, signature: bytes) -> bool:
        """True while a relayer holds this epoch; False: submit it directly."""
        st = self._state(rec.epoch_start_s)
        if st.get("direct"):
            return False
        if st.get("url"):
            why = self._follow(rec, st)
            if why is None:
                return True
            self._give_up(rec, st, why)
        body = item_body(cert, proof, signature)
        for url in (u for u in self.urls if u not in st["tried"]):
            why = self._post(url, body)
            if why is None:
                st.update(url=url, posted_s=self.clock())
                self._save(rec.epoch_start_s, st)
                event(log, "epoch posted to relayer", epoch_start_s=rec.epoch_start_s,
                      relayer=url)
                return True
            self._give_up(rec, st, why, url)
        st["direct"] = True
        self._save(rec.epoch_start_s, st)
        event(log, "no relayer holds the epoch; submitting directly", logging.WARNING,
              epoch_start_s=rec.epoch_start_s)
        return False

    def _give_up(self, rec: EpochRecord, st: dict[str, Any], why: str,
                 url: str | None = None) -> None:
        url = url or st.pop("url")
        st.pop("posted_s", None)
        st["tried"].append(url)
        self._save(rec.epoch_start_s, st)
        self.store.update_epoch(rec.epoch_start_s, last_error=f"relayer {url}: {why}"[:500])
        event(log, "relayer given up", logging.WARNING, epoch_start_s=rec.epoch_start_s,
              relayer=url, reason=why)

    def _post(self, url: str, body: dict) -> str | None:
        """None if the relayer took the item, else why not."""
        try:
            r = self.http.post(f"{url.rstrip('/')}/relay/v1/items", json=body)
        except httpx.HTTPError as e:
            return f"unreachable: {type(e).__name__}: {e}"
        if r.status_code == 202:
            return None
        return f"answered {r.status_code}: {_detail(r)}"

    def _follow(self, rec: EpochRecord, st: dict[str, Any]) -> str | None:
        """None while the relayer still holds the epoch in time, else why to give it up."""
        url = st["url"]
        waited_s = self.clock() - st["posted_s"]
        try:
            r = self.http.get(f"{url.rstrip('/')}/relay/v1/items/{rec.node_id}/"
                              f"{rec.epoch_start_s}")
        except httpx.HTTPError as e:
            r, why = None, f"unreachable: {type(e).__name__}: {e}"
        if r is not None:
            try:
                data = r.json() if r.status_code == 200 else {}
            except ValueError:
                data = {}
            state = data.get("state") if isinstance(data, dict) else None
            if state == "refused":
                return f"refused: {data.get('reason')}"
            if r.status_code != 200 or state not in HELD:
                return f"answered {r.status_code}: {_detail(r)}"
            why = f"still {state}"
        if waited_s >= self.timeout_s:
            return f"{why} after {waited_s:.0f} s (relay_timeout_s = {self.timeout_s:g})"
        return None


def _detail(r: httpx.Response) -> str:
    try:
        d = r.json().get("detail", r.json())
    except (ValueError, AttributeError):
        return r.text[:200]
    return json.dumps(d)[:300] if not isinstance(d, str) else d[:300]
