"""The chain's tables as of a certificate's log, rebuilt from indexed events (what /verify
checks against): only events strictly before that log count, in the same block too. A real
SQLite index file; rows as the indexer writes them."""

from __future__ import annotations

from ecoai_chain.api.queries import Queries
from ecoai_chain.indexer.db import make_engine
from ecoai_chain.indexer.models import BaselineChange, Node, NodeEvent, RegionIntensity
from ecoai_chain.indexer.store import T

A, B, C = ("0x" + c * 40 for c in "abc")


def _at(block: int, log_index: int) -> dict:
    return {"block_number": block, "log_index": log_index, "tx_hash": f"0x{block:x}{log_index:x}"}


def test_attestor_intensity_and_baseline_as_of_a_log(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/index.db")
    with engine.begin() as c:
        c.execute(T[Node].insert().values(
            node_id=1, operator=C, attestor=C, registered_attestor=A, region="KR",
            max_power_mw=1, metadata_uri="", metadata_uri_raw=b"", status=1, status_reason="",
            registered_block=1, registered_tx="0x1", registered_log_index=0))
        c.execute(T[NodeEvent].insert(), [
            {"node_id": 1, "kind": "attestor", "status": None, "reason": None, "attestor": B,
             **_at(5, 3)},
            {"node_id": 1, "kind": "attestor", "status": None, "reason": None, "attestor": C,
             **_at(9, 0)},
            {"node_id": 1, "kind": "status", "status": 2, "reason": "x", "attestor": None,
             **_at(9, 1)}])
        c.execute(T[RegionIntensity].insert(), [
            {"region": "KR", "intensity_mg_per_kwh": 400, "effective_from_s": 0, **_at(2, 0)},
            {"region": "KR", "intensity_mg_per_kwh": 410, "effective_from_s": 0, **_at(5, 1)},
            {"region": "KR", "intensity_mg_per_kwh": 999, "effective_from_s": 7200,
             **_at(3, 0)}])
        c.execute(T[BaselineChange].insert(), [
            {"workload_class": "llm", "baseline_ng_per_work": "5", "effective_from_s": 0,
             **_at(4, 0)},
            {"workload_class": "llm", "baseline_ng_per_work": str(2**100),
             "effective_from_s": 0, **_at(5, 4)},
            # scheduled in block 5 for later epochs only: a held-back epoch keeps 2**100
            {"workload_class": "llm", "baseline_ng_per_work": "31", "effective_from_s": 7200,
             **_at(5, 5)}])
    q = Queries(engine)
    # a certificate logged in block 5 at index 2: before the rotation (5, 3), after (5, 1)
    assert q.attestor_at(1, (5, 2)) == A
    assert q.attestor_at(1, (5, 4)) == B
    assert q.attestor_at(1, (9, 0)) == B and q.attestor_at(1, (9, 1)) == C
    assert q.attestor_at(1) == C and q.attestor_at(2, (5, 2)) is None
    assert q.intensity_at("KR", 3600, (5, 1)) == 400   # the replacing set is not before it
    assert q.intensity_at("KR", 3600, (5, 2)) == 410
    assert q.intensity_at("KR", 7200, (5, 2)) == 999   # effective at that epoch start
    assert q.intensity_at("KR", 3600, (2, 0)) is None
    assert q.baseline_at("llm", 3600, (4, 0)) == (0, False)
    assert q.baseline_at("llm", 3600, (5, 4)) == (5, True)
    assert q.baseline_at("llm", 3600, (6, 0)) == (2**100, True)  # not the newer schedule
    assert q.baseline_at("llm", 7200, (6, 0)) == (31, True)      # in force from 7200 on
    assert q.baseline_at("llm", 7200, (5, 5)) == (2**100, True)  # not yet scheduled then
    assert q.baseline_at("image", 3600, (6, 0)) == (0, False)
