"""The test emitters emit GreenProof's (and EcoCredit's) own events: same topics, same indexed
arguments, so what the indexer learns from them is what it meets from the real contracts."""

from __future__ import annotations

from eth_utils import event_abi_to_log_topic

from ecoai_chain.chain.artifacts import load_artifact


def _events(abi: list[dict]) -> dict[str, dict]:
    return {e["name"]: e for e in abi if e["type"] == "event"}


def test_the_bench_emitter_events_are_greenproofs():
    gp = _events(load_artifact("GreenProof").abi)
    bench = _events(load_artifact("CertificateEventEmitter",
                                  "bench/CertificateEventEmitter.sol").abi)
    assert set(bench) == {"NodeRegistered", "CertificateSubmitted", "CertificateRevoked"}
    for name, entry in bench.items():
        assert event_abi_to_log_topic(entry) == event_abi_to_log_topic(gp[name]), name
        assert entry == gp[name], name  # argument names and indexed flags too


def test_the_hostile_emitter_events_are_the_real_contracts():
    real = {**_events(load_artifact("EcoCredit").abi), **_events(load_artifact("GreenProof").abi)}
    hostile = _events(load_artifact("HostileEventEmitter", "test/IndexerAdversary.sol").abi)
    assert {"NodeRegistered", "CertificateSubmitted", "Transfer"} <= set(hostile)
    for name, entry in hostile.items():
        assert entry == real[name], name
