"""End to end: `ecoai up` as a real process tree (anvil, a relayer, 3 attestors proving real
epochs and posting them to the relayer, indexer, API), then certificates landed in the
relayer's batches, the API agrees with the chain, `ecoai verify --all` passes, a killed
relayer is started again and goes on landing, Ctrl-C stops everything, and a second
`ecoai up` resumes the same network."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import load_manifest
from ecoai_chain.chain.devnet import free_port
from ecoai_chain.chain.record_words import submitted_args
from ecoai_chain.network.demo_claims import DEMO_BENEFICIARY

pytestmark = [pytest.mark.soak, pytest.mark.slow, pytest.mark.chain]


def _up(data_dir: Path, api_port: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ecoai_chain.cli", "up", "--data-dir", str(data_dir),
         "--headless", "--api-port", str(api_port), *extra],
        stdout=open(data_dir.parent / "up.log", "ab"), stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True)


def _wait(cond, timeout_s: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"ecoai up exited ({proc.returncode}) while waiting for {what}")
        value = cond()
        if value:
            return value
        time.sleep(1.0)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def _certs_per_node(client: GreenProofClient, node_ids: list[int]) -> dict[int, int]:
    logs = client.green_proof.events.CertificateSubmitted().get_logs(from_block=0)
    out = dict.fromkeys(node_ids, 0)
    for log in logs:
        out[int(log.args["nodeId"])] = out.get(int(log.args["nodeId"]), 0) + 1
    return out


def _relayed_per_node(client: GreenProofClient, relayer: str, node_ids: list[int]
                      ) -> dict[int, int]:
    """Certificates per node that landed in a ``submitCertificates`` transaction sent by the
    relayer's account to GreenProof."""
    batch = client.green_proof.get_function_by_name("submitCertificates")
    out = dict.fromkeys(node_ids, 0)
    for log in client.green_proof.events.CertificateSubmitted().get_logs(from_block=0):
        tx = client.w3.eth.get_transaction(log.transactionHash)
        if tx["from"] != relayer or tx["to"] != client.green_proof.address:
            continue
        fn, _ = client.green_proof.decode_function_input(tx["input"])
        if fn.fn_name == batch.fn_name:
            out[int(log.args["nodeId"])] += 1
    return out


def _relay_status(url: str) -> dict | None:
    try:
        r = httpx.get(f"{url}/relay/v1/status", timeout=5)
    except httpx.HTTPError:
        return None
    return r.json() if r.status_code == 200 else None


