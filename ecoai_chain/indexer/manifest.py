"""Indexer configuration from the deployment manifest (the pinned JSON written by
`ecoai chain deploy`): contract addresses, deployment block, chain id."""

from __future__ import annotations

import json
from pathlib import Path

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.errors import ConfigError
from ecoai_chain.indexer.follower import IndexerConfig


def read_manifest(path: str | Path) -> dict:
    p = Path(path)
    try:
        data = json.loads(p.read_text())
        for name in ("GreenProof", "EcoCredit"):
            data["contracts"][name]["address"]
        return data
    except FileNotFoundError as e:
        raise ConfigError(f"manifest: {p} does not exist (run `ecoai chain deploy`)") from e
    except (ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"manifest: {p} is not a deployment manifest ({e!r})") from e


def config_from_manifest(path: str | Path, **overrides) -> IndexerConfig:
    m = read_manifest(path)
    gp, eco = m["contracts"]["GreenProof"], m["contracts"]["EcoCredit"]
    gp_abi = load_artifact("GreenProof").abi
    start = min(int(gp.get("block", m.get("block_number", 0))),
                int(eco.get("block", m.get("block_number", 0))))
    return IndexerConfig(addresses=[gp["address"], eco["address"]],
                         abis=[gp_abi, load_artifact("EcoCredit").abi], start_block=start,
                         chain_id=int(m["chain_id"]), submit_abi=gp_abi, **overrides)
