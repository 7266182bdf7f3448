"""API settings: pydantic-settings with the ECOAI_ prefix (flag > env > default)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from ecoai_chain.indexer.db import DEFAULT_DB_URL


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECOAI_", extra="ignore")

    db_url: str = DEFAULT_DB_URL
    cors_origins: list[str] = []
    verify_rate_per_min: float = 30.0   # token bucket refill, per client address
    verify_burst: int = 5
    # One bucket for all clients together, spent only by results not in the cache (each costs
    # ~0.05 s of CPU with the fast engine, ~0.5 s with py-ecc): bounds the CPU /verify can take
    # from one API process (the cache and both limits are per process).
    verify_global_rate_per_min: float = 300.0
    verify_global_burst: int = 30
    verify_cache_size: int = 4096       # results kept (one per certificate)
    verify_engine: str = "fast"         # Groth16 pairing engine: "fast" or "py-ecc"
    manifest: str | None = None         # deployment manifest: chain id + GreenProof for /verify
    vkey_path: str | None = None        # Groth16 verification key JSON for /verify
    page_limit_max: int = 200
