"""What `ecoai up` builds: the demo nodes (region, efficiency) and the data-dir layout."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ecoai_chain.core.paths import SubPath

# Nodes in different grids with different efficiencies (replay energy scale: >1 = less
# efficient hardware/settings for the same work). Cycled when more nodes are asked for.
NODE_PLAN: tuple[tuple[str, str], ...] = (
    ("FR", "0.8"),   # low-carbon grid, efficient node
    ("US", "1.0"),
    ("KR", "1.3"),   # carbon-heavier grid, less efficient node
    ("DE", "1.1"),
    ("IN", "0.9"),
    ("BR", "1.2"),
)
WORKLOAD_CLASS = "llm-inference"
# Class baseline: 0.5 J per generated token at 475 g CO2e/kWh (a global-average grid), i.e.
# 0.5 / 3.6e6 kWh * 475e9 ng/kWh = 65,972 ng per token. Nodes beat it by being efficient and
# by running on cleaner grids. DAO-settable on chain (setBaseline).
BASELINE_NG_PER_TOKEN = 65_972
MAX_POWER_MW = 1_000_000  # 1 kW per node: above the replay trace's peak times the largest scale
# Efficiency ceiling of the class, tokens per kWh (contracts/README.md "The demo's figures"):
# Azure's ND GB200 v6 served Llama 2 70B at 865,000 tokens/s on one GB200 NVL72 rack (MLPerf
# Inference v4.1, unverified submission); at about 120 kW per rack that is ~2.6e7 tokens/kWh.
# The demo allows about 2x that (smaller models, better software). The synthetic trace reaches
# ~2e7 at its most efficient scale, below the ceiling.
EFFICIENCY_CEILING_TOKENS_PER_KWH = 50_000_000
# The demo vests in minutes (mainnet default 7 days), refuses epochs an hour after their end,
# and bonds 1000 native coins per MW of max power (1 coin per 1 kW demo node), half of which a
# revocation slashes.
CHALLENGE_WINDOW_S = 60
SUBMISSION_DEADLINE_S = 3600
BOND_WEI_PER_MW = 1000 * 10**18
SLASH_SHARE_BPS = 5_000


@dataclass
class UpState:
    """Persisted in <data_dir>/up-state.json so a second `ecoai up` resumes the same network."""

    rpc_url: str | None = None
    anvil_port: int | None = None
    api_port: int | None = None
    relay_port: int | None = None
    window_s: int = 5
    slot_count: int = 6
    nodes: list[dict] = field(default_factory=list)  # {name, dir, region, scale, address, node_id}
    dao_demo: dict = field(default_factory=dict)  # network.dao_demo.DemoProposal's progress

    @classmethod
    def load(cls, path: Path) -> UpState:
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text()))

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        os.replace(tmp, path)


@dataclass(frozen=True)
class Layout:
    root: Path

    state = SubPath("root", "up-state.json")
    manifest = SubPath("root", "deployment.json")
    chain_state = SubPath("root", "chain", "anvil-state.json")
    indexer_db = SubPath("root", "indexer.sqlite")
    logs = SubPath("root", "logs")
    ready = SubPath("root", "up.json")

    def node_dir(self, name: str) -> Path:
        return self.root / "nodes" / name

    def make(self) -> None:
        for p in (self.root, self.root / "chain", self.logs, self.root / "nodes"):
            p.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root / "nodes", 0o700)


def node_password_file(node_dir: Path) -> Path:
    """The demo node's keystore password, random, owner-only. A real operator passes
    --password-file of their own or ECOAI_KEYSTORE_PASSWORD; the demo keeps one per node so
    it can restart unattended."""
    p = node_dir / "password"
    if not p.exists():
        node_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(24))
    return p
