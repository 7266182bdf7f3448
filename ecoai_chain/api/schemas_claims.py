"""Response shapes of the claims routes (the granular export's are in reports/granular.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ecoai_chain.reports.granular import ClaimRecord


class ClaimOut(ClaimRecord):
    """A claim as indexed: the export's claim fields (reports/granular.py) plus the event."""

    purpose_hex: str = Field(description="the exact purpose bytes (keccak256 is on chain)")
    block_time_s: int = Field(description="block time of the claim, unix seconds")
    log_index: int = Field(description="log index of the CertificateClaimed event")


class RetirementOut(BaseModel):
    retirement_id: int = Field(description="EcoCredit retirement id")
    holder: str = Field(description="whose credits were burnt")
    beneficiary: str = Field(description="who may count the retired credits")
    amount_units: str = Field(description="credits burnt, EcoCredit units as a decimal string "
                              "(1 ECO = 1e18 units = 1 kg CO2e avoided)")
    purpose: str = Field(description="purpose text (display)")
    purpose_hex: str = Field(description="the exact purpose bytes (keccak256 is on chain)")
    status: str = Field(description="always 'retired' (a retirement cannot be undone)")
    block_number: int = Field(description="block of the retirement")
    block_time_s: int = Field(description="block time of the retirement, unix seconds")
    tx_hash: str = Field(description="transaction of the retirement")
    log_index: int = Field(description="log index of the CreditsRetired event")


class BeneficiaryOut(BaseModel):
    beneficiary: str = Field(description="the address (checksummed)")
    claim_count: int = Field(description="claims for the beneficiary")
    claimed_energy_mj: int = Field(description="energy of all its claims, millijoules")
    claimed_carbon_mg: int = Field(description="carbon of all its claims, mg CO2e")
    valid_claim_count: int = Field(description="claims whose certificate is not revoked")
    valid_claimed_energy_mj: int = Field(description="energy of those, millijoules")
    valid_claimed_carbon_mg: int = Field(description="carbon of those, mg CO2e")
    revoked_claim_count: int = Field(description="claims whose certificate was revoked since")
    retirement_count: int = Field(description="retirements for the beneficiary")
    retired_units: str = Field(description="credits retired for it, EcoCredit units (decimal)")
    claims: list[ClaimOut] = Field(description="its latest 200 claims, newest first")
    retirements: list[RetirementOut] = Field(description="its latest 200 retirements")
