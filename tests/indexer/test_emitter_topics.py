"""The test emitters emit GreenProof's (and EcoCredit's) own events: same topics, same indexed
arguments, so what the indexer learns from them is what it meets from the real contracts."""

from __future__ import annotations

import pytest
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


@pytest.mark.chain
def test_the_hostile_certificate_log_has_the_real_topics_and_record_layout(anvil):
    """HostileEventEmitter.certificateSubmittedRaw logs CertificateSubmitted raw (so a record
    word may be wider than its field): under GreenProof's topic 0 and indexed keys, 14 words
    in CertificateRecord's order, decoded by the indexer into the record GreenProof would have
    emitted, and equal to the typed emit's log of that record."""
    from adversary import Adversary

    from ecoai_chain.indexer.abi import EventDecoder

    gp = _events(load_artifact("GreenProof").abi)["CertificateSubmitted"]
    (record,) = [i for i in gp["inputs"] if i["name"] == "record"]
    adv = Adversary(anvil.rpc_url)
    words = list(range(101, 115))
    words[1:3] = [3, 1_700_006_400]
    e = adv.emitter.functions
    raw, typed = (adv.w3.provider.make_request(
        "eth_getTransactionReceipt", [adv.tx(fn)["transactionHash"].to_0x_hex()])
        ["result"]["logs"][0]
        for fn in (e.certificateSubmittedRaw(9, 3, 1_700_006_400, words),
                   e.certificateSubmitted(9, 3, 1_700_006_400,
                                          (*words[:11], words[11].to_bytes(32, "big"),
                                           *words[12:]))))
    assert raw["topics"][0] == "0x" + event_abi_to_log_topic(gp).hex()
    assert (raw["topics"], raw["data"]) == (typed["topics"], typed["data"])
    log = EventDecoder(load_artifact("GreenProof").abi).decode(raw)
    assert (log.args["certificateId"], log.args["nodeId"], log.args["epochStart"]) == (
        9, 3, 1_700_006_400)
    names = [c["name"] for c in record["components"]]
    expect = dict(zip(names, words, strict=True))
    expect["workloadClass"] = "0x" + words[11].to_bytes(32, "big").hex()
    assert log.args["record"] == expect
