"""The submission deadline against a real anvil: an epoch held back past it is reported lost
(log, metric, outbox) and never sent again, while a later epoch still inside its deadline lands;
the remaining time of the oldest open epoch is gauged."""

from __future__ import annotations

import logging

import pytest
from chain_world import E, proved_world

from attestor.metrics import Metrics
from attestor.submitter import LOST_TO_DEADLINE, Submitter
from ecoai_chain.chain.devnet import set_chain_time

pytestmark = [pytest.mark.slow, pytest.mark.chain]


def _sample(m: Metrics, name: str) -> float | None:
    return m.registry.get_sample_value(name)


def test_an_epoch_held_back_past_its_deadline_is_lost_once_and_never_retried(tmp_path, caplog):
    with proved_world(tmp_path, epochs=2, deadline_s=E) as s:
        store, base, w3 = s["store"], s["base"], s["w3"]
        # epoch 0's deadline is base + 2E (passed); epoch 1's is base + 3E (E left)
        set_chain_time(w3, base + 2 * E + 1, at_least=True)
        m = Metrics()
        sub = Submitter(store, s["client"], s["attestor"], m, backoff_s=0.1, backoff_max_s=0.5)
        nonce0 = w3.eth.get_transaction_count(s["attestor"].address)
        with caplog.at_level(logging.WARNING):
            assert sub.run_once() == 1
        lost, landed = store.get_epoch(base), store.get_epoch(base + E)
        assert lost.state == "failed" and lost.last_error.startswith(LOST_TO_DEADLINE)
        assert landed.state == "confirmed"
        assert _sample(m, "ecoai_epochs_lost_to_deadline_total") == 1
        assert w3.eth.get_transaction_count(s["attestor"].address) == nonce0 + 1  # epoch 1 only
        assert any(LOST_TO_DEADLINE in r.getMessage() for r in caplog.records)
        # the oldest open epoch (epoch 0) was gauged: already past its deadline
        assert _sample(m, "ecoai_epoch_deadline_seconds_remaining") < 0
        assert sub.run_once() == 0  # never retried: no new transaction, counted once
        assert _sample(m, "ecoai_epochs_lost_to_deadline_total") == 1
        assert w3.eth.get_transaction_count(s["attestor"].address) == nonce0 + 1
        assert s["client"].certificate_of(s["node_id"], base) == 0
