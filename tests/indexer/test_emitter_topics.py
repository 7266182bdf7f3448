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
    """HostileEventEmitter.certificateSubmittedRaw logs CertificateSubmitted with any four data
    words: under GreenProof's topic 0 and indexed keys, equal to the typed emit's log of the
    record those words carry (packed by RecordWords, as GreenProof packs it), and decoded by
    the indexer into that record, its node and epoch the topics."""
    from adversary import Adversary

    from ecoai_chain.chain.record_words import RECORD_MEMBERS, pack
    from ecoai_chain.indexer.abi import EventDecoder

    gp = _events(load_artifact("GreenProof").abi)["CertificateSubmitted"]
    assert [i["name"] for i in gp["inputs"] if not i["indexed"]] == [
        "root", "fieldsA", "fieldsB", "workloadClass"]
    adv = Adversary(anvil.rpc_url)
    record = dict(zip(RECORD_MEMBERS, range(101, 115), strict=True))
    record.update(nodeId=3, epochStart=1_700_006_400, workloadClass=(112).to_bytes(32, "big"),
                  work=2**80 - 1, rewardUnits=2**160 - 1, releaseAt=2**48 - 1)
    fields_a, fields_b = pack(record)
    e = adv.emitter.functions
    raw, typed = (adv.w3.provider.make_request(
        "eth_getTransactionReceipt", [adv.tx(fn)["transactionHash"].to_0x_hex()])
        ["result"]["logs"][0]
        for fn in (e.certificateSubmittedRaw(9, 3, 1_700_006_400, record["root"], fields_a,
                                             fields_b, record["workloadClass"]),
                   e.certificateSubmitted(9, 3, 1_700_006_400, tuple(record.values()))))
    assert raw["topics"][0] == "0x" + event_abi_to_log_topic(gp).hex()
    assert (raw["topics"], raw["data"]) == (typed["topics"], typed["data"])
    assert len(raw["data"]) == 2 + 64 * 4
    log = EventDecoder(load_artifact("GreenProof").abi).decode(raw)
    assert set(log.args) == {"certificateId", "nodeId", "epochStart", "record"}
    assert (log.args["certificateId"], log.args["nodeId"], log.args["epochStart"]) == (
        9, 3, 1_700_006_400)
    assert log.args["record"] == {**record, "workloadClass": "0x" + (112).to_bytes(32, "big").hex()}
