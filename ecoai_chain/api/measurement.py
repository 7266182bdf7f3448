"""Certificates' measurement summaries: published by the attestor, checked, served (issue 18).

The chain does not say how a certificate's energy was measured; the attestor's signed epoch
summary (`ecoai_chain.energy.summary`) does. ``PUT /certificates/{id}/measurement`` accepts it
only when it is bound to that certificate (node id, epoch start, Merkle root and energy equal
the indexed certificate's) and signed by the node's attestor in force at the certificate's
block; a certificate has at most one summary (a different second one is a 409). ``GET`` serves
it with what it is: the attestor's own statement, which the zero-knowledge proof does not cover.
Nothing is inferred when no summary was published: the API says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ecoai_chain.api.queries import Queries
from ecoai_chain.energy.summary import PPM, check_document
from ecoai_chain.errors import ConflictError, ValidationError
from ecoai_chain.indexer.db import insert_ignore
from ecoai_chain.indexer.models import MeasurementRecord

MR = MeasurementRecord.__table__  # type: ignore[attr-defined]
NOTE = ("Signed by the node's attestor from its window log; the zero-knowledge proof does not "
        "cover how the energy was measured.")


def share(ppm: int) -> str:
    """ppm as an exact decimal fraction string ("0.950000")."""
    return f"{ppm // PPM}.{ppm % PPM:06d}"


class Measurements:
    def __init__(self, queries: Queries, clock: Callable[[], float] = time.time) -> None:
        """``queries``: the index (its engine, and the attestor at a certificate's block, as
        /verify resolves it)."""
        self.queries, self.engine, self.clock = queries, queries.engine, clock

    def _row(self, cert: Any) -> Any:
        with self.engine.connect() as c:
            return c.execute(select(MR).where(MR.c.node_id == cert.node_id,
                                              MR.c.epoch_start_s == cert.epoch_start_s,
                                              MR.c.root == str(cert.root))).first()

    def put(self, cert: Any, doc: Any) -> tuple[dict, bool]:
        """Check ``doc`` against certificate row ``cert``; store it. (served JSON, created)."""
        summary, signer = check_document(doc)
        for k, want in (("node_id", cert.node_id), ("epoch_start_s", cert.epoch_start_s),
                        ("root", str(cert.root)), ("energy_mj", cert.energy_mj)):
            if doc[k] != want:
                raise ValidationError(k, f"is {doc[k]!r} but certificate "
                                         f"{cert.certificate_id} has {want!r}")
        expected = self.queries.attestor_at(cert.node_id, (cert.block_number, cert.log_index))
        if expected is None or signer.lower() != expected.lower():
            raise ValidationError("signature", f"signed by {signer}, but the node's attestor at "
                                               f"the certificate's block is {expected}")
        row = self._row(cert)
        if row is not None:
            if row.document_hash != doc["hash"]:
                raise ConflictError(f"certificate {cert.certificate_id} already has a different "
                               f"measurement summary ({row.document_hash})")
            return self._json(cert, row), False
        with self.engine.begin() as c:
            insert_ignore(c, MR, [{
                "node_id": cert.node_id, "epoch_start_s": cert.epoch_start_s,
                "root": str(cert.root), "signer": signer,
                "counter_exact_ppm": summary.counter_exact_ppm, "document_hash": doc["hash"],
                "document_json": json.dumps(doc, sort_keys=True),
                "received_s": int(self.clock())}], ["node_id", "epoch_start_s", "root"])
        row = self._row(cert)
        if row.document_hash != doc["hash"]:  # another one won a concurrent insert
            raise ConflictError(f"certificate {cert.certificate_id} already has a different "
                           f"measurement summary ({row.document_hash})")
        return self._json(cert, row), True

    def get(self, cert: Any) -> dict | None:
        row = self._row(cert)
        return None if row is None else self._json(cert, row)

    @staticmethod
    def _json(cert: Any, row: Any) -> dict:
        doc = json.loads(row.document_json)
        m = doc["measurement"]
        return {"certificate_id": cert.certificate_id, "signed_by": row.signer,
                "covered_by_proof": False, "note": NOTE,
                "counter_exact_ppm": row.counter_exact_ppm,
                "counter_exact_share": share(row.counter_exact_ppm),
                "energy_mj": m["energy_mj"],
                "energy_mj_by_method": m["energy_mj_by_method"],
                "windows_by_method": m["windows_by_method"],
                "flagged_windows": m["flagged_windows"],
                "estimated_windows": m["estimated_windows"],
                "max_abs_counter_power_diff_ppm": m["max_abs_counter_power_diff_ppm"],
                "max_counter_update_period_ms": m["max_counter_update_period_ms"],
                "windows_by_attribution": m["windows_by_attribution"],
                "attributed_energy_mj": m["attributed_energy_mj"],
                "received_s": row.received_s, "document": doc}
