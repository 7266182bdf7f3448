"""deploy_all / manifest / `ecoai chain deploy` against a real anvil."""

from __future__ import annotations

import json
import os

import pytest

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import deploy_all, load_manifest
from ecoai_chain.chain.devnet import Anvil
from ecoai_chain.cli import main as ecoai
from ecoai_chain.errors import ConfigError

pytestmark = pytest.mark.chain


def test_deploy_all_wires_roles_and_round_trips_the_manifest(w3, dev_accounts, tmp_path):
    admin = dev_accounts[0]
    d = deploy_all(w3, admin, 3600)
    assert set(d.contracts) == {"Groth16Verifier", "Groth16BatchVerifier", "EcoCredit",
                                "GreenProof", "PoseidonLeaf", "PoseidonNode",
                                "CertificateClaims", "ChallengeManager"}
    assert d.chain_id == 31337 and d.epoch_length_s == 3600 and d.deployer == admin.address
    assert d.contracts["GreenProof"].block >= d.contracts["EcoCredit"].block > 0
    claims = GreenProofClient(w3, d).certificate_claims
    assert claims.functions.greenProof().call() == d.green_proof
    client = GreenProofClient(w3, d)
    assert client.epoch_length_s() == 3600
    for role in (
        "DEFAULT_ADMIN_ROLE",
        "NODE_MANAGER_ROLE",
        "REVOKER_ROLE",
        "PARAMS_ROLE",
        "PAUSER_ROLE",
    ):
        assert client.has_role(role, admin.address)
    eco = client.eco_credit.functions
    for role in ("MINTER_ROLE", "CLAWBACK_ROLE"):
        assert eco.hasRole(getattr(eco, role)().call(), d.green_proof).call()
    assert client.green_proof.functions.verifier().call() == d.verifier
    assert client.green_proof.functions.batchVerifier().call() == d.batch_verifier

    path = d.save(tmp_path / "deployment.json")
    raw = json.loads(path.read_text())
    assert set(raw) == {
        "chain_id",
        "rpc_url",
        "deployer",
        "block_number",
        "contracts",
        "epoch_length_s",
        "vkey_sha256",
        "zkey_sha256",
        "admin",
        "governance",
    }
    assert raw["governance"] is None and raw["admin"] == admin.address
    assert set(raw["contracts"]["GreenProof"]) == {"address", "block"}
    assert load_manifest(path) == d


def test_load_manifest_names_what_is_wrong(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_manifest(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "chain_id": 1,
                "deployer": "x",
                "block_number": 1,
                "epoch_length_s": 1,
                "contracts": {"GreenProof": {"address": "0x12", "block": 1}},
            }
        )
    )
    with pytest.raises(ConfigError, match="GreenProof.address"):
        load_manifest(bad)


def test_cli_deploy_with_a_dev_account_writes_the_manifest(anvil, tmp_path, capsys):
    out = tmp_path / "m.json"
    guardian = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    rc = ecoai(
        [
            "chain",
            "deploy",
            "--rpc",
            anvil.rpc_url,
            "--dev-account",
            "0",
            "--epoch-length-s",
            "600",
            "--guardian",
            guardian,
            "--out",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    d = load_manifest(out)
    assert d.epoch_length_s == 600 and d.rpc_url == anvil.rpc_url
    assert d.governed and d.governance.guardian == guardian
    assert {"EcoTimelock", "EcoGovernor"} <= set(d.contracts)
    assert ecoai(["chain", "status", "--manifest", str(out)]) == 0
    assert "epoch length   600 s" in capsys.readouterr().out


def test_cli_refuses_a_dev_key_on_a_non_local_chain(tmp_path, capsys):
    with Anvil(chain_id=5) as other:
        rc = ecoai(
            [
                "chain",
                "deploy",
                "--rpc",
                other.rpc_url,
                "--dev-account",
                "0",
                "--out",
                str(tmp_path / "m.json"),
            ]
        )
    assert rc == 1
    err = capsys.readouterr().err
    assert "only allowed on a local chain" in err and "chain id 5" in err
    assert not (tmp_path / "m.json").exists()


def test_cli_deploys_with_an_encrypted_keystore(anvil, dev_accounts, tmp_path, capsys):
    from eth_account import Account

    ks = tmp_path / "deployer.json"
    ks.write_text(json.dumps(Account.encrypt(dev_accounts[0].key, "pw", iterations=2)))
    os.chmod(ks, 0o600)
    pw = tmp_path / "pw.txt"
    pw.write_text("pw\n")
    out = tmp_path / "m.json"
    deploy = ["chain", "deploy", "--rpc", anvil.rpc_url, "--key-file", str(ks),
              "--password-file", str(pw), "--no-governor", "--out", str(out)]
    rc = ecoai(deploy)
    assert rc == 0, capsys.readouterr().err
    assert load_manifest(out).deployer == dev_accounts[0].address
    os.chmod(ks, 0o644)
    assert ecoai(deploy) == 1
    assert "group/other may read it" in capsys.readouterr().err


def test_cli_needs_exactly_one_key_source(anvil, tmp_path, capsys):
    rc = ecoai(["chain", "deploy", "--rpc", anvil.rpc_url, "--out", str(tmp_path / "m.json")])
    assert rc == 1
    assert "exactly one of --key-file KEYSTORE or --dev-account N" in capsys.readouterr().err


def test_cli_reports_an_unreachable_rpc(tmp_path, capsys):
    from ecoai_chain.chain.devnet import free_port

    url = f"http://127.0.0.1:{free_port()}"
    rc = ecoai(
        ["chain", "deploy", "--rpc", url, "--dev-account", "0", "--out", str(tmp_path / "m")]
    )
    assert rc == 1
    assert f"cannot reach RPC {url}" in capsys.readouterr().err
