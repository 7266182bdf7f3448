"""Each database owns its metadata: an index database holds the index's tables only, and the
agent's store the agent's only, even in one process that has imported both."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from attestor.store import AgentTable, Store
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.models import IndexTable

AGENT_TABLES = {"windowrecord", "epochrecord", "meta"}


def test_an_index_database_has_none_of_the_attestors_tables(tmp_path):
    Store(tmp_path / "agent.db")  # the agent's tables are defined and created in this process
    index = set(inspect(make_engine(f"sqlite:///{tmp_path}/index.db")).get_table_names())
    agent = set(inspect(create_engine(f"sqlite:///{tmp_path}/agent.db")).get_table_names())
    assert agent == set(AgentTable.metadata.tables) and AGENT_TABLES <= agent
    assert index == set(IndexTable.metadata.tables) and "certificates" in index
    assert not index & agent
