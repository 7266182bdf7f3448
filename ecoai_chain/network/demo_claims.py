"""`ecoai up`'s buyer side: once node1 has a released certificate, its operator claims it for a
demo beneficiary with ``ecoai claim``, and retires a tenth of its released credits for the same
beneficiary with ``ecoai retire`` -- the real commands, with the node's keystore, as an operator
would run them. Done once per network: the results are kept in ``<data dir>/demo_claims.json``,
so a resumed network does not claim or retire again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecoai_chain.errors import ConfigError

# A fixed, recognisable beneficiary for the demo (anvil's dev account 9, a stand-in for the
# buyer's address).
DEMO_BENEFICIARY = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"
CLAIM_PURPOSE = "demo: GPU time rented by ACME AI, GHG inventory scope 2 (location-based)"
RETIRE_PURPOSE = "demo: ACME AI offsets its inference emissions"


class DemoClaims:
    def __init__(self, client: Any, node: dict, manifest: Path, state_path: Path,
                 run_cli: Any, say: Any) -> None:
        self.client, self.node, self.manifest = client, node, manifest
        self.path, self.run_cli, self.say = state_path, run_cli, say
        self.done: dict = json.loads(state_path.read_text()) if state_path.exists() else {}

    def _key_args(self) -> list[str]:
        from ecoai_chain.network.plan import node_password_file

        d = Path(self.node["dir"])
        # The node's one keystore file, as `ecoai attestor init` wrote it (the operator's key:
        # the demo registers each node with its attestor account).
        keys = sorted((d / "keystore").glob("*.json"))
        if len(keys) != 1:
            raise ConfigError(f"{d / 'keystore'}: expected one keystore file, found {len(keys)}")
        return ["--manifest", str(self.manifest), "--key-file", str(keys[0]),
                "--password-file", str(node_password_file(d))]

    def _save(self) -> None:
        self.path.write_text(json.dumps(self.done, indent=2) + "\n")

    def _released_certificate(self) -> int | None:
        for cid in range(1, self.client.certificate_count() + 1):
            c = self.client.get_certificate(cid)
            if c["nodeId"] == self.node["node_id"] and c["released"] and not c["revoked"]:
                return cid
        return None

    @property
    def finished(self) -> bool:
        return "retirement_id" in self.done and ("claim_id" in self.done or not self._claims)

    @property
    def _claims(self) -> bool:
        """Manifests from before issue 17 (a resumed network) have no CertificateClaims."""
        return "CertificateClaims" in self.client.deployment.contracts

    def step(self) -> None:
        """One claim and one retirement, each as soon as it is possible."""
        if "claim_id" not in self.done and self._claims:
            cid = self._released_certificate()
            if cid is not None:
                out = self.run_cli("claim", str(cid), "--beneficiary", DEMO_BENEFICIARY,
                                   "--purpose", CLAIM_PURPOSE, *self._key_args(), log=self.say)
                self.done["claim_id"] = out["claim_id"]
                self._save()
                self.say(f"claimed certificate {cid} for {DEMO_BENEFICIARY}: claim "
                         f"{out['claim_id']} ({out['energy_mj']} mJ, {out['carbon_mg']} mg)")
        if "retirement_id" not in self.done:
            balance = self.client.eco_balance(self.node["address"])
            if balance >= 10:
                units = balance // 10
                amount = f"{units // 10**18}.{units % 10**18:018d}"  # exact, any size
                out = self.run_cli("retire", amount, "--beneficiary", DEMO_BENEFICIARY,
                                   "--purpose", RETIRE_PURPOSE, *self._key_args(), log=self.say)
                self.done["retirement_id"] = out["retirement_id"]
                self._save()
                self.say(f"retired {amount} ECO for {DEMO_BENEFICIARY}: retirement "
                         f"{out['retirement_id']}")
