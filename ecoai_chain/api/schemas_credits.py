"""Response shapes of what backs Eco Credits (issue 13): a certificate's reward state and an
operator's record (`api.credit_queries`). EcoCredit units: 1 ECO = 1e18 units = 1 kg CO2e
avoided, decimal strings (they exceed 2^53); bonds in wei of the chain's native currency,
likewise decimal strings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ecoai_chain.api.schemas import CertificateOut, NodeOut
from ecoai_chain.core.credits import CREDIT_STATES

_UNITS = "EcoCredit units as a decimal string (1 ECO = 1e18 units)"
_WEI = "wei of the chain's native currency, as a decimal string"


class CertificateCreditsOut(BaseModel):
    state: str = Field(description="where the reward stands: one of " + ", ".join(CREDIT_STATES)
                       + " (escrowed: locked until release_at_s; held: a challenge holds the "
                       "release; cancelled: revoked in escrow, never minted)")
    reward_units: str = Field(description="the certificate's full reward, " + _UNITS)
    release_at_s: int | None = Field(description="when the reward can be released (unix s; "
                                     "the CertificateSubmitted record's releaseAt), None if "
                                     "not indexed")
    released_at_s: int | None = Field(description="block time of the release (unix s), None "
                                      "while unreleased")
    minted_units: str | None = Field(description="minted to the operator at release, " + _UNITS)
    withheld_units: str | None = Field(description="kept against the operator's debt at "
                                       "release, " + _UNITS)
    cancelled_units: str | None = Field(description="cancelled by a revocation in escrow, "
                                        + _UNITS)
    clawed_back_units: str | None = Field(description="burnt from the operator by a revocation "
                                          "after release, " + _UNITS)
    debt_units: str | None = Field(description="added to the operator's debt by that "
                                   "revocation (released minus clawed back), " + _UNITS)
    held: bool = Field(description="an open challenge holds the release")
    baseline_ng_per_work: int | None = Field(description="baseline in force at the epoch "
                                             "start, ng CO2e per work unit")
    ceiling_work_per_kwh: int | None = Field(description="efficiency ceiling in force at the "
                                             "epoch start as scheduled before the "
                                             "certificate, work units per kWh")
    epoch_length_s: int | None = Field(description="epoch length, s (window x slots)")
    bound_units: str | None = Field(description="the most a certificate of this node, class "
                                    "and epoch can earn: ceil((baseline x ceiling - 1e6 x "
                                    "intensity) x max power x epoch length / 3.6e15) x 1e12, "
                                    + _UNITS)


class CertificateDetailOut(CertificateOut):
    credits: CertificateCreditsOut


class BondOut(BaseModel):
    locked_wei: str = Field(description="locked at registration and by top-ups, " + _WEI)
    slashed_wei: str = Field(description="slashed to the treasury by revocations, " + _WEI)
    returned_wei: str = Field(description="returned to the operator after retirement, " + _WEI)
    current_wei: str = Field(description="held now: locked - slashed - returned, " + _WEI)


class OperatorNodeOut(NodeOut):
    bond: BondOut


class SlashOut(BaseModel):
    node_id: int = Field(description="the node whose bond was slashed")
    certificate_id: int = Field(description="the revoked certificate that slashed it")
    slashed_wei: str = Field(description="taken from the bond, " + _WEI)
    treasury: str | None = Field(description="where it went (the treasury, or the "
                                 "ChallengeManager, which shares it with the challenger)")
    block_number: int = Field(description="block of the BondSlashed event")
    block_time_s: int = Field(description="its block time, unix s")
    tx_hash: str = Field(description="its transaction")


class DebtEventOut(BaseModel):
    kind: str = Field(description="revoked (adds debt), withheld (paid from a release) or "
                      "debt_repaid (paid by repayDebt)")
    certificate_id: int | None = Field(description="the certificate, if any")
    units: str = Field(description="debt added or paid, " + _UNITS)
    debt_after_units: str = Field(description="the operator's debt after it, " + _UNITS)
    block_number: int = Field(description="block of the event")
    tx_hash: str = Field(description="its transaction")


class OperatorRewardsOut(BaseModel):
    escrowed_units: str = Field(description="in escrow now (not yet released or cancelled), "
                                + _UNITS)
    released_units: str = Field(description="released in all (minted + withheld), " + _UNITS)
    minted_units: str = Field(description="minted to the operator, " + _UNITS)
    withheld_units: str = Field(description="withheld against its debt, " + _UNITS)
    cancelled_units: str = Field(description="cancelled by revocations in escrow, " + _UNITS)
    clawed_back_units: str = Field(description="burnt back by revocations after release, "
                                   + _UNITS)


class OperatorOut(BaseModel):
    operator: str = Field(description="the operator address (checksummed)")
    debt_units: str = Field(description="debt now, replayed from the events (revocations "
                            "after release add, withholdings and repayments pay), " + _UNITS)
    in_debt: bool = Field(description="debt > 0: it cannot register or activate nodes")
    rewards: OperatorRewardsOut
    bond_wei: str = Field(description="bonds held now over all its nodes, " + _WEI)
    nodes: list[OperatorNodeOut]
    slashes: list[SlashOut]
    debt_events: list[DebtEventOut]
