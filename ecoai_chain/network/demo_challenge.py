"""`ecoai up`'s challenge: once node1 has a vesting certificate, a stranger (anvil's dev account
8) challenges it with the real ``ecoai challenge`` command; node1's attestor -- the running
agent, with no help -- answers from its store, and the network reports the drawn slots and the
outcome. Done once per network: progress is kept in ``<data dir>/demo_challenge.json``, so a
resumed network does not challenge again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecoai_chain.errors import EcoAIError

CHALLENGER_DEV_ACCOUNT = 8
# Local chain only: 0.001 native coin deposit, 2 slots, 40 s to answer (inside `ecoai up`'s
# short vesting window); a public deployment uses DEFAULT_CHALLENGE_PARAMS.
LOCAL_CHALLENGE = {"deposit_wei": 10**15, "open_count": 2, "answer_window_s": 40,
                   "challenger_share_bps": 5_000}


class DemoChallenge:
    def __init__(self, client: Any, node: dict, manifest: Path, state_path: Path,
                 run_cli: Any, say: Any) -> None:
        from ecoai_chain.chain.challenges import ChallengeClient

        self.client, self.node, self.manifest = client, node, manifest
        self.cm = ChallengeClient(client)
        self.path, self.run_cli, self.say = state_path, run_cli, say
        self.done: dict = json.loads(state_path.read_text()) if state_path.exists() else {}

    def _save(self) -> None:
        self.path.write_text(json.dumps(self.done, indent=2) + "\n")

    def _vesting_certificate(self) -> int | None:
        """node1's newest certificate that can still be challenged and answered."""
        now = int(self.client.w3.eth.get_block("latest")["timestamp"])
        window = self.cm.params().answer_window_s
        for cid in range(self.client.certificate_count(), 0, -1):
            c = self.client.get_certificate(cid)
            if c["nodeId"] != self.node["node_id"] or c["revoked"] or c["released"]:
                continue
            if now + window + 5 < c["releaseAt"]:  # 5 s: the challenge's own block
                return cid
        return None

    def step(self) -> None:
        """Challenge once; then report the answer (or the default) once."""
        if "challenge_id" not in self.done:
            cid = self._vesting_certificate()
            if cid is None:
                return
            try:
                out = self.run_cli("challenge", str(cid), "--manifest", str(self.manifest),
                                   "--dev-account", str(CHALLENGER_DEV_ACCOUNT), log=self.say)
            except EcoAIError as e:  # e.g. the vesting window closed meanwhile: try the next
                self.say(f"challenge of certificate {cid} not sent ({e}); trying a newer one")
                return
            self.done.update(challenge_id=out["challenge_id"], certificate_id=cid)
            self._save()
            self.say(f"challenge {out['challenge_id']}: certificate {cid} of "
                     f"{self.node['name']} must open {out['open_count']} slots drawn from "
                     f"block {out['randomness_block']} by {out['deadline_s']}")
            return
        if "outcome" in self.done:
            return
        c = self.cm.get(self.done["challenge_id"])
        if c["status"] == "open":
            return
        self.done["outcome"] = c["status"]
        self._save()
        if c["status"] == "answered":
            opened = self.cm.events("SlotOpened", 0, challengeId=self.done["challenge_id"])
            slots = ", ".join(f"{int(e['slot'])}: {int(e['energyMj'])} mJ" for e in opened)
            self.say(f"challenge {self.done['challenge_id']} answered by {self.node['name']}'s "
                     f"attestor on its own (slots {slots}); the deposit went to its operator")
        else:
            self.say(f"challenge {self.done['challenge_id']} {c['status']}: "
                     f"{self.node['name']} did not answer in time")
