"""A stranger's copies of CertificateSubmitted against the indexer (issue 16: the record lives
only in the event), on a real anvil with the real GreenProof: a contract of the stranger's
emits the event with GreenProof's topics (the id, node and epoch of a landed certificate, and
of the next one before it lands) and a richer record. The indexer, configured from the
deployment, stores every certificate's record as GreenProof emitted it and nothing of the
copies: not as rows, not in the node's totals, not as quarantined logs."""

from __future__ import annotations

import pytest
from adversary import Adversary
from sqlalchemy import func, select

from ecoai_chain.chain.client_certificates import record_abi
from ecoai_chain.indexer.models import Certificate, Node, QuarantinedLog
from ecoai_chain.indexer.store import T

pytestmark = pytest.mark.chain


def _richer(names: list[str], record: tuple) -> tuple:
    out = list(record)
    out[names.index("rewardUnits")] *= 1000
    out[names.index("energyMj")] *= 2
    out[names.index("carbonMg")] *= 2
    out[names.index("ecoScore")] = 100
    return tuple(out)


def test_copies_of_the_event_from_another_contract_are_not_indexed(anvil, make_indexer):
    adv = Adversary(anvil.rpc_url)
    names = [c["name"] for c in record_abi(adv.gp.abi)["components"]]
    first = adv.client.submit_certificate(*adv.signed(0))
    record = adv.client.certificate_record(first)
    at = {n: k for k, n in enumerate(names)}
    adv.tx(adv.emitter.functions.certificateSubmitted(
        first, record[at["nodeId"]], record[at["epochStart"]], _richer(names, record)))
    cert1, _, _ = adv.signed(1)  # announced before it lands, under the id it will get
    announced = list(_richer(names, record))
    announced[at["epochStart"]] = cert1["epochStart"]
    adv.tx(adv.emitter.functions.certificateSubmitted(
        first + 1, cert1["nodeId"], cert1["epochStart"], tuple(announced)))
    second = adv.client.submit_certificate(*adv.signed(1))
    assert second == first + 1
    ix = make_indexer(adv.config())
    ix.sync()
    with ix.store.engine.connect() as c:
        rows = {r["certificate_id"]: r for r in c.execute(select(T[Certificate])).mappings()}
        node = c.execute(select(T[Node]).where(T[Node].c.node_id == 1)).mappings().one()
        quarantined = c.execute(select(func.count()).select_from(T[QuarantinedLog])).scalar()
    assert sorted(rows) == [first, second]
    for cid in (first, second):
        chain = adv.client.get_certificate(cid)
        row = rows[cid]
        assert (row["reward_units"], row["energy_mj"], row["carbon_mg"], row["eco_score"],
                row["epoch_start_s"]) == (str(chain["rewardUnits"]), chain["energyMj"],
                                          chain["carbonMg"], chain["ecoScore"],
                                          chain["epochStart"])
    assert node["certificate_count"] == 2
    assert node["energy_mj"] == sum(adv.client.get_certificate(i)["energyMj"]
                                    for i in (first, second))
    assert quarantined == 0
