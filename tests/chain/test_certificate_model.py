"""The one certificate table (core/public_signals.json) against the contract: the EIP-712 type
rebuilt from it hashes to GreenProof's CERTIFICATE_TYPEHASH, its member order and types are
IGreenProof.Certificate's (in the Solidity source and in the compiled ABI), and every place
that lists certificate fields derives them from it -- so an edited table changes them all."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path

import pytest
from eth_utils import keccak

from ecoai_chain.chain import eip712
from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import certificate_tuple
from ecoai_chain.chain.record_words import FIELDS_A, FIELDS_B, RECORD_MEMBERS, WORDS
from ecoai_chain.core.certificate import (
    Certificate,
    eip712_fields,
    eip712_type,
    make_certificate_class,
)
from ecoai_chain.core.signals import (
    certificate_table,
    fields_from_table,
    from_public_signals,
    signal_table,
    to_public_signals,
)
from ecoai_chain.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]
CERT = {"nodeId": 1, "epochStart": 1_767_225_600, "windowS": 60, "slotCount": 60, "root": 12345,
        "energyMj": 1_800_000_000, "work": 60_000, "carbonMg": 218_000,
        "intensityMgPerKwh": 436_000, "maxPowerMw": 700_000, "workloadClass": "llm-inference"}


def _solidity_struct(source: str, name: str) -> list[tuple[str, str]]:
    body = re.search(rf"struct {name} \{{(.*?)\}}", source, re.S).group(1)
    return re.findall(r"^\s*(\w+)\s+(\w+);", body, re.M)


def _typehash_literal() -> str:
    src = (ROOT / "contracts" / "GreenProof.sol").read_text()
    expr = re.search(r"CERTIFICATE_TYPEHASH = keccak256\((.*?)\);", src, re.S).group(1)
    return "".join(re.findall(r'"([^"]*)"', expr))


def test_typehash_rebuilt_from_the_table_is_the_contracts():
    assert eip712_type() == _typehash_literal()
    assert keccak(text=eip712_type()) == keccak(text=_typehash_literal())


@pytest.mark.chain
def test_typehash_equals_the_deployed_constant(admin_client):
    deployed = admin_client.green_proof.functions.CERTIFICATE_TYPEHASH().call()
    assert bytes(deployed) == keccak(text=eip712_type())


def test_struct_order_and_types_are_igreenproofs():
    source = (ROOT / "contracts" / "interfaces" / "IGreenProof.sol").read_text()
    assert [(n, t) for t, n in _solidity_struct(source, "Certificate")] == list(eip712_fields())
    abi = load_artifact("GreenProof").abi
    submit = next(e for e in abi if e.get("name") == "submitCertificate")
    comps = submit["inputs"][0]["components"]
    assert [(c["name"], c["type"]) for c in comps] == list(eip712_fields())
    # the record (its hash in the one slot) holds every member with the same name, in struct
    # order in the calls that take it (the record check compares them all); the event carries
    # every member: root, workloadClass and its node and epoch topics as they are, the rest
    # packed into fieldsA / fieldsB (record_words)
    members = [n for _t, n in _solidity_struct(source, "CertificateRecord")]
    assert members == list(RECORD_MEMBERS)
    assert {n for n, _t in eip712_fields()} <= set(members)
    event = next(e for e in abi if e.get("type") == "event"
                 and e["name"] == "CertificateSubmitted")
    assert [i["name"] for i in event["inputs"]] == [
        "certificateId", "nodeId", "epochStart", *WORDS]
    carried = {"nodeId", "epochStart", "root", "workloadClass"} | {
        n for n, _ in FIELDS_A + FIELDS_B}
    assert carried == set(members)
    check = next(e for e in abi if e.get("name") == "checkRecord")
    assert [c["name"] for c in check["inputs"][1]["components"]] == members
    release = next(e for e in abi if e.get("name") == "releaseRewards")
    assert release["inputs"][1]["components"] == check["inputs"][1]["components"]


def test_every_certificate_list_comes_from_the_table():
    from attestor.sealer import certificate_fields

    names = [f.solidity for f in certificate_table()]
    assert [n for n, _t in eip712.CERTIFICATE_FIELDS] == names
    cert = Certificate.from_mapping(CERT)
    assert certificate_tuple(CERT) == tuple(cert.struct()[n] for n in names) == cert.as_tuple()
    assert list(certificate_fields(cert.public_values(), cert.workload_class)) == names
    assert certificate_fields(cert.public_values(), cert.workload_class) == cert.struct()
    # the proved members, in table order, packed into the verifier's words (circuit v2)
    assert cert.public_values() == {s.name: cert.struct()[s.solidity] for s in signal_table()}
    assert cert.public_signals() == to_public_signals(cert.public_values())
    assert from_public_signals(cert.public_signals()) == cert.public_values()
    assert eip712.certificate_struct(CERT) == cert.struct()


def test_both_namings_and_the_api_shape_give_one_certificate():
    by_python = {f.name: CERT[f.solidity] for f in certificate_table()}
    by_api = {f.api: CERT[f.solidity] for f in certificate_table()}
    by_api["root"], by_api["work"] = str(by_api["root"]), str(by_api["work"])  # index text
    one = Certificate.from_mapping(CERT)
    assert Certificate.from_mapping(by_python) == one == Certificate.from_api(by_api)
    assert Certificate.from_mapping(one) is one
    assert one.differences(Certificate.from_mapping({**CERT, "work": 1})) == ["work"]
    with pytest.raises(ValidationError) as err:
        Certificate.from_mapping({k: v for k, v in CERT.items() if k != "maxPowerMw"})
    assert err.value.field == "max_power_mw"


def test_a_hypothetical_field_is_one_table_edit():
    """Adding a member to the table's certificate section is all the Python side needs: the
    EIP-712 type, the contract tuple, the struct and the comparison all carry it."""
    raw = json.loads(resources.files("ecoai_chain.core").joinpath("public_signals.json")
                     .read_text())
    edited = copy.deepcopy(raw)
    edited["certificate"]["struct"].append("bond_units")
    edited["certificate"]["fields"].append({"name": "bond_units", "solidity": "bondUnits",
                                            "type": "uint256", "doc": "hypothetical"})
    table = fields_from_table(edited)
    assert eip712_type(table) == eip712_type()[:-1] + ",uint256 bondUnits)"
    cls = make_certificate_class(table)
    c = cls.from_mapping({**CERT, "bondUnits": 7})
    assert c.as_tuple()[-1] == 7 and c.struct()["bondUnits"] == 7
    assert c.public_signals() == Certificate.from_mapping(CERT).public_signals()
    assert c.differences(cls.from_mapping({**CERT, "bondUnits": 8})) == ["bondUnits"]
    with pytest.raises(ValidationError) as err:
        cls.from_mapping(CERT)
    assert err.value.field == "bond_units"
    edited["certificate"]["struct"].remove("root")  # every public signal must be a member
    with pytest.raises(ValidationError, match="root"):
        fields_from_table(edited)
