"""`ecoai up`'s supervisor with real child processes: an unexpected exit stops the network,
except for a child that may be restarted (the relayer), which is started again with the same
command, environment and log, up to its limit; relay_service's console line."""

from __future__ import annotations

import sys

import pytest

from ecoai_chain.errors import ChildExited
from ecoai_chain.network.relay_service import relay_line
from ecoai_chain.network.supervisor import Supervisor

# Appends one line (its environment's WHO) to the log, then exits with code 3.
DIES = [sys.executable, "-c", "import os, sys; print('ran', os.environ['WHO']); sys.exit(3)"]
SLEEPS = [sys.executable, "-c", "import time; time.sleep(60)"]


def _exited(child) -> None:
    child.proc.wait(timeout=30)


def test_a_child_without_restarts_stops_the_network_with_its_log(tmp_path):
    sup = Supervisor(tmp_path)
    try:
        child = sup.start("indexer", DIES, env={"WHO": "indexer"})
        _exited(child)
        with pytest.raises(ChildExited, match=r"indexer exited with code 3;(.|\n)*ran indexer"):
            sup.check()
    finally:
        sup.stop_all()


def test_a_restartable_child_is_started_again_up_to_its_limit(tmp_path):
    sup = Supervisor(tmp_path)
    try:
        steady = sup.start("api", SLEEPS)
        child = sup.start("relayer", DIES, env={"WHO": "relayer"}, restart_limit=2)
        _exited(child)
        first = child.proc
        lines = sup.check()
        assert lines and "relayer exited with code 3; started again (1 of 2" in lines[0]
        assert child.proc is not first and child.restarts == 1
        _exited(child)
        assert "(2 of 2" in sup.check()[0]
        _exited(child)
        with pytest.raises(ChildExited, match=r"relayer exited with code 3 \(restarted 2 times"):
            sup.check()
        # Each run wrote to the same log, with the same environment; the other child ran on.
        assert (tmp_path / "relayer.log").read_text().splitlines() == ["ran relayer"] * 3
        assert steady.proc.poll() is None
    finally:
        sup.stop_all()


def test_a_running_restartable_child_is_left_alone(tmp_path):
    sup = Supervisor(tmp_path)
    try:
        child = sup.start("relayer", SLEEPS, restart_limit=1)
        assert sup.check() == [] and child.restarts == 0
    finally:
        sup.stop_all()
    assert child.proc.poll() is not None  # stopped with the rest


def test_relay_line_shows_counts_or_that_it_is_down():
    status = {"items": {"queued": 1, "submitted": 2, "landed": 7, "skipped": 0, "refused": 1},
              "batches": {"sent": 3, "mined": 3, "reverted": 0}, "gas_used": 1_234_567}
    assert relay_line(status) == ("relayer: 1 queued, 2 sent, 7 landed, 0 skipped, 1 refused; "
                                  "3 batches, 1,234,567 gas")
    assert "not answering" in relay_line(None)
