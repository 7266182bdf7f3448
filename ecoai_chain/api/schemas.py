"""Response shapes for the OpenAPI document (documentation and schema-conformance tests).

Routes return plain dicts/JSON built by `queries`; these models describe them. uint256 values
that can exceed 2^53 (work, reward and credit units, Merkle roots) are decimal strings; every
other integer is an exact JSON integer (never a float), however large the chain made it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Error(BaseModel):
    error: str
    field: str | None = None


class NodeOut(BaseModel):
    """A registered node (units in the field names: _mw milliwatts, _mj millijoules, _mg mg
    CO2e)."""

    model_config = ConfigDict(use_attribute_docstrings=True)
    node_id: int
    """GreenProof node id (from 1)"""
    operator: str
    """the operator address (registers the node, owns its bond and its debt)"""
    attestor: str
    """the attestor address signing its certificates now"""
    region: str
    """grid region code (display text)"""
    max_power_mw: int
    """registered max power, milliwatts"""
    metadata_uri: str
    """display text: invalid UTF-8 replaced, NUL shown as U+2400"""
    metadata_uri_hex: str
    """the exact bytes registered, 0x-hex"""
    status: str
    """pending | active | suspended | retired (or the raw code)"""
    status_reason: str
    """reason given with the last status change"""
    registered_block: int
    """block of its NodeRegistered event"""
    registered_tx: str
    """transaction of its registration"""
    certificate_count: int
    """unrevoked certificates"""
    avg_eco_score: int
    """mean Eco Score of those, 0-100"""
    energy_mj: int
    """their energy, millijoules"""
    carbon_mg: int
    """their carbon, mg CO2e"""
    avoided_mg: int
    """their avoided carbon, mg CO2e"""


class CertificateOut(BaseModel):
    certificate_id: int
    node_id: int
    region: str
    epoch_start_s: int
    window_s: int | None
    slot_count: int | None
    root: str
    energy_mj: int
    work: str
    carbon_mg: int
    intensity_mg_per_kwh: int
    max_power_mw: int | None
    eco_score: int
    reward_units: str
    avoided_mg: int
    workload_class: str  # display text (see NodeOut.metadata_uri)
    workload_class_hex: str  # the bytes32 the attestor signed
    revoked: bool
    revoked_reason: str | None
    block_number: int
    block_time_s: int
    tx_hash: str
    log_index: int


class NodePage(BaseModel):
    items: list[NodeOut]
    next_cursor: str | None


class CertificatePage(BaseModel):
    items: list[CertificateOut]
    next_cursor: str | None


class ProofOut(BaseModel):
    certificate_id: int
    tx_hash: str
    available: bool
    unavailable_reason: str | None = None  # e.g. relayed: not a direct call to GreenProof
    proof_solidity: dict | None = None
    proof_snarkjs: dict | None = None
    public_signals: list[str] | None = None
    public_signals_named: dict[str, str] | None = None
    signature: str | None = None


class CheckOut(BaseModel):
    name: str
    ok: bool
    detail: str


class NotRunOut(BaseModel):
    name: str
    detail: str


class VerifyOut(BaseModel):
    """The checks of `ecoai verify` on the indexed evidence; ``valid``: every check that ran
    passed (``not_run``: what needs a chain RPC, with the command that runs it)."""
    certificate_id: int
    tx_hash: str
    valid: bool
    engine: str
    evidence: str
    checks: list[CheckOut]
    not_run: list[NotRunOut]
    global_checks: list[CheckOut]
    global_not_run: list[NotRunOut]


class MeasurementOut(BaseModel):
    """How a certificate's energy was measured, as its attestor signed it (issue 18)."""

    certificate_id: int
    signed_by: str
    covered_by_proof: bool
    note: str
    counter_exact_ppm: int
    counter_exact_share: str
    energy_mj: int
    energy_mj_by_method: dict[str, int]
    windows_by_method: dict[str, int]
    flagged_windows: dict[str, int]
    estimated_windows: int
    max_abs_counter_power_diff_ppm: int | None
    max_counter_update_period_ms: int | None
    windows_by_attribution: dict[str, int]
    attributed_energy_mj: int | None
    received_s: int
    document: dict[str, Any]


class BalanceOut(BaseModel):
    address: str
    balance_units: str
    decimals: int


class SupplyOut(BaseModel):
    total_supply_units: str
    decimals: int


class TransferOut(BaseModel):
    model_config = {"populate_by_name": True}
    from_: str = Field(alias="from")
    to: str
    value_units: str
    block_number: int
    block_time_s: int
    tx_hash: str
    log_index: int


class Items(BaseModel):
    items: list[dict[str, Any]]


class TransferPage(BaseModel):
    items: list[TransferOut]
    next_cursor: str | None


class ProposalVotes(BaseModel):
    model_config = {"populate_by_name": True}
    for_: str = Field(alias="for")  # EcoCredit units, decimal
    against: str
    abstain: str


class ProposalAction(BaseModel):
    contract: str
    target: str
    function: str
    signature: str
    action: str | None  # the `ecoai dao` action it matches
    args: list[dict[str, Any]]
    calldata: str
    text: str
    value_wei: str


class ProposalOut(BaseModel):
    proposal_id: str  # uint256, decimal
    proposer: str
    description: str
    description_hash: str
    state: str  # Pending Active Canceled Defeated Succeeded Queued Executed
    snapshot_s: int
    deadline_s: int
    eta_s: int | None
    as_of_s: int  # the indexed head's block time the state is computed at
    votes: ProposalVotes
    vote_count: int
    quorum_units: str
    quorum_reached: bool
    actions: list[ProposalAction]
    created: dict[str, Any]
    queued_tx: str | None
    executed_tx: str | None
    canceled_tx: str | None
    canceled_by: str | None  # governor | timelock (the guardian)


class ProposalPage(BaseModel):
    items: list[ProposalOut]
    next_cursor: str | None


class VoteOut(BaseModel):
    voter: str
    support: str
    weight_units: str
    reason: str
    block_number: int
    block_time_s: int
    tx_hash: str


class ProposalDetailOut(ProposalOut):
    vote_list: list[VoteOut]
    revoked_certificates: list[int]


def doc(model: type[BaseModel] | None, *statuses: int) -> dict:
    """``responses=`` for a route: its 200 body and our error body for the given statuses."""
    out: dict = {422: {"model": Error, "description": "invalid input; `field` names it"}}
    if model is not None:
        out[200] = {"model": model}
    for s in statuses:
        out[s] = {"model": Error}
    return out
