"""Tables the indexer writes and the API reads (sqlmodel; SQLite by default, PostgreSQL by URL).

uint256 quantities that can exceed 63 bits (work, reward units, credit amounts, Merkle roots)
are stored as decimal strings and summed in Python; quantities the circuit bounds below 2^63
(energy, carbon, intensity, score, times) are BIGINT so SQL can filter and sort on them.
Every event-derived row carries (tx_hash, log_index, block_number): the unique key makes
re-applying a block range idempotent, and the block number lets a reorg remove orphaned rows.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _big(**kw) -> Column:
    return Column(BigInteger, **kw)


class Node(SQLModel, table=True):
    __tablename__ = "nodes"
    node_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    operator: str = Field(max_length=42, index=True)
    attestor: str = Field(max_length=42)
    registered_attestor: str = Field(max_length=42)
    region: str = Field(max_length=32, index=True)
    max_power_mw: int = Field(sa_column=_big())
    metadata_uri: str = Field(sa_column=Column(Text, nullable=False, default=""))
    status: int = 0  # 0 Pending, 1 Active, 2 Suspended
    status_reason: str = Field(sa_column=Column(Text, nullable=False, default=""))
    registered_block: int = Field(sa_column=_big())
    registered_tx: str = Field(max_length=66)
    registered_log_index: int = 0
    certificate_count: int = 0
    score_sum: int = Field(default=0, sa_column=_big(default=0))
    energy_mj: int = Field(default=0, sa_column=_big(default=0))
    carbon_mg: int = Field(default=0, sa_column=_big(default=0))
    avoided_mg: int = Field(default=0, sa_column=_big(default=0, index=True))
    avg_score: int = Field(default=0, index=True)


class Certificate(SQLModel, table=True):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("tx_hash", "log_index", name="uq_certificates_log"),
        Index("ix_certificates_node_epoch", "node_id", "epoch_start_s"),
        Index("ix_certificates_region_epoch", "region", "epoch_start_s"),
    )
    certificate_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    node_id: int = Field(sa_column=_big(nullable=False))
    region: str = Field(max_length=32)
    epoch_start_s: int = Field(sa_column=_big(nullable=False, index=True))
    root: str = Field(max_length=78)
    energy_mj: int = Field(sa_column=_big(nullable=False))
    work: str = Field(max_length=78)
    carbon_mg: int = Field(sa_column=_big(nullable=False))
    intensity_mg_per_kwh: int = Field(sa_column=_big(nullable=False))
    eco_score: int = Field(index=True)
    reward_units: str = Field(max_length=78)
    avoided_mg: int = Field(sa_column=_big(nullable=False))
    workload_class: str = Field(max_length=32)
    # From the submitting transaction's calldata (None if the tx was not a GreenProof submit).
    window_s: int | None = None
    slot_count: int | None = None
    max_power_mw: int | None = Field(default=None, sa_column=_big())
    proof_json: str | None = Field(default=None, sa_column=Column(Text))
    signature: str | None = Field(default=None, sa_column=Column(Text))
    revoked: bool = False
    revoked_reason: str | None = Field(default=None, sa_column=Column(Text))
    block_number: int = Field(sa_column=_big(nullable=False, index=True))
    block_time_s: int = Field(sa_column=_big(nullable=False))
    tx_hash: str = Field(sa_column=Column(String(66), nullable=False, index=True))
    log_index: int


class Revocation(SQLModel, table=True):
    __tablename__ = "revocations"
    __table_args__ = (UniqueConstraint("tx_hash", "log_index", name="uq_revocations_log"),)
    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int = Field(sa_column=_big(nullable=False, index=True))
    node_id: int = Field(sa_column=_big(nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    clawed_back_units: str = Field(max_length=78)
    debt_units: str = Field(max_length=78)
    block_number: int = Field(sa_column=_big(nullable=False, index=True))
    tx_hash: str = Field(max_length=66)
    log_index: int


class NodeEvent(SQLModel, table=True):
    """Status changes and attestor rotations, kept so a reorg can replay a node's state."""

    __tablename__ = "node_events"
    __table_args__ = (UniqueConstraint("tx_hash", "log_index", name="uq_node_events_log"),)
    id: int | None = Field(default=None, primary_key=True)
    node_id: int = Field(sa_column=_big(nullable=False, index=True))
    kind: str = Field(max_length=16)  # "status" | "attestor"
    status: int | None = None
    reason: str | None = Field(default=None, sa_column=Column(Text))
    attestor: str | None = Field(default=None, max_length=42)
    block_number: int = Field(sa_column=_big(nullable=False, index=True))
    tx_hash: str = Field(max_length=66)
    log_index: int


class RegionIntensity(SQLModel, table=True):
    __tablename__ = "region_intensities"
    __table_args__ = (UniqueConstraint("tx_hash", "log_index", name="uq_region_int_log"),)
    id: int | None = Field(default=None, primary_key=True)
    region: str = Field(max_length=32, index=True)
    intensity_mg_per_kwh: int = Field(sa_column=_big(nullable=False))
    effective_from_s: int = Field(sa_column=_big(nullable=False))
    block_number: int = Field(sa_column=_big(nullable=False, index=True))
    tx_hash: str = Field(max_length=66)
    log_index: int


class BaselineChange(SQLModel, table=True):
    """A BaselineSet event: the workload class's baseline from this block on (kept, not just the
    latest, so a certificate can be re-scored with the baseline in force at its block)."""

    __tablename__ = "baselines"
    __table_args__ = (UniqueConstraint("tx_hash", "log_index", name="uq_baselines_log"),)
    id: int | None = Field(default=None, primary_key=True)
    workload_class: str = Field(sa_column=Column(Text, nullable=False, index=True))
    baseline_ng_per_work: str = Field(max_length=78)  # uint256 as decimal text
    block_number: int = Field(sa_column=_big(nullable=False, index=True))
    tx_hash: str = Field(max_length=66)
    log_index: int


class CreditTransfer(SQLModel, table=True):
    __tablename__ = "credit_transfers"
    __table_args__ = (UniqueConstraint("tx_hash", "log_index", name="uq_transfers_log"),)
    id: int | None = Field(default=None, primary_key=True)
    from_address: str = Field(max_length=42, index=True)
    to_address: str = Field(max_length=42, index=True)
    value_units: str = Field(max_length=78)
    block_number: int = Field(sa_column=_big(nullable=False, index=True))
    block_time_s: int = Field(sa_column=_big(nullable=False))
    tx_hash: str = Field(sa_column=Column(String(66), nullable=False, index=True))
    log_index: int


class Balance(SQLModel, table=True):
    __tablename__ = "balances"
    address: str = Field(primary_key=True, max_length=42)
    balance_units: str = Field(max_length=78)


class DailyAggregate(SQLModel, table=True):
    __tablename__ = "daily_aggregates"
    region: str = Field(primary_key=True, max_length=32)
    day: str = Field(primary_key=True, max_length=10)  # YYYY-MM-DD (UTC) of the epoch start
    energy_mj: int = Field(default=0, sa_column=_big(default=0))
    carbon_mg: int = Field(default=0, sa_column=_big(default=0))
    avoided_mg: int = Field(default=0, sa_column=_big(default=0))
    work: str = "0"
    credits_units: str = "0"
    certificate_count: int = 0


class Meta(SQLModel, table=True):
    """Key/value state: checkpoint block, total supply, contract addresses being followed."""

    __tablename__ = "indexer_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class BlockHash(SQLModel, table=True):
    __tablename__ = "block_hashes"
    block_number: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    block_hash: str = Field(max_length=66)
