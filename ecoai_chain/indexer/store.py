"""Writes decoded events to SQL: one transaction per block range, checkpoint included.

A range is applied atomically with its checkpoint, so a crash never leaves half a range; rows
are additionally keyed on (tx_hash, log_index) and inserted with ON CONFLICT DO NOTHING, so
re-applying a range is harmless. Derived state (node totals, daily aggregates, revoked flags,
node status) is recomputed from the event rows for the keys a batch or a rollback touched;
balances and total supply move by exact Python-int deltas.

Nothing a stranger puts on chain halts it: a log whose ids do not fit, or that the database
refuses, is quarantined (`quarantine`) and the range goes on. The range is first written in
one SAVEPOINT; only if the database refuses a value is it redone one log per SAVEPOINT, so
the refused log(s) can be named and every other log still lands in the same transaction.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import Text, delete, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from ecoai_chain.core.signals import FieldSpec, certificate_table
from ecoai_chain.core.units import CREDIT_UNITS_PER_MG
from ecoai_chain.indexer import governance, quarantine
from ecoai_chain.indexer.abi import DecodedLog, clean_text
from ecoai_chain.indexer.db import insert_ignore, upsert
from ecoai_chain.indexer.derived import Touched, day_of, get_meta, refresh, set_meta
from ecoai_chain.indexer.models import (
    BaselineChange,
    BlockHash,
    Certificate,
    Challenge,
    ChallengeEvent,
    Claim,
    CreditTransfer,
    Meta,
    Node,
    NodeEvent,
    OpenedSlot,
    Proposal,
    ProposalEvent,
    QuarantinedLog,
    RegionIntensity,
    Retirement,
    Revocation,
    T,
    Vote,
)
from ecoai_chain.indexer.models_credits import CREDIT_TABLES, CreditEvent, credit_rows, escrowed_row

__all__ = ["T", "IndexStore", "bytes32_text", "day_of"]

log_ = logging.getLogger(__name__)
# What a database raises for a value it will not store (out of range, bad text, a duplicate
# key a hostile log repeats) -- pysqlite raises a bare OverflowError for an integer beyond 64
# bits where PostgreSQL raises DataError; an outage (OperationalError) is not the log's fault
# and halts.
REFUSED = (DataError, IntegrityError, OverflowError)
# calldata: {tx_hash: decoded submit items, or the reason they are unavailable}
CallData = dict[str, list[dict] | str]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
EVENT_TABLES = (Certificate, Revocation, NodeEvent, RegionIntensity, BaselineChange,
                CreditTransfer, QuarantinedLog, Proposal, Vote, ProposalEvent,
                Claim, Retirement, Challenge, ChallengeEvent, OpenedSlot, *CREDIT_TABLES)


def _challenge_event(kind: str, **fields: Any):
    def row(a: Any, block_time_s: int) -> tuple[type, dict]:
        data = {k: (str(a[v]) if isinstance(a[v], int) else a[v]) for k, v in fields.items()}
        return ChallengeEvent, {"challenge_id": a["challengeId"], "kind": kind,
                                "data_json": json.dumps(data), "block_time_s": block_time_s}
    return row


def _drawn(a: Any, block_time_s: int) -> tuple[type, dict]:
    seed = a["seed"]  # the decoder gives bytes32 as 0x-hex
    seed = seed if isinstance(seed, str) else "0x" + bytes(seed).hex()
    data = {"seed": seed, "slots": [int(s) for s in a["slots"]]}
    return ChallengeEvent, {"challenge_id": a["challengeId"], "kind": "drawn",
                            "data_json": json.dumps(data), "block_time_s": block_time_s}


# ChallengeManager events -> (table, row without block/tx/log).
_CHALLENGE_ROWS = {
    "ChallengeOpened": lambda a, t: (Challenge, {
        "challenge_id": a["challengeId"], "certificate_id": a["certificateId"],
        "node_id": a["nodeId"], "challenger": a["challenger"],
        "deposit_wei": str(a["depositWei"]), "randomness_block": a["randomnessBlock"],
        "deadline_s": a["deadline"], "open_count": a["openCount"], "block_time_s": t}),
    "SlotOpened": lambda a, t: (OpenedSlot, {
        "challenge_id": a["challengeId"], "certificate_id": a["certificateId"],
        "slot": a["slot"], "energy_mj": a["energyMj"], "work": a["work"]}),
    "ChallengeSlotsDrawn": _drawn,
    "ChallengeAnswered": _challenge_event("answered", answerer="answerer", operator="operator",
                                          deposit_wei="depositWei"),
    "ChallengeDefaulted": _challenge_event("defaulted", challenger="challenger",
                                           slashed_wei="slashedWei",
                                           challenger_reward_wei="challengerRewardWei",
                                           treasury_wei="treasuryWei"),
    "ChallengeVoided": _challenge_event("voided", challenger="challenger"),
}
_GOV_TABLES = {"proposal": Proposal, "vote": Vote, "event": ProposalEvent}


def bytes32_text(hex32: str) -> str:
    """bytes32 of a code ("KR", "llm-inference") -> its text: trailing NULs dropped, bytes that
    are not UTF-8 replaced, inner NULs shown as U+2400. Not the strict ASCII codec
    (core.bytes32): a stranger picks these bytes, and a UTF-8 region stays readable."""
    return clean_text(bytes.fromhex(hex32[2:]).rstrip(b"\0"))


_CREDIT_ROWS = credit_rows(bytes32_text)  # GreenProof's Eco Credits events


def _column_value(f: FieldSpec, value: Any) -> Any:
    """A certificate member as its index column keeps it: bytes32 codes as text, uint256 as an
    int, or as decimal text where the column is text (root, work)."""
    if f.abi_type == "bytes32":
        return bytes32_text(value)
    if value is not None and isinstance(T[Certificate].c[f.api].type, Text):
        return str(value)
    return value


class IndexStore:
    """SQL side of the indexer. ``IndexStore(engine)``; the engine decides SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, codec: Any = None) -> None:
        self.engine = engine
        # dao.actions.ActionCodec of the deployment: decodes proposals' actions (None: raw)
        self.codec = codec

    # --- checkpoint and block hashes ----------------------------------------------------
    def get_meta(self, key: str, conn: Connection | None = None) -> str | None:
        if conn is not None:
            return get_meta(conn, key)
        with self.engine.connect() as c:
            return get_meta(c, key)

    def checkpoint(self) -> int | None:
        v = self.get_meta("checkpoint_block")
        return int(v) if v is not None else None

    def block_hashes_desc(self, limit: int) -> list[tuple[int, str]]:
        t = T[BlockHash]
        with self.engine.connect() as c:
            rows = c.execute(select(t.c.block_number, t.c.block_hash)
                             .order_by(t.c.block_number.desc()).limit(limit)).all()
        return [(r[0], r[1]) for r in rows]

    # --- applying a range -----------------------------------------------------------------
    def apply_range(self, logs: list[DecodedLog], headers: dict[int, dict],
                    calldata: CallData, to_block: int, keep_hashes: int,
                    rejected: list[dict] | tuple = ()) -> int:
        """Apply decoded ``logs`` of one block range and advance the checkpoint to ``to_block``.

        ``headers``: {block: {hash, timestamp}} for every block with a log and for ``to_block``;
        ``calldata``: {tx_hash: decoded submit inputs, or why they are unavailable} for
        transactions carrying certificates; ``rejected``: quarantine rows for logs that did
        not decode. Returns how many logs of the range were quarantined.
        """
        held = list(rejected)
        with self.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    held += self._apply_logs(conn, logs, headers, calldata)
            except REFUSED:  # find the log(s) the database refuses; keep every other one
                for log in logs:
                    try:
                        with conn.begin_nested():
                            held += self._apply_logs(conn, [log], headers, calldata)
                    except REFUSED as e:
                        held.append(quarantine.decoded_row(
                            log, f"the database refused it: {getattr(e, 'orig', e)}"))
            for row in held:
                log_.warning("quarantined log %s/%s in block %s: %s", row["tx_hash"],
                             row["log_index"], row["block_number"], row["reason"])
            insert_ignore(conn, T[QuarantinedLog], held, ["tx_hash", "log_index"])
            hashes = [{"block_number": n, "block_hash": h["hash"]} for n, h in headers.items()]
            upsert(conn, T[BlockHash], hashes, ["block_number"], ["block_hash"])
            conn.execute(delete(T[BlockHash]).where(
                T[BlockHash].c.block_number <= to_block - keep_hashes))
            self._set_meta(conn, "checkpoint_block", str(to_block))
            if to_block in headers:  # the indexed head's time: proposals' state is read at it
                self._set_meta(conn, "checkpoint_time_s", str(headers[to_block]["timestamp"]))
        return len(held)

    def _apply_logs(self, conn: Connection, logs: list[DecodedLog], headers: dict[int, dict],
                    calldata: CallData) -> list[dict]:
        """Write ``logs`` and refresh what they touch; returns quarantine rows for the logs
        whose ids do not fit (the database would refuse them) and for second registrations
        of a node id (kept, not silently dropped by the nodes table's key)."""
        held, good = [], []
        registered = self._registrations(conn, logs)
        for log in logs:
            problem = quarantine.id_problem(log)
            if problem is None and log.event == "NodeRegistered":
                first = registered.setdefault(log.args["nodeId"], (log.tx_hash, log.log_index))
                if first != (log.tx_hash, log.log_index):
                    problem = f"node {log.args['nodeId']} is already registered (tx {first[0]})"
            if problem:
                held.append(quarantine.decoded_row(log, problem))
            else:
                good.append(log)
        touched = Touched()
        rows: dict[Any, list[dict]] = defaultdict(list)
        node_region = self._node_regions(conn, good)
        for log in good:
            self._row_for(log, headers, calldata, node_region, rows, touched)
        for model in (Node, NodeEvent, RegionIntensity, BaselineChange, Certificate,
                      Revocation, CreditTransfer, Proposal, Vote, ProposalEvent, Claim,
                      Retirement, Challenge, ChallengeEvent, OpenedSlot, *CREDIT_TABLES):
            if rows[model]:
                insert_ignore(conn, T[model], rows[model], ["tx_hash", "log_index"]
                              if model is not Node else ["node_id"])
        self._refresh(conn, touched)
        return held

    def _registrations(self, conn: Connection, logs: list[DecodedLog]
                       ) -> dict[int, tuple[str, int]]:
        """{node id: (tx, log index) of its indexed registration} for the ids ``logs`` register."""
        ids = {log.args["nodeId"] for log in logs if log.event == "NodeRegistered"
               and quarantine.id_problem(log) is None}
        if not ids:
            return {}
        t = T[Node]
        return {r[0]: (r[1], r[2]) for r in conn.execute(
            select(t.c.node_id, t.c.registered_tx, t.c.registered_log_index)
            .where(t.c.node_id.in_(ids))).all()}

    def _node_regions(self, conn: Connection, logs: list[DecodedLog]
                      ) -> dict[int, tuple[str, str]]:
        """{node id: (region, operator)} of the nodes whose certificates ``logs`` submit."""
        ids = {log.args["nodeId"] for log in logs if log.event == "CertificateSubmitted"}
        if not ids:
            return {}
        t = T[Node]
        return {r[0]: (r[1], r[2]) for r in conn.execute(
            select(t.c.node_id, t.c.region, t.c.operator).where(t.c.node_id.in_(ids))).all()}

    def _row_for(self, log: DecodedLog, headers: dict[int, dict], calldata: CallData,
                 node_region: dict[int, tuple[str, str]], rows: dict, touched: Touched) -> None:
        a, ev = log.args, log.event
        where = {"block_number": log.block_number, "tx_hash": log.tx_hash,
                 "log_index": log.log_index}
        if ev == "NodeRegistered":
            region = bytes32_text(a["region"])
            node_region[a["nodeId"]] = (region, a["operator"])
            rows[Node].append({
                "node_id": a["nodeId"], "operator": a["operator"], "attestor": a["attestor"],
                "registered_attestor": a["attestor"], "region": region,
                "max_power_mw": a["maxPowerMw"], "metadata_uri": str(a["metadataURI"]),
                "metadata_uri_raw": a["metadataURI"].raw, "status": 0,
                "status_reason": "", "registered_block": log.block_number,
                "registered_tx": log.tx_hash, "registered_log_index": log.log_index,
                "certificate_count": 0, "score_sum": 0, "energy_mj": 0, "carbon_mg": 0,
                "avoided_mg": 0, "avg_score": 0,
            })
        elif ev == "NodeStatusChanged":
            rows[NodeEvent].append({"node_id": a["nodeId"], "kind": "status",
                                    "status": a["status"], "reason": str(a["reason"]),
                                    "reason_raw": a["reason"].raw, "attestor": None, **where})
            touched.node_state.add(a["nodeId"])
        elif ev == "AttestorRotated":
            rows[NodeEvent].append({"node_id": a["nodeId"], "kind": "attestor", "status": None,
                                    "reason": None, "reason_raw": None,
                                    "attestor": a["newAttestor"], **where})
            touched.node_state.add(a["nodeId"])
        elif ev == "RegionIntensitySet":
            rows[RegionIntensity].append({
                "region": bytes32_text(a["region"]), "effective_from_s": a["effectiveFrom"],
                "intensity_mg_per_kwh": a["intensityMgPerKwh"], **where})
        elif ev == "BaselineSet":
            rows[BaselineChange].append({
                "workload_class": bytes32_text(a["workloadClass"]),
                "baseline_ng_per_work": str(a["baselineNgPerWork"]),
                "effective_from_s": a["effectiveFrom"], **where})
        elif ev == "CertificateSubmitted":
            rows[Certificate].append(self._certificate_row(log, headers, calldata, node_region))
            region, operator = node_region.get(a["nodeId"], ("", None))
            # Its reward went into escrow (GreenProof emits no other event for it): the
            # "escrowed" credit row, from the record's reward and release time.
            rows[CreditEvent].append({**escrowed_row(a, operator, headers[log.block_number]
                                                     ["timestamp"]), **where})
            touched.nodes.add(a["nodeId"])
            touched.days.add((region, day_of(a["epochStart"])))
        elif ev == "CertificateRevoked":
            rows[Revocation].append({
                "certificate_id": a["certificateId"], "node_id": a["nodeId"],
                "reason": str(a["reason"]), "reason_raw": a["reason"].raw,
                "clawed_back_units": a["clawedBackUnits"], "debt_units": a["debtUnits"],
                **where})
            touched.revoked_certs.add(a["certificateId"])
        elif ev in governance.EVENTS:
            found = governance.rows_for(log, headers[log.block_number]["timestamp"], self.codec)
            if found is not None:
                rows[_GOV_TABLES[found[0]]].append(found[1])
        elif ev == "CertificateClaimed":
            rows[Claim].append({
                "claim_id": a["claimId"], "certificate_id": a["certificateId"],
                "beneficiary": a["beneficiary"], "claimant": a["claimant"],
                "energy_mj": a["energyMj"], "carbon_mg": a["carbonMg"], "is_final": a["isFinal"],
                "purpose": str(a["purpose"]), "purpose_raw": a["purpose"].raw,
                "block_time_s": headers[log.block_number]["timestamp"], **where})
        elif ev == "CreditsRetired":
            rows[Retirement].append({
                "retirement_id": a["retirementId"], "holder": a["holder"],
                "beneficiary": a["beneficiary"], "amount_units": str(a["amountUnits"]),
                "purpose": str(a["purpose"]), "purpose_raw": a["purpose"].raw,
                "block_time_s": headers[log.block_number]["timestamp"], **where})
        elif ev in _CREDIT_ROWS:
            model, row = _CREDIT_ROWS[ev](a, headers[log.block_number]["timestamp"])
            rows[model].append({**row, **where})
        elif ev in _CHALLENGE_ROWS:
            model, row = _CHALLENGE_ROWS[ev](a, headers[log.block_number]["timestamp"])
            rows[model].append({**row, **where})
        elif ev == "Transfer":
            value = a["value"]
            rows[CreditTransfer].append({
                "from_address": a["from"], "to_address": a["to"], "value_units": str(value),
                "block_time_s": headers[log.block_number]["timestamp"], **where})
            if a["from"] == ZERO_ADDRESS:
                touched.supply_delta += value
            else:
                touched.balance_deltas[a["from"]] -= value
            if a["to"] == ZERO_ADDRESS:
                touched.supply_delta -= value
            else:
                touched.balance_deltas[a["to"]] += value

    @staticmethod
    def _certificate_row(log: DecodedLog, headers: dict[int, dict], calldata: CallData,
                         node_region: dict[int, tuple[str, str]]) -> dict:
        a = log.args
        rec = a["record"]  # the certificate's fields, whole (GreenProof keeps only its hash)
        reward = rec["rewardUnits"]
        # The certificate's members (core/public_signals.json): those the event's record
        # carries (all, today) come from it and must equal the calldata's; any other would
        # come from the calldata alone.
        in_event = [f for f in certificate_table() if f.solidity in rec]
        in_calldata = [f for f in certificate_table() if f.solidity not in rec]
        row = {
            "certificate_id": a["certificateId"],
            "region": node_region.get(a["nodeId"], ("", None))[0],
            **{f.api: _column_value(f, rec[f.solidity]) for f in in_event},
            **dict.fromkeys((f.api for f in in_calldata), None),
            "eco_score": rec["ecoScore"], "reward_units": str(reward),
            "avoided_mg": reward // CREDIT_UNITS_PER_MG,
            "workload_class_hex": rec["workloadClass"],  # the bytes signed; the column: display
            "proof_json": None, "signature": None, "calldata_note": None, "revoked": False,
            "revoked_reason": None, "block_number": log.block_number,
            "block_time_s": headers[log.block_number]["timestamp"],
            "tx_hash": log.tx_hash, "log_index": log.log_index,
        }
        items = calldata.get(log.tx_hash, "calldata unavailable: not fetched")
        if isinstance(items, str):
            row["calldata_note"] = items
            return row
        for item in items:
            c = item["cert"]
            if all(c.get(f.solidity) == rec[f.solidity] for f in in_event):
                row.update({f.api: _column_value(f, c.get(f.solidity)) for f in in_calldata})
                row.update(signature=item["signature"], proof_json=json.dumps(item["proof"]))
                return row
        row["calldata_note"] = ("calldata unavailable: the transaction's GreenProof call holds "
                                "no certificate equal to this event's")
        return row

    def _refresh(self, conn: Connection, t: Touched) -> None:
        refresh(conn, t)

    def _set_meta(self, conn: Connection, key: str, value: str) -> None:
        set_meta(conn, key, value)

    # --- reorgs ---------------------------------------------------------------------------
    def rollback_to(self, block: int, block_time_s: int | None = None) -> int:
        """Remove every row from blocks > ``block``, restore derived state, set the checkpoint
        to ``block`` and the indexed head's time to ``block_time_s`` (None: unknown, cleared),
        the time proposals' states are read at. Returns the number of event rows removed."""
        removed = 0
        with self.engine.begin() as conn:
            t = Touched()
            c, r, e, x = T[Certificate], T[Revocation], T[NodeEvent], T[CreditTransfer]
            after = block + 1
            for nid, region, ep in conn.execute(select(c.c.node_id, c.c.region, c.c.epoch_start_s)
                                                .where(c.c.block_number >= after)).all():
                t.nodes.add(nid)
                t.days.add((region, day_of(ep)))
            t.revoked_certs.update(conn.execute(select(r.c.certificate_id)
                                                .where(r.c.block_number >= after)).scalars())
            t.node_state.update(conn.execute(select(e.c.node_id)
                                             .where(e.c.block_number >= after)).scalars())
            for frm, to, v in conn.execute(select(x.c.from_address, x.c.to_address,
                                                  x.c.value_units)
                                           .where(x.c.block_number >= after)).all():
                v = int(v)
                if frm == ZERO_ADDRESS:
                    t.supply_delta -= v
                else:
                    t.balance_deltas[frm] += v
                if to == ZERO_ADDRESS:
                    t.supply_delta += v
                else:
                    t.balance_deltas[to] -= v
            for model in EVENT_TABLES:
                removed += conn.execute(delete(T[model]).where(
                    T[model].c.block_number >= after)).rowcount
            removed += conn.execute(delete(T[Node]).where(
                T[Node].c.registered_block >= after)).rowcount
            conn.execute(delete(T[BlockHash]).where(T[BlockHash].c.block_number >= after))
            self._refresh(conn, t)
            self._set_meta(conn, "checkpoint_block", str(block))
            if block_time_s is None:
                conn.execute(delete(T[Meta]).where(T[Meta].c.key == "checkpoint_time_s"))
            else:
                self._set_meta(conn, "checkpoint_time_s", str(block_time_s))
        return removed
