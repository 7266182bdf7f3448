"""The live view of `ecoai up`, read from the chain itself (not the indexer)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table

from ecoai_chain.errors import ContractRevert


@dataclass
class NodeView:
    name: str
    node_id: int
    region: str
    source: str
    address: str
    certificates: int = 0
    last_score: int | None = None
    avoided_mg: int = 0
    energy_mj: int = 0
    carbon_mg: int = 0
    balance_units: int = 0  # released Eco Credits the operator holds
    escrowed_units: int = 0  # the node's rewards still vesting (not released, not revoked)


@dataclass
class Summary:
    client: Any
    nodes: list[NodeView]
    relay: Any = None  # network.relay_service.RelayService, or None: attestors submit alone
    started_s: float = field(default_factory=time.monotonic)
    first_certificate_after_s: float | None = None
    _from_block: int = 0
    # certificate id -> its record (from its event), for those not yet released
    _vesting: dict[int, dict[str, Any]] = field(default_factory=dict)
    relay_status: dict[str, Any] | None = None  # the relayer's last /relay/v1/status

    def __post_init__(self) -> None:
        self._from_block = self.client.deployment.contracts["GreenProof"].block
        self._by_id = {n.node_id: n for n in self.nodes}

    def release_due(self) -> int:
        """Release every vesting reward whose challenge window has passed (anyone may; here
        the DAO account does it for the demo), but those an open challenge holds (they keep
        vesting). Returns how many were released."""
        now = self.client.chain_time_s()
        due, waiting = {}, {}
        for cid, record in self._vesting.items():
            state = self.client.record_state(cid, record)  # the flags at its node and epoch
            if state.revoked or state.released:
                continue
            (due if record["releaseAt"] <= now else waiting)[cid] = record
        while due:
            try:
                self.client.release_rewards(list(due), list(due.values()))
                break
            except ContractRevert as e:
                # A challenge holds it (its hold is not among recordOf's flags) and may
                # outlive its release time: it keeps vesting, the others go now.
                if e.name != "GreenProofReleaseOnHold" or int(e.args_[0]) not in due:
                    raise
                held = int(e.args_[0])
                waiting[held] = due.pop(held)
        self._vesting = waiting
        return len(due)

    def poll(self) -> None:
        head = self.client.block_number()
        if head >= self._from_block:
            for ev in self.client.certificates_submitted(self._from_block, head):
                n = self._by_id.get(int(ev["nodeId"]))
                if n is None:
                    continue
                rec = ev["record"]
                n.certificates += 1
                n.last_score = int(rec["ecoScore"])
                n.energy_mj += int(rec["energyMj"])
                n.carbon_mg += int(rec["carbonMg"])
                n.avoided_mg += int(rec["rewardUnits"]) // 10**12
                self._vesting[int(ev["certificateId"])] = rec
            self._from_block = head + 1
        self.release_due()
        # In escrow: what is still vesting, as release_due just read it from the flags (not
        # client.escrowed_of, one recordOf per certificate the operator ever had, per poll).
        escrowed = dict.fromkeys(self._by_id, 0)
        for record in self._vesting.values():
            escrowed[int(record["nodeId"])] += int(record["rewardUnits"])
        for n in self.nodes:
            n.balance_units = self.client.eco_balance(n.address)
            n.escrowed_units = escrowed[n.node_id]
        if self.relay is not None:
            self.relay_status = self.relay.status()
        if self.first_certificate_after_s is None and self.total_certificates:
            self.first_certificate_after_s = time.monotonic() - self.started_s

    @property
    def total_certificates(self) -> int:
        return sum(n.certificates for n in self.nodes)

    def min_certificates(self) -> int:
        return min((n.certificates for n in self.nodes), default=0)

    def relay_line(self) -> str | None:
        from ecoai_chain.network.relay_service import relay_line

        return None if self.relay is None else relay_line(self.relay_status)

    def table(self, title: str) -> Table:
        t = Table(title=title, caption=self.relay_line())
        for col in ("node", "id", "region", "energy", "certificates", "Eco Score", "energy kWh",
                    "carbon g", "ECO locked", "ECO released"):
            t.add_column(col, justify="right" if col not in ("node", "region", "energy") else
                         "left")
        for n in self.nodes:
            t.add_row(n.name, str(n.node_id), n.region, n.source, str(n.certificates),
                      "-" if n.last_score is None else str(n.last_score),
                      f"{n.energy_mj / 3.6e9:.4f}", f"{n.carbon_mg / 1000:.2f}",
                      f"{n.escrowed_units / 1e18:.6f}", f"{n.balance_units / 1e18:.6f}")
        return t

    def line(self) -> str:
        parts = [f"{n.name}: {n.certificates} certs, score {n.last_score}, "
                 f"{n.escrowed_units / 1e18:.6f} ECO locked, "
                 f"{n.balance_units / 1e18:.6f} released" for n in self.nodes]
        relay = self.relay_line()
        return "; ".join(parts if relay is None else [*parts, relay])
