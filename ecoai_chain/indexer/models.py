"""Tables the indexer writes and the API reads (sqlmodel; SQLite by default, PostgreSQL by URL).

The tables live on their own metadata (`IndexTable.metadata`), so an index database holds the
index's tables only (the attestor's store keeps its own).

Everything in an event is a stranger's choice as far as the index is concerned: every uint256
quantity and every sum of them is `UInt` (exact beyond 64 bits on both databases), text from
events is unbounded TEXT without NUL (`abi.clean_text`) with its raw bytes kept beside, and
bytes32 codes (region, workload class) are TEXT. Ids and epoch starts are BIGINT (GreenProof's
counters and block times); a log whose id does not fit is quarantined (`QuarantinedLog`).
Every event-derived row is an `EventRow`: it carries (tx_hash, log_index, block_number); the unique
key makes re-applying a block range idempotent, and the block number lets a reorg remove orphaned
rows.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from ecoai_chain.indexer.sqltypes import UInt

_registry = registry()


class IndexTable(SQLModel, registry=_registry):
    """Base of the index's tables: their own registry and metadata, not SQLModel's global."""

    metadata = _registry.metadata


def _big(**kw) -> Column:
    return Column(BigInteger, **kw)


def _uint(**kw) -> Column:
    return Column(UInt, **kw)


def _text(**kw) -> Column:
    return Column(Text, **kw)


class EventRow(IndexTable):
    """The columns every event-derived row ends with (not a table): the log that made it, kept
    unique per table by `log_key` so re-applying a block range is idempotent, and its block
    number, so a reorg can remove the orphaned rows. A table whose rows are looked up by
    transaction re-declares ``tx_hash`` with an index."""

    block_number: int = Field(sa_type=BigInteger, nullable=False, index=True)
    tx_hash: str = Field(max_length=66)
    log_index: int


class TimedEventRow(EventRow):
    """An `EventRow` that also keeps its block's time (for lists by date and the explorer)."""

    block_time_s: int = Field(sa_type=BigInteger, nullable=False)


def log_key(name: str) -> UniqueConstraint:
    """The unique (tx_hash, log_index) of an `EventRow` table, under its historical name."""
    return UniqueConstraint("tx_hash", "log_index", name=name)


class Node(IndexTable, table=True):
    __tablename__ = "nodes"
    node_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    operator: str = Field(max_length=42, index=True)
    attestor: str = Field(max_length=42)
    registered_attestor: str = Field(max_length=42)
    region: str = Field(sa_column=_text(nullable=False, index=True))
    max_power_mw: int = Field(sa_column=_uint())
    metadata_uri: str = Field(sa_column=_text(nullable=False, default=""))
    metadata_uri_raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False, default=b""))
    status: int = 0  # 0 Pending, 1 Active, 2 Suspended
    status_reason: str = Field(sa_column=_text(nullable=False, default=""))
    registered_block: int = Field(sa_column=_big())
    registered_tx: str = Field(max_length=66)
    registered_log_index: int = 0
    certificate_count: int = 0
    score_sum: int = Field(default=0, sa_column=_uint(default=0))
    energy_mj: int = Field(default=0, sa_column=_uint(default=0))
    carbon_mg: int = Field(default=0, sa_column=_uint(default=0))
    avoided_mg: int = Field(default=0, sa_column=_uint(default=0, index=True))
    avg_score: int = Field(default=0, sa_column=_uint(default=0, index=True))