def _pid_with_arg(arg: str) -> int:
    """The one process whose command line holds ``arg`` (a path unique to this test)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if proc.name.isdigit() and arg.encode() in argv:
            found.append(int(proc.name))
    assert len(found) == 1, found
    return found[0]


def test_up_certifies_serves_verifies_stops_and_resumes(tmp_path):
    data = tmp_path / "net"
    data.mkdir()
    api_port = free_port()
    proc = _up(data, api_port)
    try:
        ready = _wait(lambda: (data / "up.json").exists() and json.loads(
            (data / "up.json").read_text()), 300, "the network to be ready", proc)
        w3 = Web3(HTTPProvider(ready["rpc_url"]))
        dep = load_manifest(ready["manifest"])
        client = GreenProofClient(w3, dep)
        node_ids = [n["node_id"] for n in ready["nodes"]]
        assert node_ids == [1, 2, 3]
        assert len({n["region"] for n in ready["nodes"]}) == 3
        _wait(lambda: min(_certs_per_node(client, node_ids).values()) >= 2, 600,
              "two certificates per node", proc)

        # Through the relayer: every node's certificates land in its batches, sent from its
        # own account, and the relayer counts them as landed.
        relayer = ready["relayer"]
        assert relayer is not None and relayer["address"] not in (
            dep.deployer, *(n["address"] for n in ready["nodes"]))
        _wait(lambda: min(_relayed_per_node(client, relayer["address"], node_ids).values()) >= 1,
              300, "a certificate of every node landed by the relayer", proc)
        status = _relay_status(relayer["url"])
        assert status["relayer"] == relayer["address"]
        assert status["batches"]["mined"] >= 1
        assert status["items"]["landed"] >= 1

        # The API (fed by the indexer) agrees with balanceOf on-chain for every operator.
        api = ready["api_url"]

        def balances_agree() -> bool:
            for n in ready["nodes"]:
                r = httpx.get(f"{api}/api/v1/credits/balances/{n['address']}", timeout=10)
                if r.status_code != 200:
                    return False
                if int(r.json()["balance_units"]) != client.eco_balance(n["address"]):
                    return False
            return True

        # Rewards vest: each node's first credits become transferable once its first
        # certificate's challenge window (60 s in the demo) has passed and `up` released them.
        _wait(lambda: all(client.eco_balance(n["address"]) > 0 for n in ready["nodes"]), 300,
              "released credits on every node", proc)
        _wait(balances_agree, 60, "API balances to equal balanceOf")
        # The buyer side: one claim and one retirement for the demo beneficiary, indexed,
        # equal to the chain's record.
        def buyer_done() -> dict | None:
            r = httpx.get(f"{api}/api/v1/beneficiaries/{DEMO_BENEFICIARY}", timeout=10)
            b = r.json() if r.status_code == 200 else {}
            return b if b.get("claim_count") == 1 and b.get("retirement_count") == 1 else None

        b = _wait(buyer_done, 300, "the demo claim and retirement", proc)
        assert (b["claimed_energy_mj"], b["claimed_carbon_mg"]) == client.claimed_for(
            DEMO_BENEFICIARY)
        assert int(b["retired_units"]) == client.retired_for(DEMO_BENEFICIARY) > 0
        # Scores differ by grid and efficiency: FR (efficient, clean grid) > US > KR.
        last = {}
        for log in client.green_proof.events.CertificateSubmitted().get_logs(from_block=0):
            record = submitted_args(log.args)["record"]  # the event's four words, unpacked
            last[int(log.args["nodeId"])] = int(record["ecoScore"])
        assert last[1] > last[2] > last[3], last

        # A DAO member trusts nothing: verify every certificate from the chain alone.
        v = subprocess.run([sys.executable, "-m", "ecoai_chain.cli", "verify", "--all",
                            "--rpc", ready["rpc_url"], "--manifest", ready["manifest"], "--json"],
                           capture_output=True, text=True, timeout=300)
        assert v.returncode == 0, v.stdout[-2000:] + v.stderr[-2000:]
        report = json.loads(v.stdout)
        assert len(report["certificates"]) >= 6 and report["valid"]

        # The network runs under the DAO: its one proposal (a lower intensity for the last
        # node's region, from a future epoch) is carried to execution, and the API shows it.
        def executed_proposal() -> dict | None:
            r = httpx.get(f"{api}/api/v1/proposals", timeout=10)
            items = r.json()["items"] if r.status_code == 200 else []
            return next((p for p in items if p["state"] == "Executed"), None)

        p = _wait(executed_proposal, 300, "the DAO proposal to be executed", proc)
        assert p["actions"][0]["action"] == "set-intensity"
        assert dep.governance is not None
        assert not client.has_role("PARAMS_ROLE", dep.deployer)

        # The relayer dies: `ecoai up` starts it again (same account, same queue) and it goes
        # on landing the nodes' certificates.
        before = sum(_relayed_per_node(client, relayer["address"], node_ids).values())
        os.kill(_pid_with_arg(str(data / "relay" / "relay.sqlite")), signal.SIGKILL)
        _wait(lambda: "relayer exited with code -9; started again" in " ".join(
            (tmp_path / "up.log").read_text().split()), 60, "the relayer's restart", proc)
        _wait(lambda: sum(_relayed_per_node(client, relayer["address"], node_ids).values())
              > before, 300, "a certificate landed by the restarted relayer", proc)
        assert _relay_status(relayer["url"])["relayer"] == relayer["address"]

        # Ctrl-C stops every child cleanly.
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        first_address = dep.green_proof
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)

    # Resume: same chain state, same contracts and node ids; certification continues.
    proc2 = _up(data, api_port, "--epochs", "3", "--timeout-s", "600")
    try:
        assert proc2.wait(timeout=700) == 0, (tmp_path / "up.log").read_text()[-3000:]
    finally:
        if proc2.poll() is None:
            os.killpg(proc2.pid, signal.SIGKILL)
    again = json.loads((data / "up.json").read_text())
    assert load_manifest(again["manifest"]).green_proof == first_address
    assert again["relayer"]["address"] == relayer["address"]  # the same relayer account
    assert [n["node_id"] for n in again["nodes"]] == [1, 2, 3]
    log = (tmp_path / "up.log").read_text()
    assert "state reloaded" in log and "reusing GreenProof" in log
    assert "done:" in log.split("reusing GreenProof")[-1]
    # resumed: the claim and the retirement are not made again (the console wraps long lines,
    # so the log is read with its white space folded)
    flat = " ".join(log.split())
    assert flat.count(f"for {DEMO_BENEFICIARY}: claim ") == 1, log[-3000:]
    assert flat.count(f"for {DEMO_BENEFICIARY}: retirement ") == 1, log[-3000:]
