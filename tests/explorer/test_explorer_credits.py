"""What backs an Eco Credit, in real headless Chromium over the real indexer's SQLite file of a
real anvil chain (real proofs from the committed vectors): a fresh certificate's reward is
"locked until" its release time and one under challenge is "held by challenge"; past the
vesting window anyone releases it and, re-indexed, it shows "released"; the operator then moves
every credit away and the DAO revokes it: the operator page shows the debt that follows the
operator, and its node's bond locked and slashed. The API's operator record is checked against
the chain's own views (debtOf, getNode) at each step."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.explorer.pages import _eco, _utc
from tests.vector_chain import submit_vector

pytestmark = [pytest.mark.chain, pytest.mark.slow]
BOND_WEI = 10**15


@pytest.fixture
def credits_world(ready, vector_cert, dev_accounts, anvil, deployment, tmp_path, serve_app):
    from fastapi.testclient import TestClient

    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    client, operator = ready["client"], ready["operators"][0]
    client.with_account(operator).top_up_bond(1, BOND_WEI)
    fresh = submit_vector(ready, vector_cert, 0)
    challenged = submit_vector(ready, vector_cert, 1)
    ChallengeClient(client).set_params(ChallengeParams(10**15, 3, 600, 5_000))
    ChallengeClient(client.with_account(dev_accounts[4])).challenge(challenged)
    db_url = f"sqlite:///{tmp_path}/index.db"
    rpc = JsonRpc(anvil.rpc_url)
    indexer = Indexer(rpc, IndexStore(make_engine(db_url)),
                      config_from_deployment(deployment, confirmations=0))
    indexer.sync()
    settings = ApiSettings(db_url=db_url, manifest=str(deployment.save(tmp_path / "dep.json")))
    with TestClient(create_app(settings)) as api:
        yield {"client": client, "operator": operator, "stranger": dev_accounts[4],
               "fresh": fresh, "challenged": challenged, "indexer": indexer,
               "url": lambda: serve_app(settings), "api": api}
    rpc.close()


def _release_and_revoke_after_moving_credits(w) -> int:
    """Past the vesting window a stranger releases the fresh certificate; the operator moves
    every credit away; the DAO revokes it: nothing to claw back, all of it becomes debt."""
    client, op = w["client"], w["operator"]
    set_chain_time(client.w3, client.get_certificate(w["fresh"])["releaseAt"], at_least=True)
    client.with_account(w["stranger"]).release_rewards([w["fresh"]])  # public release
    w["indexer"].sync()
    return client.eco_balance(op.address)


def _operator_matches_chain(w) -> dict:
    client, op = w["client"], w["operator"].address
    body = w["api"].get(f"/api/v1/operators/{op}").json()
    assert body["debt_units"] == str(client.debt_of(op))
    assert body["rewards"]["escrowed_units"] == str(client.escrowed_of(op))
    node = next(n for n in body["nodes"] if n["node_id"] == 1)
    assert node["bond"]["current_wei"] == str(client.get_node(1)["bondWei"])
    return body


def test_operator_record_follows_debt_and_bond(credits_world):
    w = credits_world
    client, op = w["client"], w["operator"]
    body = _operator_matches_chain(w)
    assert body["in_debt"] is False and body["nodes"][0]["bond"]["locked_wei"] == str(BOND_WEI)
    state = w["api"].get(f"/api/v1/certificates/{w['challenged']}").json()["credits"]
    assert state["state"] == "held" and state["held"] is True
    minted = _release_and_revoke_after_moving_credits(w)
    eco = client.eco_credit.functions
    client.with_account(op)._transact(eco.transfer(w["stranger"].address, minted))
    out = client.revoke(w["fresh"], "meter tampering found in audit")
    w["indexer"].sync()
    assert out["clawed_back_units"] == 0 and out["debt_units"] == minted > 0
    body = _operator_matches_chain(w)
    assert body["debt_units"] == str(minted) and body["in_debt"] is True
    assert body["debt_events"][-1]["kind"] == "revoked"
    assert [(s["node_id"], s["certificate_id"], s["slashed_wei"]) for s in body["slashes"]] == \
        [(1, w["fresh"], str(BOND_WEI))]  # the default slash share is the whole bond
    cert = w["api"].get(f"/api/v1/certificates/{w['fresh']}").json()["credits"]
    assert cert["state"] == "revoked after release" and cert["debt_units"] == str(minted)
    assert cert["clawed_back_units"] == "0" and cert["minted_units"] == str(minted)


@pytest.mark.browser
def test_certificate_locked_then_released_and_the_operator_page(browser, credits_world, shot):
    w = credits_world
    client, url = w["client"], w["url"]()
    fresh, release_at = w["fresh"], client.get_certificate(w["fresh"])["releaseAt"]
    browser.get(f"{url}/certificates/{fresh}")
    state = browser.find_element(By.ID, "credit-state")
    assert state.get_attribute("data-state") == "escrowed"
    assert state.text == f"locked until {_utc(release_at)}"
    assert "50000000 work/kWh" in browser.find_element(By.ID, "credit-ceiling").text
    bound = client.reward_bound(1, "llm-inference", client.get_certificate(fresh)["epochStart"])
    assert f"at most {_eco(bound)} ECO" in browser.find_element(By.ID, "credit-bound").text
    shot("certificate-locked")
    browser.get(f"{url}/certificates/{w['challenged']}")
    assert browser.find_element(By.ID, "credit-state").text.startswith("held by challenge")

    minted = _release_and_revoke_after_moving_credits(w)
    browser.get(f"{url}/certificates/{fresh}")
    state = browser.find_element(By.ID, "credit-state")
    assert state.get_attribute("data-state") == "released"
    assert state.text.startswith("released ") and f"{_eco(minted)} ECO minted" in state.text
    shot("certificate-released")

    eco = client.eco_credit.functions
    client.with_account(w["operator"])._transact(eco.transfer(w["stranger"].address, minted))
    client.revoke(fresh, "meter tampering found in audit")
    w["indexer"].sync()
    browser.get(f"{url}/certificates/{fresh}")
    assert "owed by the operator as debt" in browser.find_element(By.ID, "credit-state").text
    browser.find_element(By.ID, "operator-link").click()
    assert browser.current_url.endswith(f"/operators/{w['operator'].address}")
    debt = browser.find_element(By.ID, "operator-debt")
    assert debt.text.startswith(f"{_eco(minted)} ECO ({minted} units)")
    assert "bad" in debt.get_attribute("class").split()
    node = browser.find_element(By.CSS_SELECTOR, "#operator-nodes tr[data-node='1']")
    cells = [td.text for td in node.find_elements(By.TAG_NAME, "td")]
    assert cells[4:] == [str(BOND_WEI), str(BOND_WEI), "0", "0"]  # locked, slashed, returned
    assert f"#{fresh}" in browser.find_element(By.ID, "operator-slashes").text
    shot("operator")
    browser.get(f"{url}/nodes/1")
    assert browser.find_element(By.ID, "node-bond").text.startswith("0 wei held (locked "
                                                                    f"{BOND_WEI}, slashed")
    browser.find_element(By.ID, "operator-link").click()
    assert browser.current_url.endswith(f"/operators/{w['operator'].address}")
    browser.get(f"{url}/operators/0x12")
    assert "not found" in browser.find_element(By.ID, "error-message").text
