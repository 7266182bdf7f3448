"""`ecoai challenge` / `challenge-show` / `challenge-finalize` against a real anvil: the call is
printed before it is sent, the result is JSON, and contract refusals are one clear line."""

from __future__ import annotations

import json

import pytest

from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.cli import main as ecoai

pytestmark = pytest.mark.chain


def test_challenge_show_and_refusals(ready, vector_cert, deployment, tmp_path, capsys):
    client = ready["client"]
    ChallengeClient(client).set_params(ChallengeParams(10**15, 2, 600, 5_000))
    cert, proof = vector_cert(0)
    sig = sign_certificate(ready["attestors"][0], client.w3.eth.chain_id, deployment.green_proof,
                           cert)
    cert_id = client.submit_certificate(cert, proof, sig)
    manifest = str(deployment.save(tmp_path / "deployment.json"))

    assert ecoai(["challenge", str(cert_id), "--manifest", manifest, "--dev-account", "5",
                  "--dry-run"]) == 0
    out = capsys.readouterr().out
    record = client.describe_record(client.get_certificate(cert_id))
    assert record.startswith(f"record(node {cert['nodeId']}, epoch {cert['epochStart']}, hash 0x")
    assert f"ChallengeManager.challenge({cert_id}, {record}) with {10**15} wei" in out
    assert ChallengeClient(client).count() == 0  # a dry run sends nothing

    assert ecoai(["challenge", str(cert_id), "--manifest", manifest, "--dev-account", "5"]) == 0
    made = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert made["challenge_id"] == 1 and made["certificate_id"] == cert_id
    assert made["status"] == "open" and made["open_count"] == 2

    assert ecoai(["challenge", str(cert_id), "--manifest", manifest, "--dev-account", "5"]) == 1
    assert "ChallengeAlreadyOpen" in capsys.readouterr().err
    assert ecoai(["challenge-show", "1", "--manifest", manifest]) == 0
    shown = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert shown["deadline_s"] == made["deadline_s"]
    assert shown["slots"] is None and shown["slots_note"] == "ChallengeRandomnessNotReady"
    assert ecoai(["challenge-finalize", "1", "--manifest", manifest, "--dev-account", "5"]) == 1
    assert "ChallengeDeadlineNotPassed" in capsys.readouterr().err
    assert ecoai(["challenge-show", "7", "--manifest", manifest]) == 1
    assert "no challenge 7" in capsys.readouterr().err
