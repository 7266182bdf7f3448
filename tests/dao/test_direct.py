"""An ungoverned deployment (--no-governor): the same typed actions are sent directly by the
role holder; anyone else is refused before a transaction is sent."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.dao.client import DaoClient
from ecoai_chain.errors import ConfigError, GovernanceError
from tests.dao_chain import accounts

pytestmark = pytest.mark.chain


def test_the_admin_sends_actions_directly_and_others_are_refused(w3):
    admin, operator, attestor, stranger = accounts(4)
    dep = deploy_all(w3, admin, 3600)
    assert not dep.governed and dep.role_admin == admin.address
    node = GreenProofClient(w3, dep, operator).register_node(attestor.address, "KR", 1000)
    dao = DaoClient(w3, dep, admin)
    calls = dao.plan(["activate", str(node), "+", "set-intensity", "KR", "415000", "--from",
                      "2026-01-01T00:00:00Z", "+", "set-baseline", "llm-inference", "65972",
                      "--from", "2026-01-01T00:00:00Z"])
    assert [c.describe() for c in calls] == [
        f"GreenProof({dep.green_proof}).activateNode(nodeId={node})",
        f"GreenProof({dep.green_proof}).setRegionIntensity(region='KR', "
        "intensityMgPerKwh=415000, effectiveFrom=1767225600 (2026-01-01T00:00:00Z))",
        f"GreenProof({dep.green_proof}).setBaseline(workloadClass='llm-inference', "
        "baselineNgPerWork=65972, effectiveFrom=1767225600 (2026-01-01T00:00:00Z))",
    ]
    dao.send(calls)
    gp = GreenProofClient(w3, dep)
    assert gp.get_node(node)["status"] == 1
    assert gp.region_intensity_at("KR", 1767225600) == 415000
    assert gp.baseline_at("llm-inference", 1767225600) == 65972

    other = DaoClient(w3, dep, stranger)
    with pytest.raises(GovernanceError, match=f"{stranger.address} lacks GreenProof's "
                                              f"NODE_MANAGER_ROLE .*{admin.address}"):
        other.send(other.plan(["suspend", str(node), "--reason", "x"]))
    with pytest.raises(ConfigError, match="no governor .*ecoai dao send"):
        dao.propose(calls, "not possible here")


def test_a_revoke_action_carries_the_certificates_record_read_from_the_chain(ready, vector_cert):
    """revokeCertificate takes the certificate's record as calldata: the action reads it from
    the chain (checked against the slot) when it is planned; an unknown certificate is the
    contract's error before anything is sent, and a codec without a chain cannot plan one."""
    from ecoai_chain.dao.actions import ActionCodec
    from ecoai_chain.errors import UnknownCertificate, ValidationError
    from tests.vector_chain import submit_vector

    client = ready["client"]
    cid = submit_vector(ready, vector_cert, 0)
    dao = DaoClient(client.w3, client.deployment, client.account)
    (call,) = dao.plan(["revoke", str(cid), "--reason", "audit"])
    record = client.certificate_record(cid)
    assert call.calldata == bytes.fromhex(client.green_proof.encode_abi(
        "revokeCertificate", args=[cid, record, "audit"])[2:])
    assert call.describe().endswith(f".revokeCertificate(certificateId={cid}, "
                                    f"record={client.describe_record(record)}, reason='audit')")
    assert dao.codec.decode(call.target, call.calldata).describe() == call.describe()
    with pytest.raises(UnknownCertificate):
        dao.plan(["revoke", str(cid + 1), "--reason", "audit"])
    offline = ActionCodec(dao.codec.contracts)
    with pytest.raises(ValidationError) as e:
        offline.encode("revoke", [str(cid), "--reason", "audit"])
    assert e.value.field == "cert"
    dao.send([call])
    assert client.record_state(cid, record).revoked is True
