"""`ecoai up`'s live view releases vesting rewards from the chain itself: on anvil with real
certificates, `Summary.poll` keeps each landed certificate's record from its event, and
`release_due` reads its flags from its slot (at the record's node and epoch) and releases
exactly those past their window, neither revoked nor released already."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.devnet import set_chain_time
from ecoai_chain.network.summary import NodeView, Summary
from tests.vector_chain import submit_vector

pytestmark = pytest.mark.chain


def test_release_due_releases_what_vested_and_skips_the_revoked(ready, vector_cert):
    client = ready["client"]
    nodes = [NodeView(name=f"node-{i}", node_id=i, region="", source="replay",
                      address=ready["operators"][i - 1].address) for i in (1, 2)]
    summary = Summary(client, nodes)
    ids = [submit_vector(ready, vector_cert, i) for i in (0, 1, 2)]
    summary.poll()  # keeps the records; none has vested yet
    assert summary.total_certificates == 3
    assert summary.release_due() == 0
    client.revoke(ids[1], "audit")
    latest = max(client.get_certificate(i)["releaseAt"] for i in ids)
    set_chain_time(client.w3, latest, at_least=True)
    assert summary.release_due() == 2  # ids 0 and 2; the revoked one is dropped, not sent
    assert [client.get_certificate(i)["released"] for i in ids] == [True, False, True]
    assert summary.release_due() == 0  # nothing left vesting
