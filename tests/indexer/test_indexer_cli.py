"""`ecoai indexer run` from a deployment manifest written by deploy_all, on a real anvil."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.chain.tx import deploy
from ecoai_chain.cli import main as ecoai
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.models import Node, RegionIntensity
from ecoai_chain.indexer.store import T

pytestmark = pytest.mark.chain


def test_run_once_from_manifest_then_resume(w3, dev_accounts, tmp_path, capsys):
    admin, operator, attestor = dev_accounts[:3]
    # No certificates are submitted here, so the verifier address only needs to be a contract.
    placeholder = deploy(w3, admin, load_artifact("CertificateEventEmitter",
                                                  "bench/CertificateEventEmitter.sol"))
    dep = deploy_all(w3, admin, 3600, verifier=placeholder.address)
    manifest = dep.save(tmp_path / "deployment.json")
    client = GreenProofClient(w3, dep, admin)
    client.set_region_intensity("KR", 415_000, client.effective_soon_s())
    node_id = client.with_account(operator).register_node(attestor.address, "KR", 700_000, "m")
    db = f"sqlite:///{tmp_path}/index.db"
    args = ["indexer", "run", "--manifest", str(manifest), "--db", db, "--confirmations", "0",
            "--once"]
    assert ecoai(args) == 0
    client.activate_node(node_id)
    client.suspend_node(node_id, "maintenance")
    assert ecoai(args) == 0  # resumes from the checkpoint
    with make_engine(db).connect() as c:
        node = c.execute(select(T[Node])).mappings().one()
        intensities = c.execute(select(T[RegionIntensity])).mappings().all()
    assert (node["node_id"], node["status"], node["status_reason"]) == (1, 2, "maintenance")
    assert node["attestor"] == attestor.address and node["region"] == "KR"
    assert [(r["region"], r["intensity_mg_per_kwh"]) for r in intensities] == [("KR", 415_000)]


def test_bad_manifest_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({"chain_id": 1}))
    rc = ecoai(["indexer", "run", "--manifest", str(bad), "--db", f"sqlite:///{tmp_path}/x.db"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "manifest" in err and "Traceback" not in err
    rc = ecoai(["indexer", "run", "--manifest", str(tmp_path / "nope.json")])
    assert rc == 1 and "does not exist" in capsys.readouterr().err


def test_a_database_of_another_deployment_is_refused(w3, dev_accounts, tmp_path, capsys):
    admin = dev_accounts[0]
    placeholder = deploy(w3, admin, load_artifact("CertificateEventEmitter",
                                                  "bench/CertificateEventEmitter.sol"))
    db = f"sqlite:///{tmp_path}/index.db"
    for i in range(2):
        dep = deploy_all(w3, admin, 3600, verifier=placeholder.address)
        m = dep.save(tmp_path / f"d{i}.json")
        rc = ecoai(["indexer", "run", "--manifest", str(m), "--db", db, "--confirmations", "0",
                    "--once"])
    assert rc == 1 and "another deployment" in capsys.readouterr().err


@pytest.mark.slow
def test_follows_new_blocks_and_stops_on_sigterm(w3, anvil, dev_accounts, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from ecoai_chain.indexer.models import CreditTransfer

    admin, holder = dev_accounts[0], dev_accounts[1]
    placeholder = deploy(w3, admin, load_artifact("CertificateEventEmitter",
                                                  "bench/CertificateEventEmitter.sol"))
    dep = deploy_all(w3, admin, 3600, verifier=placeholder.address)
    manifest = dep.save(tmp_path / "deployment.json")
    db = f"sqlite:///{tmp_path}/index.db"
    proc = subprocess.Popen([sys.executable, "-m", "ecoai_chain.cli", "indexer", "run",
                             "--manifest", str(manifest), "--db", db, "--rpc", anvil.rpc_url,
                             "--confirmations", "1", "--poll-s", "0.1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        client = GreenProofClient(w3, dep, admin)
        eco = client.eco_credit
        role = eco.functions.MINTER_ROLE().call()
        from ecoai_chain.chain.tx import send_tx

        for fn in (eco.functions.grantRole(role, admin.address),
                   eco.functions.mint(holder.address, 10**18)):
            tx = fn.build_transaction({"from": admin.address})
            tx["gas"] = 300_000
            send_tx(w3, admin, tx)
        w3.provider.make_request("anvil_mine", [1])  # one confirmation
        engine = make_engine(db)
        deadline = time.monotonic() + 20
        while True:
            with engine.connect() as c:
                if c.execute(select(T[CreditTransfer])).first() is not None:
                    break
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the follower did not index the mint"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=15)
    assert rc == 0


@pytest.mark.slow  # a follower process backfilling 3,000 blocks to its first range boundary
def test_sigterm_during_the_backfill_is_a_clean_stop(w3, dev_accounts, anvil, tmp_path):
    """The handler is in place before the database is touched: a SIGTERM as soon as the index
    exists (during the backfill) exits 0 at a range boundary, never killed (rc -15)."""
    import signal
    import subprocess
    import sys
    import time

    admin = dev_accounts[0]
    placeholder = deploy(w3, admin, load_artifact("CertificateEventEmitter",
                                                  "bench/CertificateEventEmitter.sol"))
    dep = deploy_all(w3, admin, 3600, verifier=placeholder.address)
    manifest = dep.save(tmp_path / "deployment.json")
    w3.provider.make_request("anvil_mine", [3_000])
    db = tmp_path / "index.db"
    proc = subprocess.Popen([sys.executable, "-m", "ecoai_chain.cli", "indexer", "run",
                             "--manifest", str(manifest), "--db", f"sqlite:///{db}",
                             "--rpc", anvil.rpc_url, "--confirmations", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not db.exists() and proc.poll() is None:
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
    assert rc == 0, proc.stderr.read().decode()
