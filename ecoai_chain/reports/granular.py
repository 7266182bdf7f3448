"""Granular certificates: a certificate (or one claim of it) as an export, shaped after
EnergyTag's Granular Certificate Scheme Standard.

EnergyTag's granular certificates (GCs) are time-stamped energy attribute certificates; the
attributes the scheme lists for each are, among others: a unique id, the energy carrier, the
production interval (at most one hour), the issuance time-stamp, the issuer's identity, the
production device (id, name, capacity), the country/region, the volume in Wh rounded down to a
whole Wh, and the certificate's status (active, cancelled for a beneficiary). EcoAI Chain
certifies *consumption* by a compute device (not production), with its location-based carbon, so
the export keeps the GC's shape and says so in ``attribute``: interval = the epoch (and the
windows that were opened), device = the node (id, registered max power), issuer = the chain id
and the GreenProof contract, region = the grid zone with the intensity basis (location-based, the
bundled dataset and its year), status = claimed / unclaimed / revoked with each claim's
beneficiary.

Every figure is an exact integer in the unit its name carries; ``energy_wh`` is floored to a
whole Wh as EnergyTag requires (``energy_mj`` keeps the exact figure). Pure: the caller passes
the indexed rows and the dataset row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

MJ_PER_WH = 3_600_000
SCHEME = "EcoAI Chain granular certificate v1 (after the EnergyTag GC Scheme Standard)"


def _iso(ts_s: int) -> str:
    return datetime.fromtimestamp(ts_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Interval(BaseModel):
    start_s: int = Field(description="start of the interval, unix seconds (UTC)")
    end_s: int = Field(description="end of the interval (exclusive), unix seconds (UTC)")
    start_utc: str = Field(description="start as ISO 8601 UTC")
    end_utc: str = Field(description="end as ISO 8601 UTC")
    duration_s: int = Field(description="end - start, seconds (an EnergyTag GC is <= 3600 s)")


class WindowOut(BaseModel):
    slot: int = Field(description="slot index in the epoch (0-based)")
    interval: Interval = Field(description="the window's time interval")
    energy_mj: int = Field(description="energy of the window, millijoules (as opened)")
    energy_wh: int = Field(description="energy of the window, watt-hours, floored")


class IntensityBasis(BaseModel):
    value_mg_per_kwh: int = Field(description="grid intensity the certificate used (a public "
                                  "input of the proof, equal to GreenProof's on-chain table at "
                                  "the epoch start), mg CO2e per kWh")
    basis: str = Field(description="GHG Protocol scope 2 method: always 'location-based'")
    dataset: str | None = Field(description="source of the bundled grid-intensity dataset row "
                                "for the zone (ecoai_chain/carbon/data), None when the zone "
                                "has no bundled row")
    dataset_url: str | None = Field(description="where that dataset is published")
    dataset_year: int | None = Field(description="the year the dataset figure is for")
    dataset_value_mg_per_kwh: int | None = Field(description="the dataset's figure for the "
                                                 "zone, mg CO2e per kWh (the DAO's on-chain "
                                                 "value may differ; the certificate uses that)")


class Issuer(BaseModel):
    chain_id: int | None = Field(description="EIP-155 chain id of the issuing chain")
    contract: str | None = Field(description="GreenProof contract address (the issuer)")
    claims_contract: str | None = Field(description="CertificateClaims contract address")
    block_number: int = Field(description="block in which the certificate was issued")
    tx_hash: str = Field(description="transaction that issued it")
    issued_at_s: int = Field(description="issuance time-stamp: the block time, unix seconds")
    issued_at_utc: str = Field(description="issuance time-stamp, ISO 8601 UTC")


class Device(BaseModel):
    node_id: int = Field(description="GreenProof node id of the consuming device")
    operator: str | None = Field(description="the node operator's address")
    max_power_mw: int | None = Field(description="registered maximum power (capacity), mW")
    metadata_uri: str | None = Field(description="operator-supplied description of the node")


class ClaimFacts(BaseModel):
    """What every view of one claim states (the certificate's list, the export, the API)."""

    claim_id: int = Field(description="CertificateClaims claim id")
    beneficiary: str = Field(description="address that may count this energy and carbon")
    energy_mj: int = Field(description="claimed energy, millijoules")
    carbon_mg: int = Field(description="claimed carbon, mg CO2e (rule: core/claims.py)")
    purpose: str = Field(description="the purpose the claimant gave (display; invalid UTF-8 "
                         "replaced; its keccak256 is on chain)")
    is_final: bool = Field(description="this claim took the certificate's last energy")
    status: str = Field(description="'claimed', or 'claimed, certificate revoked since'")


class ClaimRecord(ClaimFacts):
    """A claim on its own: which certificate, who claimed, whether that was revoked since, and
    the transaction (the API's claim JSON and the export's `GranularClaim`)."""

    certificate_id: int = Field(description="the claimed certificate")
    claimant: str = Field(description="who made the claim (operator or an address it named)")
    certificate_revoked: bool = Field(description="the certificate was revoked after the claim")
    certificate_revoked_reason: str | None = Field(description="the DAO's reason, if revoked")
    block_number: int = Field(description="block of the claim")
    tx_hash: str = Field(description="transaction of the claim")


class ClaimRef(ClaimFacts):
    energy_wh: int = Field(description="claimed energy, watt-hours, floored")
    claimed_at_s: int = Field(description="block time of the claim, unix seconds")


class GranularCertificate(BaseModel):
    scheme: str = Field(description="name and version of this export's shape")
    certificate_id: int = Field(description="unique id: the GreenProof certificate id")
    energy_carrier: str = Field(description="always 'electricity'")
    attribute: str = Field(description="what is certified: electricity consumed by the device "
                           "(EnergyTag GCs certify production; this is its consumption twin)")
    interval: Interval = Field(description="the epoch the certificate covers")
    window_s: int | None = Field(description="window length, seconds (None if not indexed)")
    slot_count: int | None = Field(description="windows in the epoch")
    windows: list[WindowOut] = Field(description="windows whose values were opened publicly "
                                     "(each proves against the certificate's Merkle root); the "
                                     "others stay committed, covered by the proof's totals")
    energy_mj: int = Field(description="energy consumed in the interval, millijoules (exact)")
    energy_wh: int = Field(description="energy consumed, watt-hours, floored (the GC volume)")
    carbon_mg: int = Field(description="location-based emissions, mg CO2e = floor(energy_mj x "
                           "intensity / 3.6e9)")
    grid_zone: str = Field(description="grid zone (bytes32 region code of the node)")
    grid_zone_name: str | None = Field(description="the zone's name in the bundled dataset")
    intensity: IntensityBasis = Field(description="grid intensity and its basis")
    issuer: Issuer = Field(description="who issued the certificate, where and when")
    device: Device = Field(description="the consuming device")
    status: str = Field(description="'revoked' (with reason), 'claimed' (in full), "
                        "'partly claimed' or 'unclaimed'")
    revoked: bool = Field(description="GreenProof revoked the certificate")
    revoked_reason: str | None = Field(description="the DAO's reason, when revoked")
    claimed_energy_mj: int = Field(description="sum of the claims' energy, millijoules")
    claimed_carbon_mg: int = Field(description="sum of the claims' carbon, mg CO2e")
    unclaimed_energy_mj: int = Field(description="energy not claimed yet, millijoules")
    claims: list[ClaimRef] = Field(description="every claim of the certificate, in order")


class GranularClaim(ClaimRecord):
    energy_wh: int = Field(description="claimed energy, watt-hours, floored")
    claimed_at_s: int = Field(description="block time of the claim, unix seconds")
    certificate: GranularCertificate = Field(description="the certificate the claim is part of")


def _claim_ref(c: dict) -> ClaimRef:
    return ClaimRef(claim_id=c["claim_id"], beneficiary=c["beneficiary"],
                    energy_mj=c["energy_mj"], energy_wh=c["energy_mj"] // MJ_PER_WH,
                    carbon_mg=c["carbon_mg"], purpose=c["purpose"], is_final=c["is_final"],
                    status=c["status"], claimed_at_s=c["block_time_s"])


def _interval(start_s: int, end_s: int) -> Interval:
    return Interval(start_s=start_s, end_s=end_s, start_utc=_iso(start_s), end_utc=_iso(end_s),
                    duration_s=end_s - start_s)


def granular_certificate(cert: dict, node: dict | None, claims: Sequence[dict],
                         dataset_row: Any | None, chain_id: int | None,
                         green_proof: str | None, claims_contract: str | None,
                         epoch_length_s: int | None = None,
                         openings: Iterable[dict] = ()) -> GranularCertificate:
    """The export of ``cert`` (the API's certificate JSON) with its node, claims (the API's
    claim JSON, in id order), the bundled dataset row for its region (or None) and the issuer.
    ``openings``: {"slot", "energy_mj"} of windows opened publicly."""
    window_s, slots = cert.get("window_s"), cert.get("slot_count")
    length = (window_s * slots if window_s and slots else epoch_length_s) or 0
    start = cert["epoch_start_s"]
    windows = [WindowOut(slot=o["slot"], interval=_interval(start + o["slot"] * window_s,
                                                            start + (o["slot"] + 1) * window_s),
                         energy_mj=o["energy_mj"], energy_wh=o["energy_mj"] // MJ_PER_WH)
               for o in openings if window_s]
    claimed_mj = sum(c["energy_mj"] for c in claims)
    claimed_mg = sum(c["carbon_mg"] for c in claims)
    if cert["revoked"]:
        status = "revoked"
    elif claims and any(c["is_final"] for c in claims):
        status = "claimed"
    else:
        status = "partly claimed" if claims else "unclaimed"
    return GranularCertificate(
        scheme=SCHEME, certificate_id=cert["certificate_id"], energy_carrier="electricity",
        attribute="consumption", interval=_interval(start, start + length), window_s=window_s,
        slot_count=slots, windows=windows, energy_mj=cert["energy_mj"],
        energy_wh=cert["energy_mj"] // MJ_PER_WH, carbon_mg=cert["carbon_mg"],
        grid_zone=cert["region"], grid_zone_name=getattr(dataset_row, "name", None),
        intensity=IntensityBasis(
            value_mg_per_kwh=cert["intensity_mg_per_kwh"], basis="location-based",
            dataset=getattr(dataset_row, "source", None),
            dataset_url=getattr(dataset_row, "source_url", None),
            dataset_year=getattr(dataset_row, "year", None),
            dataset_value_mg_per_kwh=getattr(dataset_row, "mg_per_kwh", None)),
        issuer=Issuer(chain_id=chain_id, contract=green_proof, claims_contract=claims_contract,
                      block_number=cert["block_number"], tx_hash=cert["tx_hash"],
                      issued_at_s=cert["block_time_s"], issued_at_utc=_iso(cert["block_time_s"])),
        device=Device(node_id=cert["node_id"], operator=(node or {}).get("operator"),
                      max_power_mw=cert.get("max_power_mw") or (node or {}).get("max_power_mw"),
                      metadata_uri=(node or {}).get("metadata_uri")),
        status=status, revoked=cert["revoked"], revoked_reason=cert.get("revoked_reason"),
        claimed_energy_mj=claimed_mj, claimed_carbon_mg=claimed_mg,
        unclaimed_energy_mj=cert["energy_mj"] - claimed_mj,
        claims=[_claim_ref(c) for c in claims])


def granular_claim(claim: dict, certificate: GranularCertificate) -> GranularClaim:
    return GranularClaim(
        claim_id=claim["claim_id"], certificate_id=claim["certificate_id"],
        beneficiary=claim["beneficiary"], claimant=claim["claimant"], purpose=claim["purpose"],
        energy_mj=claim["energy_mj"], energy_wh=claim["energy_mj"] // MJ_PER_WH,
        carbon_mg=claim["carbon_mg"], is_final=claim["is_final"], status=claim["status"],
        certificate_revoked=claim["certificate_revoked"],
        certificate_revoked_reason=claim["certificate_revoked_reason"],
        claimed_at_s=claim["block_time_s"], block_number=claim["block_number"],
        tx_hash=claim["tx_hash"], certificate=certificate)


# One CSV row per claim, plus one per certificate for its unclaimed rest (beneficiary empty):
# the energy and carbon columns of a certificate's rows sum to the certificate's.
CSV_COLUMNS = ("certificate_id", "claim_id", "interval_start_utc", "interval_end_utc",
               "energy_mj", "energy_wh", "carbon_mg", "grid_zone", "intensity_mg_per_kwh",
               "intensity_basis", "dataset", "dataset_year", "issuer_chain_id",
               "issuer_contract", "node_id", "max_power_mw", "status", "beneficiary",
               "purpose")


def csv_rows(gc: GranularCertificate) -> list[dict]:
    base = {"certificate_id": gc.certificate_id, "interval_start_utc": gc.interval.start_utc,
            "interval_end_utc": gc.interval.end_utc, "grid_zone": gc.grid_zone,
            "intensity_mg_per_kwh": gc.intensity.value_mg_per_kwh,
            "intensity_basis": gc.intensity.basis, "dataset": gc.intensity.dataset or "",
            "dataset_year": gc.intensity.dataset_year or "",
            "issuer_chain_id": gc.issuer.chain_id or "",
            "issuer_contract": gc.issuer.contract or "",
            "node_id": gc.device.node_id, "max_power_mw": gc.device.max_power_mw or ""}
    rows = [{**base, "claim_id": c.claim_id, "energy_mj": c.energy_mj, "energy_wh": c.energy_wh,
             "carbon_mg": c.carbon_mg, "status": "revoked" if gc.revoked else c.status,
             "beneficiary": c.beneficiary, "purpose": c.purpose} for c in gc.claims]
    rest_mj = gc.unclaimed_energy_mj
    if rest_mj or not gc.claims:
        rows.append({**base, "claim_id": "", "energy_mj": rest_mj,
                     "energy_wh": rest_mj // MJ_PER_WH,
                     "carbon_mg": gc.carbon_mg - gc.claimed_carbon_mg,
                     "status": "revoked" if gc.revoked else "unclaimed", "beneficiary": "",
                     "purpose": ""})
    return rows


def to_csv(certs: Iterable[GranularCertificate]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for gc in certs:
        w.writerows(csv_rows(gc))
    return buf.getvalue()
