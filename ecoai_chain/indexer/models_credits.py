"""The index's Eco Credits tables (issue 13): what happened to each reward (escrowed, released,
withheld against debt, cancelled), operators' debt repayments, node bonds (locked, slashed,
returned), release holds (a challenge open against a vesting certificate) and the DAO's
parameter schedules (ParameterScheduled, with effectiveFrom). Event
history like the other event tables: removed by a reorg, amounts stored exactly as `UInt`.

`CREDIT_ROWS` maps each event to (table, row without block/tx/log) for indexer/store.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, String
from sqlmodel import Field

from ecoai_chain.indexer.models import EventRow, T, TimedEventRow, _text, _uint, log_key

# IGreenProof.Param in the contract's order (ecoai_chain/chain/client_credits.Param)
PARAM_NAMES = ("region_intensity", "baseline", "efficiency_ceiling", "submission_deadline",
               "challenge_window", "bond_per_mw", "slash_share")
PARAM_UNITS = ("mg CO2e/kWh", "ng CO2e/work", "work/kWh", "s", "s", "wei/MW", "bps")


class CreditEvent(TimedEventRow, table=True):
    """One reward, debt or bond event. ``kind``: escrowed (units = reward, release_at_s; from
    CertificateSubmitted's record, `escrowed_row`),
    released (units = minted, extra_units = withheld), withheld (units = withheld,
    extra_units = operator's remaining debt), cancelled (units = reward), debt_repaid (units,
    extra_units = remaining debt, counterparty = payer), bond_locked / bond_returned (units =
    wei), bond_slashed (units = wei, counterparty = treasury), held / hold_lifted (units = 0:
    a challenge holds the certificate's release, or no longer does). Units: EcoCredit units
    (1e18 = 1 ECO) for rewards and debt, wei for bonds."""

    __tablename__ = "credit_events"
    __table_args__ = (log_key("uq_credit_events_log"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    certificate_id: int | None = Field(default=None, sa_column=_uint(index=True))
    node_id: int | None = Field(default=None, sa_column=_uint(index=True))
    operator: str | None = Field(default=None, sa_column=Column(String(42), index=True))
    counterparty: str | None = Field(default=None, max_length=42)
    units: int = Field(sa_column=_uint(nullable=False))
    extra_units: int | None = Field(default=None, sa_column=_uint())
    release_at_s: int | None = Field(default=None, sa_column=_uint())


class ParameterChange(EventRow, table=True):
    """A ParameterScheduled event: from ``effective_from_s`` on, ``param`` of ``key`` (region,
    workload class, or empty for the global ones) is ``value`` (unit: PARAM_UNITS)."""

    __tablename__ = "parameter_schedule"
    __table_args__ = (log_key("uq_param_schedule_log"),)
    id: int | None = Field(default=None, primary_key=True)
    param: int = Field(sa_column=_uint(nullable=False, index=True))
    param_name: str = Field(max_length=32)
    key: str = Field(sa_column=_text(nullable=False, index=True))  # decoded text, hostile-safe
    key_hex: str = Field(sa_column=Column(String(66), nullable=False))
    value: int = Field(sa_column=_uint(nullable=False))
    effective_from_s: int = Field(sa_column=_uint(nullable=False))


T.update({m: m.__table__ for m in (CreditEvent, ParameterChange)})
CREDIT_TABLES = (CreditEvent, ParameterChange)


def _credit(kind: str, *, units: str | None, extra: str | None = None,
            counterparty: str | None = None, release_at: str | None = None
            ) -> Callable[[Any, int], tuple[type, dict]]:
    """A CreditEvent row builder: ``units`` etc. name the event's arguments (None: absent)."""
    def arg(a: Any, name: str | None, default: int | None = None) -> Any:
        return a[name] if name else default

    def row(a: Any, block_time_s: int) -> tuple[type, dict]:
        return CreditEvent, {
            "kind": kind, "certificate_id": a.get("certificateId"), "node_id": a.get("nodeId"),
            "operator": a.get("operator"), "counterparty": arg(a, counterparty),
            "units": arg(a, units, 0), "extra_units": arg(a, extra),
            "release_at_s": arg(a, release_at), "block_time_s": block_time_s}
    return row


def escrowed_row(submitted: Any, operator: str | None, block_time_s: int) -> dict:
    """The "escrowed" row of a CertificateSubmitted event (``submitted``: its args): its
    record's reward, in escrow until the record's releaseAt, for the node's ``operator``
    (None when the index does not know the node). GreenProof emits nothing else for it
    (issue 16 stage E); without block/tx/log like `credit_rows`' rows."""
    rec = submitted["record"]
    return {"kind": "escrowed", "certificate_id": submitted["certificateId"],
            "node_id": submitted["nodeId"], "operator": operator, "counterparty": None,
            "units": rec["rewardUnits"], "extra_units": None, "release_at_s": rec["releaseAt"],
            "block_time_s": block_time_s}


def _scheduled(bytes32_text: Callable[[str], str]) -> Callable[[Any, int], tuple[type, dict]]:
    def row(a: Any, _t: int) -> tuple[type, dict]:
        p = a["param"]
        return ParameterChange, {
            "param": p, "param_name": PARAM_NAMES[p] if p < len(PARAM_NAMES) else f"param {p}",
            "key": bytes32_text(a["key"]), "key_hex": a["key"], "value": a["value"],
            "effective_from_s": a["effectiveFrom"]}
    return row


def credit_rows(bytes32_text: Callable[[str], str]) -> dict[str, Callable]:
    """GreenProof's Eco Credits events -> (table, row without block/tx/log)."""
    return {
        "RewardReleased": _credit("released", units="mintedUnits", extra="withheldUnits"),
        "RewardWithheld": _credit("withheld", units="withheldUnits", extra="remainingDebtUnits"),
        "RewardCancelled": _credit("cancelled", units="rewardUnits"),
        "DebtRepaid": _credit("debt_repaid", units="units", extra="remainingDebtUnits",
                              counterparty="payer"),
        "BondLocked": _credit("bond_locked", units="bondWei"),
        "BondSlashed": _credit("bond_slashed", units="slashedWei", counterparty="treasury"),
        "BondReturned": _credit("bond_returned", units="bondWei"),
        "ReleaseHeld": _credit("held", units=None),
        "ReleaseHoldLifted": _credit("hold_lifted", units=None),
        "ParameterScheduled": _scheduled(bytes32_text),
    }


# The events those rows come from, in one place (the follower asks the node for these topics).
CREDIT_EVENTS = tuple(credit_rows(str))
