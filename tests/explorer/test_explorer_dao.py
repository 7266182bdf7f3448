"""The DAO in the explorer, in a real headless Chromium: the proposals list, one proposal with
its state, votes for / against / abstain, quorum, ETA and decoded actions, and the link from
the certificate it revoked back to it."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.dao.scenario import build

pytestmark = [pytest.mark.browser, pytest.mark.chain]


@pytest.fixture
def dao_server(dao, tmp_path):
    from ecoai_chain.api.settings import ApiSettings
    from tests.explorer.conftest import _serve

    history = build(dao, tmp_path / "index.db")

    url, srv, t = _serve(ApiSettings(db_url=history.db_url))
    yield url, history
    srv.should_exit = True
    t.join(timeout=10)


def test_a_proposal_and_its_votes_in_the_explorer(browser, dao_server, shot):
    url, h = dao_server
    browser.get(url + "/")
    browser.find_element(By.ID, "nav-proposals").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#proposals tr.proposal-row")
    assert [r.get_attribute("data-id") for r in rows] == [str(h.pending), str(h.cancelled),
                                                          str(h.executed)]
    assert [r.find_element(By.CSS_SELECTOR, ".state").text for r in rows] == [
        "Pending", "Canceled", "Executed"]
    shot("dao-proposals")

    rows[2].find_element(By.TAG_NAME, "a").click()
    assert browser.find_element(By.ID, "proposal-state").text == "Executed"
    assert browser.find_element(By.ID, "proposal-description").text == (
        "Revoke certificate 1; KR grid is cleaner from 2030")
    assert browser.find_element(By.ID, "votes-for").text.endswith(" ECO")
    assert browser.find_element(By.ID, "votes-abstain").text == "0.000000 ECO"
    assert "reached" in browser.find_element(By.ID, "quorum").text
    assert "executable from then" in browser.find_element(By.ID, "eta").text
    actions = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#actions li")]
    assert (f"revokeCertificate(certificateId=1, record={h.revoked_record}, "
            "reason='meter tampering found in audit')") in actions[0]
    assert actions[0].endswith("revoke")
    assert "setRegionIntensity(region='KR', intensityMgPerKwh=300000" in actions[1]
    votes = {r.find_elements(By.TAG_NAME, "td")[0].text: r.find_elements(By.TAG_NAME, "td")
             for r in browser.find_elements(By.CSS_SELECTOR, "#votes tr.vote")}
    assert votes[h.big.address][1].text == "for"
    assert votes[h.small.address][1].text == "against"
    assert votes[h.small.address][3].text == "I run a KR node"
    shot("dao-proposal")

    browser.find_element(By.CSS_SELECTOR, "a.revoked-cert").click()
    assert "revoked" in browser.find_element(By.TAG_NAME, "h1").text
    link = browser.find_element(By.ID, "revoked-by")
    link.click()
    assert browser.current_url == f"{url}/proposals/{h.executed}"

    browser.get(f"{url}/proposals/{h.cancelled}")
    assert browser.find_element(By.ID, "proposal-state").text == "Canceled"
    assert "by the guardian" in browser.find_element(By.ID, "proposal-fields").text
