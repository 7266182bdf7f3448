"""`ecoai attestor measurement EPOCH --publish URL` against the real API served by uvicorn over
the real-chain world: the agent's signed summary reaches the certificate's API entry and page."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By

from attestor.config import AttestorSettings, write_config
from attestor.store import EpochRecord, Store
from ecoai_chain.cli import main
from ecoai_chain.energy.summary import MeasurementSummary, document, sign_document

pytestmark = [pytest.mark.chain, pytest.mark.slow]


def test_operator_publishes_an_epochs_summary_and_the_explorer_shows_it(
        tmp_path, server, world, browser, capsys):
    import httpx

    cert = httpx.get(f"{server}/api/v1/certificates/8").json()
    e = cert["energy_mj"]
    s = MeasurementSummary(e, {"counter": e}, {"counter": 60}, e, {}, 0, 0, 100)
    doc = sign_document(document(1, cert["epoch_start_s"], cert["root"], s, ["ab" * 32]),
                        world.accounts[3])
    settings = AttestorSettings(data_dir=tmp_path, energy_source="rapl")
    cfg = write_config(settings)
    store = Store(settings.db_path)
    store.add_epoch(EpochRecord(epoch_start_s=cert["epoch_start_s"], state="sealed", node_id=1,
                                window_s=60, slot_count=60))
    assert main(["attestor", "measurement", str(cert["epoch_start_s"]), "-c", str(cfg)]) == 1
    assert "no signed measurement summary yet (state sealed" in capsys.readouterr().err
    store.update_epoch(cert["epoch_start_s"], state="confirmed", certificate_id=8,
                       measurement_json=json.dumps(doc))
    assert main(["attestor", "measurement", str(cert["epoch_start_s"]), "-c", str(cfg)]) == 0
    assert json.loads(capsys.readouterr().out)["hash"] == doc["hash"]
    assert main(["attestor", "measurement", str(cert["epoch_start_s"]), "-c", str(cfg),
                 "--publish", server]) == 0
    assert "published: certificate 8, counter-exact 1.000000" in capsys.readouterr().out
    browser.get(server + "/certificates/8")
    assert browser.find_element(By.ID, "counter-exact").text.startswith("100.0 % of the energy")
    assert main(["attestor", "measurement", "1", "-c", str(cfg)]) == 1
    assert "not in this agent's outbox" in capsys.readouterr().err
