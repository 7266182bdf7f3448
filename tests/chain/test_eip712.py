"""EIP-712 certificate signing: Python names and contract names give the same digest, the
signer is recovered, and the domain binds chain id and contract."""

from __future__ import annotations

import pytest
from eth_account import Account

from ecoai_chain.chain import eip712
from ecoai_chain.errors import ValidationError

GP = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
KEY = "0x" + "11" * 32
CERT = {
    "nodeId": 1,
    "epochStart": 1_767_225_600,
    "windowS": 60,
    "slotCount": 60,
    "root": 12345,
    "energyMj": 1_800_000_000,
    "work": 60_000,
    "carbonMg": 218_000,
    "intensityMgPerKwh": 436_000,
    "maxPowerMw": 700_000,
    "workloadClass": "llm-inference",
}
PY_NAMES = {
    "node_id": 1,
    "epoch_start_s": 1_767_225_600,
    "window_s": 60,
    "slot_count": 60,
    "root": 12345,
    "total_energy_mj": 1_800_000_000,
    "total_work": 60_000,
    "carbon_mg": 218_000,
    "intensity_mg_per_kwh": 436_000,
    "max_power_mw": 700_000,
    "workload_class": b"llm-inference".ljust(32, b"\0"),
}


def test_sign_and_recover_round_trip():
    sig = eip712.sign_certificate(KEY, 31337, GP, CERT)
    assert len(sig) == 65
    assert eip712.recover_certificate_signer(31337, GP, CERT, sig) == Account.from_key(KEY).address


def test_python_and_contract_field_names_are_the_same_message():
    assert eip712.certificate_struct(CERT) == eip712.certificate_struct(PY_NAMES)
    assert eip712.certificate_digest(31337, GP, CERT) == eip712.certificate_digest(
        31337, GP, PY_NAMES
    )


def test_domain_binds_chain_and_contract():
    sig = eip712.sign_certificate(KEY, 31337, GP, CERT)
    me = Account.from_key(KEY).address
    assert eip712.recover_certificate_signer(1, GP, CERT, sig) != me
    assert eip712.recover_certificate_signer(31337, "0x" + "00" * 19 + "01", CERT, sig) != me
    assert eip712.recover_certificate_signer(31337, GP, {**CERT, "energyMj": 1}, sig) != me


def test_typed_data_layout_is_the_pinned_one():
    td = eip712.certificate_typed_data(31337, GP, CERT)
    assert td["domain"] == {
        "name": "GreenProof",
        "version": "1",
        "chainId": 31337,
        "verifyingContract": GP,
    }
    sig = ",".join(f"{f['type']} {f['name']}" for f in td["types"]["Certificate"])
    assert sig == (
        "uint256 nodeId,uint256 epochStart,uint256 windowS,uint256 slotCount,uint256 root,"
        "uint256 energyMj,uint256 work,uint256 carbonMg,uint256 intensityMgPerKwh,"
        "uint256 maxPowerMw,bytes32 workloadClass"
    )


@pytest.mark.parametrize(
    "bad, field",
    [
        ({**CERT, "work": -1}, "total_work"),
        ({k: v for k, v in CERT.items() if k != "root"}, "root"),
        ({**CERT, "workloadClass": "x" * 33}, "workload_class"),
        ({**CERT, "nodeId": 1.5}, "node_id"),
    ],
)
def test_bad_certificates_name_the_field(bad, field):
    with pytest.raises(ValidationError) as err:
        eip712.certificate_struct(bad)
    assert err.value.field == field


@pytest.mark.parametrize("signature", [b"", b"\x01" * 64, b"\x01" * 70, b"\xff" * 65,
                                       b"\0" * 65, "not bytes"],
                         ids=["empty", "64-bytes", "70-bytes", "s-too-high", "zero", "str"])
def test_a_signature_no_signer_comes_from_is_a_validation_error_on_signature(signature):
    """eth_keys/eth_utils raise their own types (IndexError for an empty one): translated here."""
    with pytest.raises(ValidationError) as err:
        eip712.recover_certificate_signer(31337, GP, CERT, signature)
    assert err.value.field == "signature"
