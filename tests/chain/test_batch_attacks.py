"""A stranger against the indexer through submitCertificates on the real `ready` anvil.

The batch skips a bad item and lands the good one beside it (issue 16), so a transaction's
calldata may hold items that did not land. The indexer takes a certificate's calldata-only
members (window, slot count), its proof and its signature from the calldata item that landed,
never from a skipped decoy that shares the event's fields.
"""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from sqlalchemy import select

from ecoai_chain.chain.devnet import dev_private_key
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.chain.fees import Fees

pytestmark = pytest.mark.chain


def _index(anvil, deployment, tmp_path):
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.models import Certificate as CertRow
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    engine = make_engine(f"sqlite:///{tmp_path}/index.db")
    rpc = JsonRpc(anvil.rpc_url)
    try:
        Indexer(rpc, IndexStore(engine), config_from_deployment(deployment, confirmations=0)).sync()
    finally:
        rpc.close()
    t = CertRow.__table__
    with engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(select(t)).all()]


@pytest.mark.parametrize("split_first", [False, True], ids=["forged-proof-first", "split-first"])
def test_a_skipped_decoy_ahead_of_the_landed_item_does_not_become_its_indexed_calldata(
        ready, vector_cert, proof_vectors, anvil, deployment, tmp_path, split_first):
    """A stranger copies a signed item (from the mempool) and sends it in a batch behind two
    decoys with the same event fields: one with a forged proof (the contract skips it:
    invalid proof), one with another window/slot split of the epoch (skipped: its signature
    is not the attestor's), and node 2's item after it. The copy and node 2's item land, two
    CertificateSubmitted in one transaction; before the fix the indexer stored the first
    decoy's forged proof (or, split first, its window and slot count) as the certificate's."""
    client = ready["client"]

    def signed(i):
        cert, proof = vector_cert(i)
        attestor = ready["attestors"][cert["nodeId"] - 1]
        return cert, proof, sign_certificate(attestor, client.w3.eth.chain_id,
                                             client.deployment.green_proof, cert)

    cert, proof, sig = signed(0)
    cert2, proof2, sig2 = signed(next(i for i, c in enumerate(proof_vectors["certificates"])
                                      if int(c["cert"]["nodeId"]) == 2))
    forged = {**proof, "c": [proof["a"][0], proof["a"][1]]}  # a curve point, the wrong one
    split = {**cert, "windowS": cert["windowS"] * 2, "slotCount": cert["slotCount"] // 2}
    assert split["windowS"] * split["slotCount"] == cert["windowS"] * cert["slotCount"]
    stranger = client.with_account(Account.from_key(dev_private_key(5)))
    tip = 10**9
    decoys = [(cert, forged, "GreenProofInvalidProof"), (split, proof, "GreenProofBadSignature")]
    if split_first:
        decoys.reverse()
    tx = stranger.build_batch_tx([decoys[0][0], decoys[1][0], cert, cert2],
                                 [decoys[0][1], decoys[1][1], proof, proof2],
                                 [sig, sig, sig, sig2],
                                 nonce=stranger.account_nonce(pending=True),
                                 fees=Fees(100 * 10**9, tip))
    stranger.send_raw(tx.raw_tx)
    receipt = client.w3.eth.wait_for_transaction_receipt(tx.tx_hash)
    outcome = stranger.batch_items(receipt)
    assert [o.landed for o in outcome.values()] == [False, False, True, True]
    assert [outcome[k].skipped.name for k in (0, 1)] == [d[2] for d in decoys]
    cid = client.certificate_of(cert["nodeId"], cert["epochStart"])
    assert cid == outcome[2].certificate_id

    cid2 = client.certificate_of(cert2["nodeId"], cert2["epochStart"])
    assert cid2 == outcome[3].certificate_id == cid + 1

    rows = sorted(_index(anvil, deployment, tmp_path), key=lambda r: r["certificate_id"])
    assert [r["certificate_id"] for r in rows] == [cid, cid2]
    for row, (c, p, s) in zip(rows, [(cert, proof, sig), (cert2, proof2, sig2)], strict=True):
        assert row["tx_hash"] == tx.tx_hash and row["calldata_note"] is None
        assert row["signature"] == "0x" + s.hex()
        assert (row["window_s"], row["slot_count"]) == (c["windowS"], c["slotCount"])
        stored = json.loads(row["proof_json"])
        assert [[int(v) for v in stored["a"]], [int(v) for v in stored["c"]]] == \
            [[int(v) for v in p["a"]], [int(v) for v in p["c"]]]
