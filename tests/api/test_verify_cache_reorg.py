"""/verify's cache after a reorg: the certificate an id names is replaced by a different one
(another block, another transaction, another epoch); the cached answer of the dropped one must
not be served for it. Real anvil (evm_snapshot/evm_revert), real indexer, real SQLite."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecoai_chain.api.app import create_app
from ecoai_chain.api.settings import ApiSettings
from tests.api.test_verify_cache import small  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.chain


def test_a_reorg_replacing_a_certificate_is_not_answered_from_the_cache(small, w3):  # noqa: F811
    app = create_app(ApiSettings(db_url=small["db_url"], verify_rate_per_min=600,
                                 verify_burst=100))
    emitter = small["emitter"]
    snap = w3.provider.make_request("evm_snapshot", [])["result"]
    small["tx"](emitter.functions.emitCertificates(1, 1_800_000_000, 1))  # certificate 4
    small["indexer"].sync()
    with TestClient(app) as c:
        first = c.post("/api/v1/certificates/4/verify")
        assert first.status_code == 200 and first.headers["x-verify-cache"] == "miss"
        assert c.post("/api/v1/certificates/4/verify").headers["x-verify-cache"] == "hit"
        dropped = c.get("/api/v1/certificates/4").json()

        w3.provider.make_request("evm_revert", [snap])
        w3.provider.make_request("evm_mine", [])
        small["tx"](emitter.functions.emitCertificates(1, 1_900_000_000, 1))  # another 4
        w3.provider.make_request("evm_mine", [])
        small["indexer"].sync()
        now = c.get("/api/v1/certificates/4").json()
        assert now["epoch_start_s"] == 1_900_000_000 != dropped["epoch_start_s"]
        assert now["tx_hash"] != dropped["tx_hash"]
        after = c.post("/api/v1/certificates/4/verify")
        assert after.status_code == 200 and after.headers["x-verify-cache"] == "miss"
        assert after.json() != first.json()
