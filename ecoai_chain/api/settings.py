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
    manifest: str | None = None         # deployment manifest: chain id + GreenProof for /verify
    vkey_path: str | None = None        # Groth16 verification key JSON for /verify
    page_limit_max: int = 200
