"""A certificate's challenges in real headless Chromium: one challenge answered with the
committed openings (tests/vectors/challenge_openings.json), the opened windows listed with the
values the chain emitted and drawn against the node's max power x window, and one left to
default, which revokes its certificate -- all read from the real indexer's SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from ecoai_chain.chain.challenges import ChallengeClient, ChallengeParams
from tests.vector_chain import submit_vector

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.slow]
OPENINGS = json.loads((Path(__file__).parents[1] / "vectors" / "challenge_openings.json")
                      .read_text())


def _opening(slot: int) -> tuple:
    o = OPENINGS["openings"][slot]
    return (slot, int(o["energy_mj"]), int(o["work"]), int(o["salt"]),
            [[int(x) for x in lvl] for lvl in o["siblings"]])


@pytest.fixture
def challenged_world(ready, vector_cert, dev_accounts, anvil, deployment, tmp_path, serve_app):
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    client = ready["client"]
    w3 = client.w3
    cm = ChallengeClient(client)
    cm.set_params(ChallengeParams(10**15, 3, 600, 5_000))
    answered = submit_vector(ready, vector_cert, OPENINGS["certificate_index"])
    unanswered = submit_vector(ready, vector_cert, 1)
    challenger = ChallengeClient(client.with_account(dev_accounts[4]))
    c1 = challenger.challenge(answered)
    c2 = challenger.challenge(unanswered)
    for _ in range(3):
        w3.provider.make_request("evm_mine", [])
    slots = cm.slots(c1)
    cm.answer(c1, [_opening(s) for s in slots])
    w3.provider.make_request("evm_increaseTime", [601])
    w3.provider.make_request("evm_mine", [])
    assert cm.finalize(c2)["outcome"] == "ChallengeDefaulted"
    db_url = f"sqlite:///{tmp_path}/index.db"
    Indexer(JsonRpc(anvil.rpc_url), IndexStore(make_engine(db_url)),
            config_from_deployment(deployment, confirmations=0)).sync()
    manifest = deployment.save(tmp_path / "deployment.json")
    url = serve_app(ApiSettings(db_url=db_url, manifest=str(manifest)))
    return {"url": url, "answered": answered, "unanswered": unanswered, "c1": c1, "c2": c2,
            "slots": slots}


def test_a_certificate_page_shows_its_challenge_and_the_opened_windows(browser, challenged_world,
                                                                        shot):
    w = challenged_world
    browser.get(f"{w['url']}/certificates/{w['answered']}")
    table = browser.find_element(By.ID, "certificate-challenges")
    assert table.is_displayed() and "answered" in table.text.lower()
    opened = browser.find_element(By.ID, f"opened-windows-{w['c1']}")
    assert opened.is_displayed()
    for s in w["slots"]:  # each opened window's energy, as the chain emitted it
        assert str(int(OPENINGS["openings"][s]["energy_mj"])) in opened.text.replace(",", "")
    chart = browser.find_elements(By.CSS_SELECTOR, "svg")
    assert any("max power x window" in c.get_attribute("outerHTML") for c in chart)
    assert shot("certificate-challenges").stat().st_size > 5_000

    browser.get(f"{w['url']}/certificates/{w['unanswered']}")
    table = browser.find_element(By.ID, "certificate-challenges")
    assert "defaulted" in table.text.lower()
    assert "revoked" in browser.find_element(By.TAG_NAME, "body").text.lower()
