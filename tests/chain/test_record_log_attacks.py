"""Where Python takes a certificate's record from, attacked on the real `ready` anvil: the
record lives only in GreenProof's CertificateSubmitted log, so `get_certificate` /
`certificate_record` must take it from GreenProof's address alone (a stranger's contract can
emit the same event, topics and all, with a richer record) and only if it hashes to the word
at its node and epoch (a record read before a reorganisation, when another certificate took
the id, is not the certificate's any more)."""

from __future__ import annotations

import pytest

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.client_certificates import record_abi
from ecoai_chain.chain.devnet import dev_private_key, set_chain_time
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.errors import CertificateRecordMismatch, ContractRevert, UnknownCertificate
from tests.vector_chain import submit_vector

pytestmark = pytest.mark.chain


def _stranger(client):
    from eth_account import Account

    return Account.from_key(dev_private_key(5))


def _copied(ready, vector_cert):
    """Vector certificate 0 landed and a stranger's HostileEventEmitter deployed:
    (client, stranger, emitter, certificate id, the real record)."""
    client = ready["client"]
    stranger = _stranger(client)
    emitter = deploy(client.w3, stranger,
                     load_artifact("HostileEventEmitter", "test/IndexerAdversary.sol"))
    cid = submit_vector(ready, vector_cert, 0)
    record = client.certificate_record(cid)
    return client, stranger, emitter, cid, record


def _emit(client, emitter, account, cid: int, record: tuple) -> None:
    names = [c["name"] for c in record_abi(client.green_proof.abi)["components"]]
    r = dict(zip(names, record, strict=True))
    fn = emitter.functions.certificateSubmitted(cid, r["nodeId"], r["epochStart"], record)
    send_tx(client.w3, account, fn.build_transaction({"from": account.address}), gas=500_000)


def _richer(client, record: tuple) -> tuple:
    names = [c["name"] for c in record_abi(client.green_proof.abi)["components"]]
    out = list(record)
    out[names.index("rewardUnits")] *= 1000
    out[names.index("energyMj")] *= 2
    out[names.index("releaseAt")] = 1
    return tuple(out)


def test_a_strangers_copy_of_the_event_is_not_the_certificates_record(ready, vector_cert):
    """A contract of a stranger's emits CertificateSubmitted with GreenProof's topics (id, node,
    epoch) and a richer record, after the real one and for an id not landed yet: the client
    reads only GreenProof's logs, so the real record comes back, and the unlanded id is
    unknown (no silent record from elsewhere)."""
    client, stranger, emitter, cid, record = _copied(ready, vector_cert)
    view = client.get_certificate(cid)
    _emit(client, emitter, stranger, cid, _richer(client, record))
    assert client.certificate_record(cid) == record
    assert client.get_certificate(cid) == view
    assert client.certificates_submitted(certificateId=cid) == client.certificates_submitted(
        certificateId=cid, from_block=0)[-1:]
    # The id GreenProof would give next, announced by the stranger first.
    _emit(client, emitter, stranger, cid + 1, _richer(client, record))
    with pytest.raises(UnknownCertificate) as e:
        client.get_certificate(cid + 1)
    assert e.value.certificate_id == cid + 1
    # ... and once it lands, its own record, not the stranger's announcement.
    nxt = submit_vector(ready, vector_cert, 1)
    assert nxt == cid + 1
    assert client.get_certificate(nxt)["rewardUnits"] != _richer(client, record)[
        [c["name"] for c in record_abi(client.green_proof.abi)["components"]].index(
            "rewardUnits")]
    assert client.record_state(nxt, client.certificate_record(nxt)).certificate_id == nxt


def test_a_deployment_pointed_at_the_strangers_contract_finds_no_valid_record(ready, vector_cert):
    """A manifest whose GreenProof address is the stranger's emitter (a forged manifest):
    its logs are not checked against GreenProof's words, so reading them would trust them;
    the client asks recordOf at that address, which has no such function: an error, never
    the richer record."""
    import dataclasses

    client, stranger, emitter, cid, record = _copied(ready, vector_cert)
    _emit(client, emitter, stranger, cid, _richer(client, record))
    gp = client.deployment.contracts["GreenProof"]
    forged = dataclasses.replace(client.deployment, contracts={
        **client.deployment.contracts,
        "GreenProof": dataclasses.replace(gp, address=emitter.address)})
    fooled = GreenProofClient(client.w3, forged, client.account)
    from ecoai_chain.errors import ChainError

    with pytest.raises(ChainError, match="reverted"):  # recordOf: no such function there
        fooled.get_certificate(cid)


def test_a_record_read_before_a_reorganisation_is_refused_after_it(ready, vector_cert):
    """Certificate id N is node 1's epoch A; the chain reorganises and id N becomes node 1's
    epoch B. The record kept from before (epoch A's) no longer matches: the client refuses it
    by name, the contract by GreenProofUnknownCertificate or GreenProofRecordMismatch, and
    the log read now gives epoch B's record."""
    client = ready["client"]
    w3 = client.w3
    snap = w3.provider.make_request("evm_snapshot", [])["result"]
    cid = submit_vector(ready, vector_cert, 0)
    stale = client.certificate_record(cid)
    assert w3.provider.make_request("evm_revert", [snap])["result"] is True
    again = submit_vector(ready, vector_cert, 1)
    assert again == cid
    fresh = client.certificate_record(cid)
    assert fresh != stale
    with pytest.raises(CertificateRecordMismatch) as e:
        client.record_state(cid, stale)
    assert "empty (the epoch is not certified)" in str(e.value)
    set_chain_time(w3, client.get_certificate(cid)["releaseAt"], at_least=True)
    with pytest.raises(ContractRevert) as e:
        client.release_rewards([cid], [stale])
    assert (e.value.name, e.value.args_) == ("GreenProofRecordMismatch", (cid,))
    assert client.release_rewards([cid])["minted_units"] == client.get_certificate(cid)[
        "rewardUnits"]


def test_a_strangers_logs_never_enter_an_operators_escrow(ready, vector_cert):
    """client.escrowed_of (no on-chain counter since stage E) sums the operator's nodes'
    CertificateSubmitted records that are neither released nor revoked. A stranger's contract
    announces a node of the victim operator (NodeRegistered, operator indexed), a richer copy
    of its landed certificate and a certificate of that fake node: none of it is GreenProof's
    log, so the escrow stays the landed reward, and goes to 0 once it is released."""
    client, stranger, emitter, cid, record = _copied(ready, vector_cert)
    operator = ready["operators"][0].address
    reward = client.get_certificate(cid)["rewardUnits"]
    assert client.escrowed_of(operator) == reward
    fake_node = client.node_count() + 1
    send_tx(client.w3, stranger, emitter.functions.nodeRegistered(
        fake_node, operator, stranger.address, b"KR".ljust(32, b"\0"), 1, b"").build_transaction(
        {"from": stranger.address}), gas=500_000)
    _emit(client, emitter, stranger, cid, _richer(client, record))
    names = [c["name"] for c in record_abi(client.green_proof.abi)["components"]]
    fake = list(_richer(client, record))
    fake[names.index("nodeId")] = fake_node
    _emit(client, emitter, stranger, cid + 7, tuple(fake))
    assert client.escrowed_of(operator) == reward
    set_chain_time(client.w3, client.get_certificate(cid)["releaseAt"], at_least=True)
    client.release_rewards([cid])
    assert client.escrowed_of(operator) == 0
