"""Printable claim and retirement certificates in real headless Chromium: each prints on ONE
page of A4 and of US Letter (Chrome's own PDF printer, Page.printToPDF), with the verification
status and the chain-alone re-verification steps, and without the site's header and search.
The print-media screenshots go to test-artifacts/explorer/ (docs/ keeps a copy)."""

from __future__ import annotations

import base64
import re

import pytest
from selenium.webdriver.common.by import By

from tests.vector_chain import release_now, submit_vector

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.slow]

ECO = 10**18
# (name, paper width and height in inches, PDF points expected)
PAPERS = (("A4", 8.27, 11.69, (595, 842)), ("Letter", 8.5, 11.0, (612, 792)))


def pdf_pages(browser, width_in: float, height_in: float) -> list[tuple[float, float]]:
    """Print the current page with Chrome's printer; the (width, height) in points of each
    page of the PDF (its /Page objects' MediaBox)."""
    out = browser.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": width_in, "paperHeight": height_in, "printBackground": True,
        "preferCSSPageSize": True, "marginTop": 0, "marginBottom": 0, "marginLeft": 0,
        "marginRight": 0})
    pdf = base64.b64decode(out["data"])
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    boxes = [(float(w), float(h)) for w, h in
             re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]
    assert len(boxes) >= pages >= 1
    return boxes[:pages]


def check_printable(browser, url: str, shot, name: str) -> None:
    browser.get(url)
    sheet = browser.find_element(By.ID, "certificate-sheet")
    assert browser.find_element(By.ID, "verification").text.startswith("Verification:")
    howto = browser.find_element(By.ID, "how-to-verify").text
    assert "Re-verify from the chain alone" in howto and "cast call 0x" in howto
    for paper, w, h, (pw, ph) in PAPERS:
        pages = pdf_pages(browser, w, h)
        assert len(pages) == 1, f"{name} prints on {len(pages)} {paper} pages"
        assert abs(pages[0][0] - pw) < 2 and abs(pages[0][1] - ph) < 2, (paper, pages)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.TAG_NAME, "header").is_displayed()
        assert sheet.is_displayed()
        assert shot(name).stat().st_size > 10_000
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.fixture
def printable_world(ready, vector_cert, dev_accounts, anvil, deployment, tmp_path, serve_app):
    from ecoai_chain.api.settings import ApiSettings
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    client = ready["client"]
    eco = client.eco_credit
    client.send(eco.functions.grantRole(eco.functions.MINTER_ROLE().call(),
                                        dev_accounts[0].address))
    client.send(eco.functions.mint(dev_accounts[3].address, 5 * ECO))
    holder = client.with_account(dev_accounts[3])
    beneficiary = dev_accounts[4].address
    rid = holder.retire(2 * ECO + 5 * 10**15, beneficiary,
                        "ACME AI Ltd: GHG inventory FY2026, scope 2 (location-based)")
    # node 1's first certificate, released and claimed in part by its operator
    cert = vector_cert(0)[0]
    cid = submit_vector(ready, vector_cert, 0)
    release_now(client, cid)
    operator = client.with_account(ready["operators"][0])
    claim_id = operator.claim_certificate(
        cid, beneficiary, "ACME AI Ltd: GPU time rented in 2026, scope 2 (location-based)",
        cert["energyMj"] // 2)
    db_url = f"sqlite:///{tmp_path}/index.db"
    ix = Indexer(JsonRpc(anvil.rpc_url), IndexStore(make_engine(db_url)),
                 config_from_deployment(deployment, confirmations=0))
    ix.sync()
    manifest = deployment.save(tmp_path / "deployment.json")
    from ecoai_chain.chain.deployment import default_key_paths

    vkey, _ = default_key_paths()
    assert vkey is not None, "circuits/setup/verification_key.json is missing"
    url = serve_app(ApiSettings(db_url=db_url, manifest=str(manifest), vkey_path=str(vkey)))
    return {"url": url, "retirement_id": rid, "beneficiary": beneficiary, "claim_id": claim_id,
            "certificate_id": cid, "claim": operator.get_claim(claim_id), "indexer": ix,
            "client": client}


def test_claim_certificate_prints_on_one_page(browser, printable_world, shot):
    w = printable_world
    check_printable(browser, f"{w['url']}/claims/{w['claim_id']}", shot, "claim-certificate")
    headline = browser.find_element(By.ID, "claim-headline").text
    assert f"({w['claim']['energy_mj']} mJ)" in headline and w["beneficiary"] in headline
    assert browser.find_element(By.ID, "claim-status").text == "claimed"
    verification = browser.find_element(By.ID, "verification").text
    assert "check out" in verification, verification
    assert f"ecoai verify {w['certificate_id']}" in browser.find_element(
        By.ID, "how-to-verify").text
    # the certificate page lists the claim; search finds it
    browser.get(f"{w['url']}/search?q=claim+{w['claim_id']}")
    assert browser.current_url.endswith(f"/claims/{w['claim_id']}")
    browser.get(f"{w['url']}/certificates/{w['certificate_id']}")
    rows = browser.find_elements(By.CSS_SELECTOR, "#certificate-claims tr")
    assert len(rows) == 2 and "claimed" in rows[1].text


def test_retirement_certificate_prints_on_one_page(browser, printable_world, shot):
    w = printable_world
    check_printable(browser, f"{w['url']}/retirements/{w['retirement_id']}", shot,
                    "retirement-certificate")
    assert "2.005000 ECO" in browser.find_element(By.ID, "retirement-headline").text
    assert browser.find_element(By.ID, "beneficiary").text == w["beneficiary"]
    # the beneficiary's totals, reached by searching for it
    browser.get(f"{w['url']}/search?q=beneficiary+{w['beneficiary'].lower()}")
    assert browser.current_url.endswith(f"/beneficiaries/{w['beneficiary']}")
    assert browser.find_element(By.ID, "retired").text == "2.005000 ECO"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#retirements tr")) == 2


def test_a_claim_page_shows_a_later_revocation(browser, printable_world):
    w = printable_world
    w["client"].revoke(w["certificate_id"], "audit found a tampered meter")
    w["indexer"].sync()
    browser.get(f"{w['url']}/claims/{w['claim_id']}")
    status = browser.find_element(By.ID, "claim-status").text
    assert status == "claimed, certificate revoked since: audit found a tampered meter"
    assert "must not be counted" in browser.find_element(By.ID, "verification").text
    browser.get(f"{w['url']}/beneficiaries/{w['beneficiary']}")
    assert browser.find_element(By.ID, "revoked-claims").text == "1"
    assert browser.find_element(By.ID, "claim-count").text == "0 / 1"
