"""`ecoai dao ...` and `ecoai chain deploy/hand-over` from the command line on a real anvil:
what each command prints before it sends, and its one-line errors (exit code 1)."""

from __future__ import annotations

import json

import pytest

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import load_manifest
from ecoai_chain.cli import main as ecoai
from ecoai_chain.dao.client import DaoClient
from tests.dao_chain import DAO_SETTINGS, accounts, advance

pytestmark = pytest.mark.chain


def _run(capsys, *args: str) -> tuple[int, str, str]:
    rc = ecoai(list(args))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_a_proposal_from_the_command_line(dao, tmp_path, capsys):
    w3, dep = dao["w3"], dao["deployment"]
    m = str(dep.save(tmp_path / "deployment.json"))
    gp = dep.green_proof
    rc, out, err = _run(capsys, "dao", "propose", "--manifest", m, "--dry-run", "-m", "x",
                        "set-intensity", "KR", "300000", "--from", "2030-03-17T17:46:40Z")
    assert rc == 0, err
    assert (f"proposal will call [1/1] GreenProof({gp}).setRegionIntensity(region='KR', "
            "intensityMgPerKwh=300000, effectiveFrom=1900000000 (2030-03-17T17:46:40Z))") in out
    assert "setRegionIntensity(bytes32,uint256,uint64)  calldata 0x" in out
    assert DaoClient(w3, dep).proposal_ids() == []  # a dry run sends nothing

    rc, out, err = _run(capsys, "dao", "propose", "--manifest", m, "--dev-account", "1", "-m",
                        "KR from 2030", "set-intensity", "KR", "30O", "--from", "1900000000")
    assert rc == 1 and "error: mg_per_kwh: expected a non-negative integer, got '30O'" in err

    rc, out, err = _run(capsys, "dao", "propose", "--manifest", m, "--dev-account", "1", "-m",
                        "KR from 2030", "set-intensity", "KR", "300000", "--from", "1900000000")
    assert rc == 0, err
    pid = json.loads(out.strip().splitlines()[-1])["proposal_id"]
    rc, out, err = _run(capsys, "dao", "vote", pid, "for", "--manifest", m, "--dev-account", "1")
    assert rc == 1 and f"error: proposal {pid} is Pending: voting opens at" in err
    assert "[GovernorUnexpectedProposalState]" in err

    advance(w3, DAO_SETTINGS["voting_delay_s"] + 1)
    for dev in ("1", "3"):
        rc, out, err = _run(capsys, "dao", "vote", pid, "for", "--reason", "ok", "--manifest", m,
                            "--dev-account", dev)
        assert rc == 0, err
        assert "castVoteWithReason(proposalId=" in out and "voted for with" in out
    rc, out, _ = _run(capsys, "dao", "status", pid, "--manifest", m)
    assert "state      Active: voting is open until" in out and "quorum " in out
    assert "(reached)" in out

    advance(w3, DAO_SETTINGS["voting_period_s"] + 1)
    rc, out, err = _run(capsys, "dao", "queue", pid, "--manifest", m, "--dev-account", "6")
    assert rc == 0 and "queued; executable from" in out, err
    rc, out, err = _run(capsys, "dao", "execute", pid, "--manifest", m, "--dev-account", "6")
    assert rc == 1 and "is Queued: it is in the timelock; executable from" in err
    assert "[TimelockUnexpectedOperationState]" in err
    advance(w3, DAO_SETTINGS["timelock_delay_s"])
    rc, out, err = _run(capsys, "dao", "execute", pid, "--manifest", m, "--dev-account", "6")
    assert rc == 0 and "executes [1/1] GreenProof" in out, err
    assert GreenProofClient(w3, dep).region_intensity_at("KR", 1_900_000_000) == 300_000
    rc, out, _ = _run(capsys, "dao", "list", "--manifest", m)
    assert f"{pid}  Executed" in out
    rc, out, _ = _run(capsys, "dao", "status", pid, "--manifest", m, "--json")
    view = json.loads(out)
    assert view["state"] == "Executed" and view["actions"][0]["action"] == "set-intensity"


def test_deploy_plain_set_genesis_send_directly_then_hand_over(anvil, tmp_path, capsys):
    m = str(tmp_path / "deployment.json")
    rc, out, err = _run(capsys, "chain", "deploy", "--rpc", anvil.rpc_url, "--dev-account", "0",
                        "--no-governor", "--intensity", "KR=436000", "--baseline",
                        "llm-inference=65972", "--out", m)
    assert rc == 0, err
    assert "genesis: GreenProof(" in out and "setRegionIntensity(region='KR'" in out
    dep = load_manifest(m)
    assert not dep.governed and "plain: held by" in out
    from web3 import HTTPProvider, Web3

    w3 = Web3(HTTPProvider(anvil.rpc_url))
    admin, operator, attestor, _, _, guardian = accounts(6)
    node = GreenProofClient(w3, dep, operator).register_node(attestor.address, "KR", 1000)
    rc, out, err = _run(capsys, "dao", "send", "activate", str(node), "--manifest", m,
                        "--dev-account", "1")
    assert rc == 1 and "lacks GreenProof's NODE_MANAGER_ROLE" in err
    rc, out, err = _run(capsys, "dao", "send", "activate", str(node), "--manifest", m,
                        "--dev-account", "0")
    assert rc == 0 and f"activateNode(nodeId={node})" in out, err
    rc, out, err = _run(capsys, "dao", "propose", "-m", "x", "pause", "--manifest", m,
                        "--dev-account", "0")
    assert rc == 1 and "no governor" in err

    rc, out, err = _run(capsys, "chain", "hand-over", "--manifest", m, "--dev-account", "0",
                        "--guardian", guardian.address, "--voting-delay-s", "1")
    assert rc == 0, err
    dep = load_manifest(m)
    assert dep.governed and dep.governance.voting_delay_s == 1
    rc, out, err = _run(capsys, "dao", "send", "suspend", str(node), "--reason", "x",
                        "--manifest", m, "--dev-account", "0")
    assert rc == 1 and "is the DAO's (NODE_MANAGER_ROLE is held by the timelock" in err
    rc, out, err = _run(capsys, "dao", "send", "pause", "--manifest", m, "--dev-account", "5")
    assert rc == 0, err
    assert GreenProofClient(w3, dep).green_proof.functions.paused().call()
    rc, _, err = _run(capsys, "chain", "hand-over", "--manifest", m, "--dev-account", "0",
                      "--guardian", guardian.address)
    assert rc == 1 and "already governed" in err
