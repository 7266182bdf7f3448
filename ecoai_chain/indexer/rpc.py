"""A minimal JSON-RPC client over HTTP (httpx), with batch calls.

The indexer needs only eth_blockNumber, eth_getLogs, eth_getBlockByNumber and
eth_getTransactionByHash; talking JSON-RPC directly skips web3's per-result formatting,
which dominates the cost of decoding tens of thousands of logs.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from ecoai_chain.errors import ChainError, RpcError


class JsonRpc:
    """``JsonRpc(url)`` or ``JsonRpc(url, client=httpx.Client(...))`` (injectable backend)."""

    def __init__(self, url: str, client: httpx.Client | None = None, timeout_s: float = 30) -> None:
        self.url = url
        self._client = client or httpx.Client(timeout=timeout_s)
        self._ids = itertools.count(1)

    def close(self) -> None:
        self._client.close()

    def _post(self, payload: Any) -> Any:
        try:
            r = self._client.post(self.url, json=payload)
            r.raise_for_status()
            return r.json()
        except httpx.HTTPError as e:
            raise ChainError(f"RPC {self.url} unreachable or failed: {e}") from e

    def call(self, method: str, *params: Any) -> Any:
        body = self._post({"jsonrpc": "2.0", "id": next(self._ids), "method": method,
                           "params": list(params)})
        if "error" in body:
            err = body["error"]
            raise RpcError(method, err.get("code", 0), err.get("message", ""))
        return body["result"]

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """Several calls in one HTTP request; results in the order of ``calls``."""
        if not calls:
            return []
        first = next(self._ids)
        payload = [{"jsonrpc": "2.0", "id": first + i, "method": m, "params": p}
                   for i, (m, p) in enumerate(calls)]
        for _ in range(len(calls) - 1):
            next(self._ids)
        body = self._post(payload)
        if isinstance(body, dict):  # a server that rejects batches answers one error object
            err = body.get("error", {})
            raise RpcError("batch", err.get("code", 0), err.get("message", str(body)))
        by_id = {item["id"]: item for item in body}
        out = []
        for i, (m, _) in enumerate(calls):
            item = by_id[first + i]
            if "error" in item:
                raise RpcError(m, item["error"].get("code", 0), item["error"].get("message", ""))
            out.append(item["result"])
        return out

    def block_number(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def block_headers(self, numbers: list[int]) -> dict[int, dict]:
        """{number: {"hash", "timestamp"}} for each block number (batched)."""
        res = self.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])
        out = {}
        for n, b in zip(numbers, res, strict=True):
            if b is None:
                raise ChainError(f"block {n} not found (chain shorter than expected)")
            out[n] = {"hash": b["hash"], "timestamp": int(b["timestamp"], 16)}
        return out

    def get_logs(self, addresses: list[str], topics0: list[str], from_block: int,
                 to_block: int) -> list[dict]:
        return self.call("eth_getLogs", {
            "address": addresses, "topics": [topics0],
            "fromBlock": hex(from_block), "toBlock": hex(to_block),
        })
