"""End to end with REAL certificates: epochs proved with the committed zkey (snarkjs), signed
with EIP-712 by the node's attestor, submitted to GreenProof (which checks the proof with the
generated Groth16Verifier on a real anvil), one revoked; indexed by `ecoai indexer run --once`
from the deployment manifest; then the API's /proof and /verify re-check everything.

Needs the committed ZK artifacts (zkey, wasm, vkey) and the compiled verifier contract
(`make build`); if either is missing the tests fail, naming the file: they are never skipped."""

from __future__ import annotations

import time

import pytest
from eth_account import Account
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.devnet import Anvil, dev_private_key, set_chain_time

pytestmark = [pytest.mark.chain, pytest.mark.slow]
EPOCH_S, WINDOW_S, SLOTS = 3600, 60, 60
INTENSITY = 436_000
BASELINE_NG_PER_WORK = 5_000_000
CEILING_WORK_PER_KWH = 50_000_000
CHALLENGE_WINDOW_S = 600
LATER_CEILING_WORK_PER_KWH = 1  # scheduled after the certificates: must not apply to them


@pytest.fixture(scope="session")
def real(tmp_path_factory):
    from ecoai_chain.chain.artifacts import load_artifact
    from ecoai_chain.zk.artifacts import zk_artifacts

    arts = zk_artifacts()
    load_artifact("Groth16Verifier")
    from fastapi.testclient import TestClient

    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import deploy_all
    from ecoai_chain.chain.eip712 import (
        rotate_attestor_typed_data,
        sign_certificate,
        sign_typed_data,
    )
    from ecoai_chain.cli import main as ecoai
    from ecoai_chain.core.signals import from_public_signals
    from ecoai_chain.zk.prover import Prover
    from ecoai_chain.zk.witness import EpochInput

    tmp = tmp_path_factory.mktemp("real")
    admin, operator, attestor, rotated = (Account.from_key(dev_private_key(i))
                                          for i in (0, 1, 2, 3))
    with Anvil() as node:
        w3 = Web3(HTTPProvider(node.rpc_url, request_kwargs={"timeout": 60}))
        dep = deploy_all(w3, admin, EPOCH_S, vkey_path=arts.vkey, zkey_path=arts.zkey)
        manifest = dep.save(tmp / "deployment.json")
        client = GreenProofClient(w3, dep, admin)
        node_id = client.with_account(operator).register_node(attestor.address, "KR", 700_000,
                                                              "ipfs://real-node")
        client.activate_node(node_id)
        # Parameters apply from now on only: schedule them, certify the epochs that follow.
        t = client.effective_soon_s()
        client.set_region_intensity("KR", INTENSITY, t)
        client.set_baseline("llm-inference", BASELINE_NG_PER_WORK, t)
        client.set_efficiency_ceiling("llm-inference", CEILING_WORK_PER_KWH, t)
        client.set_challenge_window(CHALLENGE_WINDOW_S, t)
        first = -(-t // EPOCH_S) * EPOCH_S
        set_chain_time(w3, first + 2 * EPOCH_S)
        ids, certs = [], []
        signers = []
        with Prover(arts) as prover:
            for k in range(2):  # one stays valid, one gets revoked
                if k == 1:  # the operator rotates the attestor key between the two epochs
                    typed = rotate_attestor_typed_data(
                        w3.eth.chain_id, dep.green_proof, node_id, rotated.address,
                        client.get_node(node_id)["attestorNonce"])
                    client.with_account(operator).rotate_attestor(
                        node_id, rotated.address, sign_typed_data(attestor, typed))
                    attestor = rotated
                epoch = EpochInput(
                    node_id=node_id, epoch_start_s=first + k * EPOCH_S, window_s=WINDOW_S,
                    slot_energy_mj=[20_000_000 + 1000 * i + k for i in range(SLOTS)],
                    slot_work=[1_000 + i for i in range(SLOTS)], intensity_mg_per_kwh=INTENSITY,
                    max_power_mw=700_000, seed=bytes([7 + k]) * 32)
                bundle = prover.prove(epoch)
                cert = {**from_public_signals(bundle.public_signals),
                        "workload_class": "llm-inference"}
                sig = sign_certificate(attestor, w3.eth.chain_id, dep.green_proof, cert)
                ids.append(client.submit_certificate(cert, bundle, sig))
                signers.append(attestor.address)
                certs.append((cert, bundle))
        client.revoke(ids[-1], "meter tampering found in audit")  # inside its window: cancelled
        set_chain_time(w3, client.get_certificate(ids[0])["releaseAt"])
        client.release_rewards([ids[0]])  # the valid one vests and is minted
        # The DAO lowers the ceiling afterwards: from now on only, so the certificates keep
        # the ceiling (and bound) of their epoch start.
        client.set_efficiency_ceiling("llm-inference", LATER_CEILING_WORK_PER_KWH,
                                      client.effective_soon_s())
        db_url = f"sqlite:///{tmp}/index.db"
        t0 = time.perf_counter()
        rc = ecoai(["indexer", "run", "--manifest", str(manifest), "--db", db_url,
                    "--confirmations", "0", "--once"])
        assert rc == 0
        settings = ApiSettings(db_url=db_url, manifest=str(manifest), vkey_path=str(arts.vkey))
        app = create_app(settings)
        with TestClient(app) as api:
            yield {"api": api, "ids": ids, "certs": certs, "w3": w3, "client": client,
                   "index_s": time.perf_counter() - t0, "operator": operator,
                   "settings": settings, "signers": signers}


def test_certificate_fields_match_the_chain(real):
    api, client = real["api"], real["client"]
    for cid, (cert, _) in zip(real["ids"], real["certs"], strict=True):
        body = api.get(f"/api/v1/certificates/{cid}").json()
        onchain = client.get_certificate(cid)
        assert body["energy_mj"] == cert["total_energy_mj"] == onchain["energyMj"]
        assert body["carbon_mg"] == onchain["carbonMg"] and body["eco_score"] == \
            onchain["ecoScore"]
        assert int(body["reward_units"]) == onchain["rewardUnits"]
        assert body["window_s"] == WINDOW_S and body["slot_count"] == SLOTS
    assert api.get(f"/api/v1/certificates/{real['ids'][-1]}").json()["revoked"] is True


def test_proof_and_public_signals_come_from_calldata(real):
    api = real["api"]
    cid = real["ids"][0]
    cert, bundle = real["certs"][0]
    body = api.get(f"/api/v1/certificates/{cid}/proof").json()
    assert body["available"] is True
    assert [int(s) for s in body["public_signals"]] == list(bundle.public_signals)
    assert [int(x) for x in body["proof_snarkjs"]["pi_a"][:2]] == \
        [int(x) for x in bundle.proof["pi_a"][:2]]
    assert [[int(x) for x in row] for row in body["proof_snarkjs"]["pi_b"][:2]] == \
        [[int(x) for x in row] for row in bundle.proof["pi_b"][:2]]


def test_verify_passes_every_check_on_a_real_certificate(real):
    body = real["api"].post(f"/api/v1/certificates/{real['ids'][0]}/verify").json()
    # The checks of `ecoai verify` (verify.checks): every one the index supports runs and passes;
    # the two that need a chain RPC are reported as not run, never as passed.
    assert {c["name"]: c["ok"] for c in body["checks"]} == {
        "field_range": True, "proof": True, "signature": True, "intensity": True,
        "scoring": True, "ceiling": True, "not_revoked": True}, body
    # the ceiling and bound come from the indexed ParameterScheduled schedule, as the chain has
    ceiling = next(c for c in body["checks"] if c["name"] == "ceiling")["detail"]
    cert = real["client"].get_certificate(real["ids"][0])
    bound = real["client"].reward_bound(cert["nodeId"], "llm-inference", cert["epochStart"])
    assert f"ceiling {CEILING_WORK_PER_KWH} work/kWh" in ceiling
    assert f"per-epoch bound {bound} units" in ceiling, ceiling
    assert [c["name"] for c in body["not_run"]] == ["record"]
    assert [c["name"] for c in body["global_not_run"]] == ["verifier_code"]
    assert all("needs chain RPC" in c["detail"] for c in body["not_run"] + body["global_not_run"])
    assert {c["name"]: c["ok"] for c in body["global_checks"]} == {"vkey_hash": True}
    assert body["engine"] == "fast" and "engine fast" in \
        next(c for c in body["checks"] if c["name"] == "proof")["detail"]
    assert body["valid"] is True


def test_verify_resolves_the_attestor_at_the_certificate_block(real):
    """Certificate 1 was signed by the first attestor, which the operator then rotated away:
    the API (like `ecoai verify`) must check it against the attestor at its block, not the
    node's current one -- and certificate 2 against the rotated key."""
    api, first, later = real["api"], real["ids"][0], real["ids"][-1]
    node = api.get("/api/v1/nodes/1").json()
    assert node["attestor"] == real["signers"][-1] != real["signers"][0]
    older = {c["name"]: c for c in api.post(f"/api/v1/certificates/{first}/verify")
             .json()["checks"]}
    assert older["signature"]["ok"] is True, older["signature"]
    assert real["signers"][0] in older["signature"]["detail"]
    newer = {c["name"]: c for c in api.post(f"/api/v1/certificates/{later}/verify")
             .json()["checks"]}
    assert newer["signature"]["ok"] is True and real["signers"][-1] in \
        newer["signature"]["detail"]


def test_verify_flags_the_revoked_certificate(real):
    body = real["api"].post(f"/api/v1/certificates/{real['ids'][-1]}/verify").json()
    checks = {c["name"]: c for c in body["checks"]}
    assert checks["proof"]["ok"] and checks["signature"]["ok"]
    assert not checks["not_revoked"]["ok"] and "meter tampering" in \
        checks["not_revoked"]["detail"]
    assert body["valid"] is False


def test_credits_minted_by_greenproof_are_indexed(real):
    api, client, op = real["api"], real["client"], real["operator"]
    body = api.get(f"/api/v1/credits/balances/{op.address}").json()
    assert int(body["balance_units"]) == client.eco_balance(op.address) > 0
    assert client.eco_balance(op.address) == client.get_certificate(real["ids"][0])["rewardUnits"]
    supply = int(api.get("/api/v1/credits/supply").json()["total_supply_units"])
    assert supply == client.eco_credit.functions.totalSupply().call()


def test_each_certificate_shows_its_reward_state_ceiling_and_bound(real):
    """The API's certificate JSON against the chain: the released one (minted, release time),
    the one revoked in escrow (cancelled), each with the ceiling and per-epoch bound of its
    epoch start -- not the lower ceiling the DAO scheduled after them."""
    api, client = real["api"], real["client"]
    for cid, state in zip(real["ids"], ("released", "cancelled"), strict=True):
        onchain = client.get_certificate(cid)
        credits = api.get(f"/api/v1/certificates/{cid}").json()["credits"]
        assert credits["state"] == state and credits["held"] is False
        assert credits["reward_units"] == str(onchain["rewardUnits"])
        assert credits["release_at_s"] == onchain["releaseAt"]
        assert credits["ceiling_work_per_kwh"] == CEILING_WORK_PER_KWH
        assert credits["baseline_ng_per_work"] == BASELINE_NG_PER_WORK
        assert credits["epoch_length_s"] == EPOCH_S
        assert credits["bound_units"] == str(client.reward_bound(
            onchain["nodeId"], "llm-inference", onchain["epochStart"]))
        assert int(credits["bound_units"]) >= onchain["rewardUnits"]
        if state == "released":
            assert credits["minted_units"] == str(onchain["rewardUnits"])
            assert credits["withheld_units"] == "0" and credits["cancelled_units"] is None
        else:
            assert credits["cancelled_units"] == str(onchain["rewardUnits"])
            assert credits["minted_units"] is None and credits["released_at_s"] is None
            # revoked in escrow: nothing to claw back, no debt
            assert credits["clawed_back_units"] == "0" and credits["debt_units"] == "0"
    now = client.efficiency_ceiling_at("llm-inference", client.chain_time_s() + 60)
    assert now == LATER_CEILING_WORK_PER_KWH  # the schedule did change, later


def test_the_operator_record_matches_the_chain(real):
    api, client, op = real["api"], real["client"], real["operator"].address
    body = api.get(f"/api/v1/operators/{op.lower()}").json()
    assert body["operator"] == op
    assert body["debt_units"] == str(client.debt_of(op)) == "0" and body["in_debt"] is False
    released, cancelled = (client.get_certificate(c)["rewardUnits"] for c in real["ids"])
    assert body["rewards"] == {
        "escrowed_units": str(client.escrowed_of(op)), "released_units": str(released),
        "minted_units": str(released), "withheld_units": "0",
        "cancelled_units": str(cancelled), "clawed_back_units": "0"}
    assert [n["node_id"] for n in body["nodes"]] == [1]
    assert body["nodes"][0]["bond"]["current_wei"] == str(client.get_node(1)["bondWei"])
    assert body["bond_wei"] == str(client.get_node(1)["bondWei"])
    assert api.get(f"/api/v1/operators/{real['signers'][0]}").status_code == 404
    bad = api.get("/api/v1/operators/0x12345")
    assert bad.status_code == 422 and bad.json()["field"] == "address"


def _tampered_api(real, tmp_path, sql: str, **params):
    """The API over a copy of the real index file, changed by ``sql`` (real SQLite)."""
    import shutil
    import sqlite3

    from fastapi.testclient import TestClient

    from ecoai_chain.api.app import create_app

    src = real["settings"].db_url.removeprefix("sqlite:///")
    dst = tmp_path / "index.db"
    with sqlite3.connect(src) as c:  # a consistent copy while the WAL may hold pages
        c.execute("PRAGMA wal_checkpoint(FULL)")
    shutil.copy(src, dst)
    with sqlite3.connect(dst) as c:
        assert c.execute(sql, params).rowcount >= 1
    settings = real["settings"].model_copy(update={"db_url": f"sqlite:///{dst}"})
    return TestClient(create_app(settings))


def _ceiling_check(api, cid) -> dict:
    body = api.post(f"/api/v1/certificates/{cid}/verify").json()
    return next(c for c in body["checks"] if c["name"] == "ceiling") | {"valid": body["valid"]}


def test_verify_ceiling_fails_when_the_schedule_in_force_is_lower(real, tmp_path):
    """The index's ceiling schedule decides the check: with the entry in force at the epoch
    start lowered below the certificate's efficiency, the ceiling check fails, naming it."""
    cid = real["ids"][0]
    api = _tampered_api(real, tmp_path, "UPDATE parameter_schedule SET value = 1000 "
                        "WHERE param_name = 'efficiency_ceiling' AND value = :v",
                        v=CEILING_WORK_PER_KWH)
    with api:
        check = _ceiling_check(api, cid)
    assert check["ok"] is False and check["valid"] is False
    assert "above the ceiling 1000 work/kWh" in check["detail"], check


def test_verify_ceiling_ignores_a_schedule_entry_indexed_after_the_certificate(real, tmp_path):
    """Parameters are fixed in time: an entry effective at the epoch start but indexed after
    the certificate's log (the chain refuses such a backdated set) is not the ceiling that
    applied; the check still uses the one scheduled before it, and passes."""
    cid = real["ids"][0]
    cert = real["client"].get_certificate(cid)
    api = _tampered_api(
        real, tmp_path,
        "UPDATE parameter_schedule SET effective_from_s = :t WHERE param_name = "
        "'efficiency_ceiling' AND value = :v", t=cert["epochStart"],
        v=LATER_CEILING_WORK_PER_KWH)
    with api:
        check = _ceiling_check(api, cid)
        credits = api.get(f"/api/v1/certificates/{cid}").json()["credits"]
    assert check["ok"] is True, check
    assert f"ceiling {CEILING_WORK_PER_KWH} work/kWh" in check["detail"]
    assert credits["ceiling_work_per_kwh"] == CEILING_WORK_PER_KWH
