"""Logs the index cannot hold, kept with their reason instead of halting the indexer.

A log lands here when its topics or data do not fit its ABI (`UnindexableLog` from the
decoder), when an id it carries does not fit the index's 63-bit ids (or an epoch start is
past any calendar day), when a proposal's action arrays differ in length (the Governor refuses
such a proposal), or when the database refuses a value. Indexing goes on; the rows are
counted in the API's ``/metrics`` (``ecoai_indexer_quarantined_logs``) and listed by
``ecoai indexer status``. A reorg removes them like any other event row.
"""

from __future__ import annotations

import json
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ecoai_chain.indexer.abi import NUL_SYMBOL, DecodedLog
from ecoai_chain.indexer.models import QuarantinedLog

BIGINT_MAX = 2**63 - 1
MAX_TIME_S = 253_402_300_799  # 9999-12-31 23:59:59 UTC: the last second a calendar day names
TABLE = QuarantinedLog.__table__
# Event arguments stored as BIGINT ids or times (GreenProof's counters and block times).
ID_ARGS = {
    "NodeRegistered": ("nodeId",), "NodeStatusChanged": ("nodeId",),
    "AttestorRotated": ("nodeId",), "CertificateSubmitted": ("certificateId", "nodeId",
                                                             "epochStart"),
    "CertificateRevoked": ("certificateId", "nodeId"),
    "CertificateClaimed": ("claimId", "certificateId"), "CreditsRetired": ("retirementId",),
}


def raw_row(log: dict, reason: str) -> dict:
    """A quarantine row for a raw ``eth_getLogs`` entry."""
    topics = log.get("topics") or []
    return {"address": to_checksum_address(log["address"]), "topic0": topics[0] if topics else "",
            "reason": reason[:2000].replace("\0", NUL_SYMBOL),
            "raw_json": json.dumps(log, sort_keys=True),
            "block_number": int(log["blockNumber"], 16), "tx_hash": log["transactionHash"],
            "log_index": int(log["logIndex"], 16)}


def decoded_row(log: DecodedLog, reason: str) -> dict:
    raw = log.raw or {"address": log.address, "topics": [], "blockNumber": hex(log.block_number),
                      "transactionHash": log.tx_hash, "logIndex": hex(log.log_index)}
    return raw_row(raw, f"{log.event}: {reason}")


def id_problem(log: DecodedLog) -> str | None:
    """Why ``log`` cannot be stored under the index's BIGINT ids, or None."""
    for name in ID_ARGS.get(log.event, ()):
        v = log.args[name]
        if not 0 <= v <= BIGINT_MAX:
            return f"{name} {v} does not fit the index's 63-bit ids"
    if log.event == "CertificateSubmitted":
        if log.args["epochStart"] > MAX_TIME_S:
            return f"epochStart {log.args['epochStart']} is after the year 9999 (no daily total)"
    if log.event == "NodeStatusChanged" and log.args["status"] > 255:
        return f"status {log.args['status']} is not a uint8"
    if log.event == "ProposalCreated":
        lengths = {k: len(log.args[k]) for k in ("targets", "values", "signatures", "calldatas")}
        if len(set(lengths.values())) != 1:
            return f"its action arrays have different lengths {lengths}"
    return None


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(TABLE)).scalar() or 0


def latest(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    rows = conn.execute(select(TABLE.c.block_number, TABLE.c.tx_hash, TABLE.c.log_index,
                               TABLE.c.address, TABLE.c.reason)
                        .order_by(TABLE.c.block_number.desc(), TABLE.c.log_index.desc())
                        .limit(limit)).mappings().all()
    return [dict(r) for r in rows]
