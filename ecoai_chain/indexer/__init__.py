"""Indexer: follows GreenProof and EcoCredit events into SQL (SQLite by default, PostgreSQL)."""