class Certificate(TimedEventRow, table=True):
    __tablename__ = "certificates"
    __table_args__ = (
        log_key("uq_certificates_log"),
        Index("ix_certificates_node_epoch", "node_id", "epoch_start_s"),
        Index("ix_certificates_region_epoch", "region", "epoch_start_s"),
    )
    certificate_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    node_id: int = Field(sa_column=_big(nullable=False))
    region: str = Field(sa_column=_text(nullable=False))
    epoch_start_s: int = Field(sa_column=_big(nullable=False, index=True))
    root: str = Field(sa_column=_text(nullable=False))  # uint256 as decimal text
    energy_mj: int = Field(sa_column=_uint(nullable=False))
    work: str = Field(sa_column=_text(nullable=False))  # decimal text
    carbon_mg: int = Field(sa_column=_uint(nullable=False))
    intensity_mg_per_kwh: int = Field(sa_column=_uint(nullable=False))
    eco_score: int = Field(sa_column=_uint(nullable=False, index=True))
    reward_units: str = Field(sa_column=_text(nullable=False))  # decimal text
    avoided_mg: int = Field(sa_column=_uint(nullable=False))
    workload_class: str = Field(sa_column=_text(nullable=False))  # display text
    workload_class_hex: str = Field(max_length=66)  # the exact bytes32 that was signed
    # From the event's record (CertificateSubmitted carries every member since one storage
    # slot per certificate; nullable for any member a record might lack).
    window_s: int | None = Field(default=None, sa_column=_uint())
    slot_count: int | None = Field(default=None, sa_column=_uint())
    max_power_mw: int | None = Field(default=None, sa_column=_uint())
    # From the submitting transaction's calldata, only when that transaction called GreenProof
    # directly; otherwise None, and `calldata_note` says why ("calldata unavailable: ...").
    proof_json: str | None = Field(default=None, sa_column=_text())
    signature: str | None = Field(default=None, sa_column=_text())
    calldata_note: str | None = Field(default=None, sa_column=_text())
    revoked: bool = False
    revoked_reason: str | None = Field(default=None, sa_column=_text())
    tx_hash: str = Field(max_length=66, index=True)


class Revocation(EventRow, table=True):
    __tablename__ = "revocations"
    __table_args__ = (log_key("uq_revocations_log"),)
    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(sa_column=_big(nullable=False, index=True))
    node_id: int = Field(sa_column=_big(nullable=False))
    reason: str = Field(sa_column=_text(nullable=False))
    reason_raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False, default=b""))
    # EcoCredit units burnt from the operator / added to its debt (both 0 for a revocation in
    # escrow: RewardCancelled says what was cancelled)
    clawed_back_units: int = Field(sa_column=_uint(nullable=False))
    debt_units: int = Field(sa_column=_uint(nullable=False))


class NodeEvent(EventRow, table=True):
    """Status changes and attestor rotations, kept so a reorg can replay a node's state."""

    __tablename__ = "node_events"
    __table_args__ = (log_key("uq_node_events_log"),)
    id: int | None = Field(default=None, primary_key=True)
    node_id: int = Field(sa_column=_big(nullable=False, index=True))
    kind: str = Field(max_length=16)  # "status" | "attestor"
    status: int | None = None  # a uint8
    reason: str | None = Field(default=None, sa_column=_text())
    reason_raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    attestor: str | None = Field(default=None, max_length=42)


class RegionIntensity(EventRow, table=True):
    __tablename__ = "region_intensities"
    __table_args__ = (log_key("uq_region_int_log"),)
    id: int | None = Field(default=None, primary_key=True)
    region: str = Field(sa_column=_text(nullable=False, index=True))
    intensity_mg_per_kwh: int = Field(sa_column=_uint(nullable=False))
    effective_from_s: int = Field(sa_column=_uint(nullable=False))


class BaselineChange(EventRow, table=True):
    """A BaselineSet event: the workload class's baseline from ``effective_from_s`` on, as
    scheduled from this block (kept, not just the latest, so a certificate can be re-scored
    with the baseline in force at its epoch start as the chain saw it at its block)."""

    __tablename__ = "baselines"
    __table_args__ = (log_key("uq_baselines_log"),)
    id: int | None = Field(default=None, primary_key=True)
    workload_class: str = Field(sa_column=Column(Text, nullable=False, index=True))
    baseline_ng_per_work: str = Field(sa_column=_text(nullable=False))  # uint256, decimal text
    effective_from_s: int = Field(sa_column=_uint(nullable=False))


class CreditTransfer(TimedEventRow, table=True):
    __tablename__ = "credit_transfers"
    __table_args__ = (log_key("uq_transfers_log"),)
    id: int | None = Field(default=None, primary_key=True)
    from_address: str = Field(max_length=42, index=True)
    to_address: str = Field(max_length=42, index=True)
    value_units: str = Field(sa_column=_text(nullable=False))  # decimal text
    tx_hash: str = Field(max_length=66, index=True)


class Balance(IndexTable, table=True):
    __tablename__ = "balances"
    address: str = Field(primary_key=True, max_length=42)
    balance_units: str = Field(sa_column=_text(nullable=False))  # decimal text


