"""The explorer in real headless Chromium: pages load, search works, verify shows its checks.
Screenshots go to test-artifacts/explorer/."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.slow]


def _search(browser, server, text: str, expect_url: str) -> None:
    """Type into the header search box on the home page, submit, wait for ``expect_url``.
    (Waiting on the old element going stale is racy in chromedriver: it can raise "Node with
    given id does not belong to the document" mid-navigation.)"""
    browser.get(server + "/")
    box = browser.find_element(By.ID, "search-input")
    box.clear()
    box.send_keys(text)
    browser.find_element(By.ID, "search-button").click()
    WebDriverWait(browser, 10).until(ec.url_contains(expect_url))
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "return document.readyState") == "complete")


def test_home_shows_totals_and_charts(browser, server, shot):
    browser.get(server + "/")
    assert browser.find_element(By.ID, "total-nodes").text == "2"
    assert browser.find_element(By.ID, "total-certificates").text == "42"
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 3 and all(c.size["width"] > 100 for c in charts)
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart polyline")) == 3
    assert len(browser.find_elements(By.CSS_SELECTOR, "#latest tr")) == 11  # header + 10
    assert shot("home").stat().st_size > 10_000


def test_search_by_certificate_id_tx_hash_and_address(browser, server, world, shot):
    _search(browser, server, "12", "/certificates/12")
    tx = browser.find_element(By.ID, "tx-hash").text
    _search(browser, server, tx, "/certificates/")
    holder = world.accounts[5].address
    _search(browser, server, holder.lower(), f"/address/{holder}")
    assert browser.find_element(By.ID, "balance").text == "2.000000"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#transfers tr")) == 2
    shot("address")
    _search(browser, server, "no such thing", "/search?q=")
    assert "expected an address" in browser.find_element(By.ID, "error-message").text


def test_certificate_verify_button_shows_each_check(browser, server, shot):
    browser.get(server + "/certificates/5")
    fields = browser.find_element(By.ID, "fields").text
    assert "llm-inference" in fields and "400000 mg CO2e/kWh" in fields
    browser.find_element(By.ID, "verify-button").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "verify-overall")))
    checks = {li.get_attribute("data-check"): li for li in
              browser.find_elements(By.CSS_SELECTOR, "#verify-result li.check")}
    assert set(checks) == {"field_range", "proof", "signature", "intensity", "scoring",
                           "ceiling", "not_revoked"}
    assert [li.get_attribute("data-check") for li in browser.find_elements(
        By.CSS_SELECTOR, "#verify-result li.not-run")] == ["record", "verifier_code"]
    assert "ok" in checks["ceiling"].get_attribute("class").split()  # indexed schedule
    assert "50000000 work/kWh" in checks["ceiling"].text
    assert "415000" in checks["intensity"].text and "bad" in checks["intensity"].get_attribute(
        "class")
    assert "ok" in checks["not_revoked"].get_attribute("class")
    assert browser.find_element(By.ID, "verify-overall").text == "certificate NOT verified"
    shot("certificate-verify")


def test_node_page_has_history_charts(browser, server, shot):
    browser.get(server + "/nodes/1")
    assert browser.find_element(By.ID, "node-cert-count").text == "30"
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart polyline")) == 2
    shot("node")
    browser.get(server + "/nodes/77")
    assert "not found" in browser.find_element(By.ID, "error-message").text


def test_real_certificate_verifies_in_the_browser(browser, real_server, real, shot):
    cid = real["ids"][0]
    browser.get(f"{real_server}/certificates/{cid}")
    fields = browser.find_element(By.ID, "fields").text
    assert "60 s × 60" in fields and "public signals" in fields
    browser.find_element(By.ID, "verify-button").click()
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, "verify-overall")))
    checks = browser.find_elements(By.CSS_SELECTOR, "#verify-result li.check")
    assert [c.get_attribute("data-check") for c in checks] == \
        ["field_range", "proof", "signature", "intensity", "scoring", "ceiling", "not_revoked",
         "vkey_hash"]
    assert all("ok" in c.get_attribute("class").split() for c in checks)
    assert "engine fast" in browser.find_element(By.ID, "verify-engine").text
    assert browser.find_element(By.ID, "verify-overall").text == "certificate verified"
    shot("real-certificate-verified")


def test_certificate_page_says_how_its_energy_was_measured(browser, server, world, shot):
    import json

    from fastapi.testclient import TestClient

    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.energy.summary import MeasurementSummary, document, sign_document

    browser.get(server + "/certificates/6")
    note = browser.find_element(By.ID, "measurement-note").text
    assert "Not published" in note  # nothing inferred before the attestor publishes
    with TestClient(create_app(ApiSettings(db_url=world.db_url))) as api:
        c = api.get("/api/v1/certificates/6").json()
        e = c["energy_mj"]
        s = MeasurementSummary(e, {"counter": e - 1_000_000, "integrated_power": 1_000_000},
                               {"counter": 59, "integrated_power": 1}, e - 1_000_000,
                               {"counter_power_mismatch": 2}, 1, 15_000, 100,
                               {"process_utilization": 60}, e // 4)
        doc = sign_document(document(c["node_id"], c["epoch_start_s"], c["root"], s, []),
                            world.accounts[3])
        assert api.put("/api/v1/certificates/6/measurement",
                       content=json.dumps(doc)).status_code == 201
    browser.get(server + "/certificates/6")
    exact = browser.find_element(By.ID, "counter-exact").text
    assert exact.startswith("99.9 % of the energy")  # 99.95 %: floored, never shown as 100 %
    methods = {m.get_attribute("data-method"): m.text for m in
               browser.find_elements(By.CSS_SELECTOR, "#energy-by-method .method")}
    assert set(methods) == {"counter", "integrated_power"}
    assert "1000000 mJ (1 windows)" in methods["integrated_power"]
    assert "counter_power_mismatch: 2" in browser.find_element(By.ID, "flagged-windows").text
    assert "does not cover" in browser.find_element(By.ID, "measurement-note").text
    share = browser.find_element(By.ID, "workload-share").text
    assert share == (f"{e // 4} mJ of {e} mJ by the workload's processes "
                     "(process_utilization: 60 windows)")
    shot("certificate-measurement")
