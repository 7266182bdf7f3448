"""`ecoai up`'s buyer side (network/demo_claims.py) against anvil: once node 1's certificate is
released, one claim and one retirement are made through the real `ecoai claim` / `ecoai
retire` commands with the operator's keystore, once (a second step, or a resumed network,
does nothing more)."""

from __future__ import annotations

import json
import os

import pytest
from eth_account import Account

from ecoai_chain.network.demo_claims import DEMO_BENEFICIARY, DemoClaims
from ecoai_chain.network.plan import node_password_file
from ecoai_chain.network.up import _run_cli
from tests.vector_chain import release_now, submit_vector

pytestmark = [pytest.mark.chain, pytest.mark.slow]


def _node_dir(tmp_path, key) -> dict:
    d = tmp_path / "nodes" / "node1"
    (d / "keystore").mkdir(parents=True, mode=0o700)
    os.chmod(d, 0o700)
    pw = node_password_file(d)
    ks = d / "keystore" / "key.json"
    ks.write_text(json.dumps(Account.encrypt(key.key, pw.read_text(), kdf="scrypt",
                                             iterations=2**10)))
    os.chmod(ks, 0o600)
    return {"dir": str(d), "node_id": 1, "address": key.address}


def test_one_claim_and_one_retirement_once(ready, vector_cert, deployment, tmp_path):
    client, operator = ready["client"], ready["operators"][0]
    manifest = deployment.save(tmp_path / "deployment.json")
    said: list[str] = []
    demo = DemoClaims(client, _node_dir(tmp_path, operator), manifest,
                      tmp_path / "demo_claims.json", _run_cli, said.append)
    demo.step()  # nothing certified yet: nothing to claim, nothing to retire
    assert not demo.finished and client.claim_count() == 0
    cert = vector_cert(0)[0]
    cid = submit_vector(ready, vector_cert, 0)
    release_now(client, cid)
    balance = client.eco_balance(operator.address)
    assert balance > 0
    demo.step()
    assert demo.finished
    claim = client.get_claim(1)
    assert claim["beneficiary"] == DEMO_BENEFICIARY and claim["energy_mj"] == cert["energyMj"]
    assert client.get_retirement(1)["amount_units"] == balance // 10
    assert client.eco_balance(operator.address) == balance - balance // 10
    again = DemoClaims(client, _node_dir(tmp_path / "again", operator), manifest,
                       tmp_path / "demo_claims.json", _run_cli, said.append)
    again.step()
    assert client.claim_count() == 1 and client.retirement_count() == 1
    assert any("claimed certificate 1" in s for s in said)