class DailyAggregate(IndexTable, table=True):
    __tablename__ = "daily_aggregates"
    region: str = Field(sa_column=_text(primary_key=True))
    day: str = Field(primary_key=True, max_length=10)  # YYYY-MM-DD (UTC) of the epoch start
    energy_mj: int = Field(default=0, sa_column=_uint(default=0))
    carbon_mg: int = Field(default=0, sa_column=_uint(default=0))
    avoided_mg: int = Field(default=0, sa_column=_uint(default=0))
    work: str = "0"
    credits_units: str = "0"
    certificate_count: int = 0


class Meta(IndexTable, table=True):
    """Key/value state: checkpoint block, total supply, contract addresses being followed."""

    __tablename__ = "indexer_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class BlockHash(IndexTable, table=True):
    __tablename__ = "block_hashes"
    block_number: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    block_hash: str = Field(max_length=66)


class QuarantinedLog(EventRow, table=True):
    """A log of a followed contract that could not be decoded or stored, kept with its reason
    (and the raw log) instead of halting the indexer; shown by `ecoai indexer status`."""

    __tablename__ = "quarantined_logs"
    __table_args__ = (log_key("uq_quarantined_log"),)
    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=42)
    topic0: str = Field(sa_column=_text(nullable=False))
    reason: str = Field(sa_column=_text(nullable=False))
    raw_json: str = Field(sa_column=_text(nullable=False))


class MeasurementRecord(IndexTable, table=True):
    """How a certificate's energy was measured, as its attestor signed it
    (`ecoai_chain.energy.summary`). Not from an event: the certificate on chain carries no
    method, so the attestor publishes the signed summary to the API (``PUT
    /certificates/{id}/measurement``), which checks it against the indexed certificate (node,
    epoch, root, energy) and the node's attestor at the certificate's block. Kept by the
    certificate's (node, epoch, root) rather than its id, so it stays with the right certificate
    across a reorg."""

    __tablename__ = "measurement_summaries"
    __table_args__ = (UniqueConstraint("node_id", "epoch_start_s", "root",
                                       name="uq_measurement_certificate"),)
    id: int | None = Field(default=None, primary_key=True)
    node_id: int = Field(sa_column=_big(nullable=False))
    epoch_start_s: int = Field(sa_column=_big(nullable=False))
    root: str = Field(max_length=78)
    signer: str = Field(max_length=42)
    counter_exact_ppm: int
    document_hash: str = Field(max_length=64)
    document_json: str = Field(sa_column=_text(nullable=False))
    received_s: int = Field(sa_column=_big(nullable=False))


