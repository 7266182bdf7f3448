"""Signed, hash-chained window records.

record hash = sha256(canonical JSON of the record body), where the body holds every field
below except ``hash`` and ``signature`` and includes ``prev_hash`` (the previous record's
hash; ``GENESIS_HASH`` for the first). Canonical JSON: keys sorted, no whitespace, integers
and booleans only (no floats). The signature is EIP-191 ``personal_sign`` over the 32 hash
bytes by the attestor key, so anyone can check a log with an Ethereum library.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ecoai_chain.chain.eip191 import recover_signer, sign_hash
from ecoai_chain.core.canonical import canonical_json
from ecoai_chain.errors import ValidationError

__all__ = ["canonical_json", "recover_signer", "sign_hash"]  # re-exported for the agent

GENESIS_HASH = "0" * 64
RECORD_VERSION = 3
BODY_FIELDS_V1 = ("version", "attestor", "seq", "start_s", "end_s", "energy_mj", "work",
                  "sample_count", "mean_power_mw", "max_power_mw", "source", "estimated", "gap",
                  "cursor", "prev_hash")
# Version 2 adds how the window was measured (`ecoai_chain.energy.quality.WindowMeasurement`).
MEASUREMENT_FIELDS = ("method", "power_energy_mj", "counter_power_diff_ppm",
                      "counter_update_period_ms", "quality_flags")
# Version 3 adds the workload's share of the energy (`ecoai_chain.energy.attribution`).
ATTRIBUTION_FIELDS = ("attribution_method", "attributed_share_ppm")
BODY_FIELDS_V2 = BODY_FIELDS_V1 + MEASUREMENT_FIELDS
BODY_FIELDS = BODY_FIELDS_V2 + ATTRIBUTION_FIELDS
_FIELDS_BY_VERSION = {1: BODY_FIELDS_V1, 2: BODY_FIELDS_V2, 3: BODY_FIELDS}
ADDED_IN_VERSION = {2: MEASUREMENT_FIELDS, 3: ATTRIBUTION_FIELDS}


def record_body(rec: dict) -> dict:
    """The hashed fields of a record of its own ``version`` (1: before measurement methods)."""
    fields = _FIELDS_BY_VERSION.get(rec.get("version"))  # type: ignore[arg-type]
    if fields is None:
        raise ValidationError("record.version", f"unknown record version {rec.get('version')!r}")
    missing = [f for f in fields if f not in rec]
    if missing:
        raise ValidationError("record", f"missing fields {missing}")
    return {f: rec[f] for f in fields}


def record_hash(rec: dict) -> str:
    return hashlib.sha256(canonical_json(record_body(rec))).hexdigest()


def seal_record(body: dict, signer: Any) -> dict:
    """Return the record with ``hash`` and ``signature`` filled in."""
    h = record_hash(body)
    return {**record_body(body), "hash": h, "signature": sign_hash(h, signer)}


def verify_chain(records: list[dict], attestor: str, prev_hash: str = GENESIS_HASH,
                 check_signatures: bool = True) -> tuple[bool, str]:
    """(ok, reason). Checks each hash, each prev link, seq continuity and each signer."""
    expect_prev = prev_hash
    expect_seq: int | None = None
    for r in records:
        where = f"window seq={r.get('seq')} start_s={r.get('start_s')}"
        try:
            h = record_hash(r)
        except ValidationError as e:
            return False, f"{where}: {e}"
        if h != r.get("hash"):
            return False, f"{where}: hash mismatch (stored {r.get('hash')}, computed {h})"
        if r["prev_hash"] != expect_prev:
            return False, f"{where}: prev_hash does not link to the previous record"
        if expect_seq is not None and r["seq"] != expect_seq:
            return False, f"{where}: seq gap (expected {expect_seq})"
        if check_signatures:
            try:
                who = recover_signer(h, r["signature"])
            except Exception as e:  # malformed signature bytes
                return False, f"{where}: bad signature ({e})"
            if who.lower() != attestor.lower():
                return False, f"{where}: signed by {who}, expected {attestor}"
        expect_prev, expect_seq = h, r["seq"] + 1
    return True, "ok"
