"""The submission deadline against a real anvil: an epoch held back past it is reported lost
(log, metric, outbox, status) and never sent again, while later epochs inside their deadline
land; the oldest open epoch's remaining time is gauged, with a warning in its last 25 %."""

from __future__ import annotations

import logging

import pytest
from chain_world import E, proved_world

from attestor.deadline import LOST_TO_DEADLINE, deadline_report, status_line
from attestor.metrics import Metrics
from attestor.submitter import Submitter
from ecoai_chain.chain.devnet import set_chain_time

pytestmark = [pytest.mark.slow, pytest.mark.chain]
LONG_S = 1000  # the later epochs' deadline (s after their end)


def _sample(m: Metrics, name: str) -> float | None:
    return m.registry.get_sample_value(name)


def test_an_epoch_held_back_past_its_deadline_is_lost_once_and_never_retried(tmp_path, caplog):
    def deadlines(admin, t, base):  # epoch 0: E after its end; later epochs: LONG_S after
        admin.set_submission_deadline(E, t)
        admin.set_submission_deadline(LONG_S, base + E)

    with proved_world(tmp_path, epochs=3, schedule=deadlines) as s:
        store, base, w3, client = s["store"], s["base"], s["w3"], s["client"]
        # Now: epoch 0's deadline (base + 2E) passed; epoch 1 (deadline base + 2E + LONG_S)
        # has LONG_S / 5 left, inside its last 25 % (and ample time to land).
        set_chain_time(w3, base + 2 * E + LONG_S * 4 // 5, at_least=True)
        before = deadline_report(store, client)
        assert before["oldest_open"]["epoch_start_s"] == base
        assert before["oldest_open"]["remaining_s"] < 0 and before["oldest_open"]["warning"]
        m = Metrics()
        sub = Submitter(store, client, s["attestor"], m, backoff_s=0.1, backoff_max_s=0.5)
        nonce0 = w3.eth.get_transaction_count(s["attestor"].address)
        with caplog.at_level(logging.WARNING):
            assert sub.run_once() == 2
        lost = store.get_epoch(base)
        assert lost.state == "failed" and lost.last_error.startswith(LOST_TO_DEADLINE)
        assert [store.get_epoch(base + k * E).state for k in (1, 2)] == ["confirmed"] * 2
        assert _sample(m, "ecoai_epochs_lost_to_deadline_total") == 1
        assert w3.eth.get_transaction_count(s["attestor"].address) == nonce0 + 2  # 1 and 2 only
        messages = [r.getMessage() for r in caplog.records]
        assert any(LOST_TO_DEADLINE in msg for msg in messages)
        assert any("approaching the submission deadline" in msg for msg in messages)
        left = _sample(m, "ecoai_epoch_deadline_seconds_remaining")  # epoch 1's, chain time
        assert 0 <= left <= LONG_S // 5
        assert sub.run_once() == 0  # never retried: no new transaction, counted once
        assert _sample(m, "ecoai_epochs_lost_to_deadline_total") == 1
        assert w3.eth.get_transaction_count(s["attestor"].address) == nonce0 + 2
        assert client.certificate_of(s["node_id"], base) == 0
        after = deadline_report(store, client)
        assert after == {"lost_epochs": [base]}
        assert f"1 epoch(s) lost to it ({base})" in status_line(after)