class Proposal(TimedEventRow, table=True):
    """A ProposalCreated event of the EcoGovernor, with its actions decoded by the action
    table (`dao.actions`) at indexing time. Its state is derived on read (`indexer.governance`)
    from its events, its votes and the indexed head's time, like the Governor's `state()`."""

    __tablename__ = "proposals"
    __table_args__ = (log_key("uq_proposals_log"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(sa_column=_text(nullable=False, index=True))  # uint256, decimal
    proposer: str = Field(max_length=42, index=True)
    description: str = Field(sa_column=_text(nullable=False))
    description_hash: str = Field(max_length=66)
    vote_start_s: int = Field(sa_column=_uint(nullable=False))  # the snapshot (timestamp clock)
    vote_end_s: int = Field(sa_column=_uint(nullable=False))
    actions_json: str = Field(sa_column=_text(nullable=False))  # [dao.actions.Call.to_json()]
    timelock_op_id: str = Field(max_length=66, index=True)  # the operation it queues


class Vote(TimedEventRow, table=True):
    """VoteCast / VoteCastWithParams (support 0 against, 1 for, 2 abstain)."""

    __tablename__ = "votes"
    __table_args__ = (log_key("uq_votes_log"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(sa_column=_text(nullable=False, index=True))
    voter: str = Field(max_length=42, index=True)
    support: int = Field(sa_column=_uint(nullable=False))
    weight_units: str = Field(sa_column=_text(nullable=False))  # uint256, decimal
    reason: str = Field(sa_column=_text(nullable=False, default=""))
    params_hex: str | None = Field(default=None, sa_column=_text())


class ProposalEvent(TimedEventRow, table=True):
    """What happened to proposals after their creation, and the Governor's quorum history:
    kind queued (eta_s), executed, canceled (by the Governor), timelock_cancelled (op_id: the
    guardian cancelled the queued operation in the timelock), quorum (value: the numerator)."""

    __tablename__ = "proposal_events"
    __table_args__ = (log_key("uq_proposal_events_log"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)
    proposal_id: str | None = Field(default=None, sa_column=_text(index=True))
    eta_s: int | None = Field(default=None, sa_column=_uint())
    op_id: str | None = Field(default=None, max_length=66)
    value: str | None = Field(default=None, sa_column=_text())
    tx_hash: str = Field(max_length=66, index=True)


class Challenge(TimedEventRow, table=True):
    """A ChallengeOpened event (contracts/ChallengeManager.sol). What happened since (slots
    drawn, answered, defaulted, voided) is in `ChallengeEvent`, the opened windows in
    `OpenedSlot`; the status is derived on read from those rows (one fact, one place)."""

    __tablename__ = "challenges"
    __table_args__ = (log_key("uq_challenges_log"),)
    challenge_id: int = Field(sa_column=Column(BigInteger, primary_key=True,
                                               autoincrement=False))
    certificate_id: int = Field(sa_column=_big(nullable=False, index=True))
    node_id: int = Field(sa_column=_big(nullable=False, index=True))
    challenger: str = Field(max_length=42, index=True)
    deposit_wei: str = Field(sa_column=_text(nullable=False))  # uint256, decimal text
    randomness_block: int = Field(sa_column=_big(nullable=False))
    deadline_s: int = Field(sa_column=_big(nullable=False))
    open_count: int


class ChallengeEvent(TimedEventRow, table=True):
    """What happened to a challenge: kind drawn (seed, slots), answered (answerer, operator),
    defaulted (slashed, challenger reward, treasury, wei) or voided."""

    __tablename__ = "challenge_events"
    __table_args__ = (log_key("uq_challenge_events_log"),)
    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(sa_column=_big(nullable=False, index=True))
    kind: str = Field(max_length=16)
    data_json: str = Field(sa_column=_text(nullable=False))


class OpenedSlot(EventRow, table=True):
    """A SlotOpened event: one committed window of a certificate revealed on-chain (checked
    against its root by the contract)."""

    __tablename__ = "opened_slots"
    __table_args__ = (log_key("uq_opened_slots_log"),)
    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(sa_column=_big(nullable=False, index=True))
    certificate_id: int = Field(sa_column=_big(nullable=False, index=True))
    slot: int
    energy_mj: int = Field(sa_column=_uint(nullable=False))
    work: int = Field(sa_column=_uint(nullable=False))


class Claim(TimedEventRow, table=True):
    """A CertificateClaimed event (contracts/CertificateClaims.sol): a part (or the whole) of a
    certificate's energy and carbon assigned to a beneficiary. Whether the certificate was
    revoked since is not copied here: it is read from `certificates` (one fact, one place)."""

    __tablename__ = "claims"
    __table_args__ = (log_key("uq_claims_log"),)
    claim_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    certificate_id: int = Field(sa_column=_big(nullable=False, index=True))
    beneficiary: str = Field(max_length=42, index=True)
    claimant: str = Field(max_length=42)
    energy_mj: int = Field(sa_column=_uint(nullable=False))
    carbon_mg: int = Field(sa_column=_uint(nullable=False))
    is_final: bool = False
    purpose: str = Field(sa_column=_text(nullable=False))
    purpose_raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False, default=b""))


class Retirement(TimedEventRow, table=True):
    """A CreditsRetired event (EcoCredit.retire / retireWithPermit): credits burnt for a
    beneficiary (the burn itself is also a Transfer to the zero address)."""

    __tablename__ = "retirements"
    __table_args__ = (log_key("uq_retirements_log"),)
    retirement_id: int = Field(sa_column=Column(BigInteger, primary_key=True,
                                                autoincrement=False))
    holder: str = Field(max_length=42, index=True)
    beneficiary: str = Field(max_length=42, index=True)
    amount_units: str = Field(sa_column=_text(nullable=False))  # uint256, decimal text
    purpose: str = Field(sa_column=_text(nullable=False))
    purpose_raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False, default=b""))


# Every table by model, for SQLAlchemy core statements (``T[Certificate].c.node_id``).
T = {m: m.__table__ for m in (Balance, BaselineChange, BlockHash, Certificate, CreditTransfer,
                              DailyAggregate, Meta, Node, NodeEvent, QuarantinedLog,
                              RegionIntensity, Revocation, Proposal, Vote,
                              ProposalEvent, Claim, Retirement, Challenge, ChallengeEvent,
                              OpenedSlot)}

from ecoai_chain.indexer import models_credits  # noqa: E402,F401  (registers its tables in T)
