"""Read queries for claims, retirements and beneficiaries (REST API and explorer).

A claim's certificate may have been revoked after the claim: the revocation is read from the
certificate's row (the one place the index keeps it) and shown beside every claim."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Engine

from ecoai_chain.indexer.models import Certificate, Claim, Meta, Retirement
from ecoai_chain.indexer.sqltypes import usum
from ecoai_chain.indexer.store import T

C, CL, RT, M = T[Certificate], T[Claim], T[Retirement], T[Meta]
_CLAIM_COLS = (*CL.c, C.c.revoked.label("certificate_revoked"),
               C.c.revoked_reason.label("certificate_revoked_reason"))


def claim_json(r: Any) -> dict:
    revoked = bool(r.certificate_revoked)
    return {
        "claim_id": r.claim_id, "certificate_id": r.certificate_id,
        "beneficiary": r.beneficiary, "claimant": r.claimant,
        "energy_mj": r.energy_mj, "carbon_mg": r.carbon_mg, "is_final": bool(r.is_final),
        "purpose": r.purpose, "purpose_hex": "0x" + bytes(r.purpose_raw or b"").hex(),
        "status": "claimed, certificate revoked since" if revoked else "claimed",
        "certificate_revoked": revoked, "certificate_revoked_reason": r.certificate_revoked_reason,
        "block_number": r.block_number, "block_time_s": r.block_time_s, "tx_hash": r.tx_hash,
        "log_index": r.log_index,
    }


def retirement_json(r: Any) -> dict:
    return {
        "retirement_id": r.retirement_id, "holder": r.holder, "beneficiary": r.beneficiary,
        "amount_units": r.amount_units, "purpose": r.purpose,
        "purpose_hex": "0x" + bytes(r.purpose_raw or b"").hex(), "status": "retired",
        "block_number": r.block_number, "block_time_s": r.block_time_s, "tx_hash": r.tx_hash,
        "log_index": r.log_index,
    }


class ClaimQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        joined = CL.outerjoin(C, C.c.certificate_id == CL.c.certificate_id)
        self._claims = select(*_CLAIM_COLS).select_from(joined)
        self._claim_by_id = self._claims.where(CL.c.claim_id == bindparam("id"))
        self._retirement_by_id = select(RT).where(RT.c.retirement_id == bindparam("id"))

    def _all(self, q, **params) -> list:
        with self.engine.connect() as c:
            return c.execute(q, params).all()

    def bound_chain_id(self) -> int | None:
        """The chain id the index is bound to (recorded by the indexer), None before it ran."""
        rows = self._all(select(M.c.value).where(M.c.key == "deployment"))
        return json.loads(rows[0][0]).get("chain_id") if rows else None

    def claim(self, claim_id: int) -> dict | None:
        rows = self._all(self._claim_by_id, id=claim_id)
        return claim_json(rows[0]) if rows else None

    def claims_of_certificate(self, cert_id: int) -> list[dict]:
        q = self._claims.where(CL.c.certificate_id == cert_id).order_by(CL.c.claim_id)
        return [claim_json(r) for r in self._all(q)]

    def retirement(self, retirement_id: int) -> dict | None:
        rows = self._all(self._retirement_by_id, id=retirement_id)
        return retirement_json(rows[0]) if rows else None

    def claims_for(self, beneficiary: str, limit: int = 200) -> list[dict]:
        q = self._claims.where(CL.c.beneficiary == beneficiary).order_by(
            CL.c.claim_id.desc()).limit(limit)
        return [claim_json(r) for r in self._all(q)]

    def retirements_for(self, beneficiary: str, limit: int = 200) -> list[dict]:
        q = select(RT).where(RT.c.beneficiary == beneficiary).order_by(
            RT.c.retirement_id.desc()).limit(limit)
        return [retirement_json(r) for r in self._all(q)]

    def beneficiary_totals(self, beneficiary: str) -> dict:
        """What ``beneficiary`` may count: claimed energy and carbon (all claims, and those
        whose certificate is still valid), retired credits. Exact integer sums."""
        joined = CL.outerjoin(C, C.c.certificate_id == CL.c.certificate_id)
        valid = func.coalesce(C.c.revoked, False).is_(False)
        with self.engine.connect() as c:
            n, e, cg = c.execute(select(func.count(), usum(CL.c.energy_mj),
                                        usum(CL.c.carbon_mg)).select_from(joined)
                                 .where(CL.c.beneficiary == beneficiary)).one()
            nv, ev, cv = c.execute(select(func.count(), usum(CL.c.energy_mj),
                                          usum(CL.c.carbon_mg)).select_from(joined)
                                   .where(and_(CL.c.beneficiary == beneficiary, valid))).one()
            amounts = c.execute(select(RT.c.amount_units)
                                .where(RT.c.beneficiary == beneficiary)).scalars().all()
        return {
            "beneficiary": beneficiary, "claim_count": n, "claimed_energy_mj": int(e or 0),
            "claimed_carbon_mg": int(cg or 0), "valid_claim_count": nv,
            "valid_claimed_energy_mj": int(ev or 0), "valid_claimed_carbon_mg": int(cv or 0),
            "revoked_claim_count": n - nv, "retirement_count": len(amounts),
            "retired_units": str(sum(int(a) for a in amounts)),
        }
