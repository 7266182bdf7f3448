"""Who can do what after the hand-over, driven from the ABIs and contracts/roles.json: every
role-gated function of GreenProof, EcoCredit and the ChallengeManager is refused to every address
but its role's holder (a new function fails the first test until it is classified in the table); the
guardian can pause and cancel but not change a parameter; the deployer keeps nothing."""

from __future__ import annotations

import pytest
from eth_abi import encode as abi_encode
from eth_utils import abi_to_signature, collapse_if_tuple, function_signature_to_4byte_selector
from web3.exceptions import ContractLogicError

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.governance import role_holders, role_table
from ecoai_chain.chain.revert import RevertDecoder, revert_data_from_exception
from ecoai_chain.dao.actions import role_id
from ecoai_chain.dao.client import DaoClient
from ecoai_chain.errors import GovernanceError

pytestmark = pytest.mark.chain

AUTH_ERRORS = {"AccessControlUnauthorizedAccount", "EcoCreditUnauthorized"}
GATED_CONTRACTS = ("GreenProof", "EcoCredit", "ChallengeManager")


def _state_changing(abi):
    return sorted({f["name"] for f in abi if f["type"] == "function"
                   and f["stateMutability"] not in ("view", "pure")})


def _dummy(abi_type: str, filler: str):
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        n = abi_type[abi_type.rindex("[") + 1: -1]
        return [_dummy(inner, filler) for _ in range(int(n) if n else 1)]
    if abi_type.startswith("("):
        return tuple(_dummy(t, filler) for t in _split_tuple(abi_type[1:-1]))
    if abi_type.startswith(("uint", "int")):
        return 1
    if abi_type == "address":
        return filler
    if abi_type == "bool":
        return False
    if abi_type == "string":
        return "x"
    if abi_type == "bytes":
        return b""
    return b"\x11" * int(abi_type[5:])


def _split_tuple(inner: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return out + ([cur] if cur else [])


@pytest.mark.parametrize("name", GATED_CONTRACTS)
def test_every_state_changing_function_is_classified_in_the_role_table(name):
    assert _state_changing(load_artifact(name).abi) == sorted(role_table()["functions"][name])


@pytest.mark.parametrize("name", GATED_CONTRACTS)
def test_every_role_gated_function_is_refused_to_all_but_its_holder(dao, name):
    w3, dep = dao["w3"], dao["deployment"]
    abi = load_artifact(name).abi
    decoder = RevertDecoder(abi)
    holders = role_holders(dep)
    actors = {**holders, "deployer": dao["deployer"].address, "voter": dao["voters"][0].address,
              "stranger": dao["stranger"].address}
    checked = []
    for fn_name, gate in role_table()["functions"][name].items():
        if not gate.endswith("_ROLE"):
            continue
        (fn,) = [f for f in abi if f.get("type") == "function" and f["name"] == fn_name]
        types = [collapse_if_tuple(i) for i in fn["inputs"]]
        data = function_signature_to_4byte_selector(abi_to_signature(fn)) + abi_encode(
            types, [_dummy(t, dao["stranger"].address) for t in types])
        allowed = {holders[h] for h in role_table()["holders"][name][gate]}
        for who, address in actors.items():
            try:
                w3.eth.call({"from": address, "to": dep.address(name), "data": data})
                error = None
            except ContractLogicError as e:
                error = decoder.decode(revert_data_from_exception(e))
            label = f"{name}.{fn_name} from {who}"
            if address in allowed:
                assert error is None or error.name not in AUTH_ERRORS, label
            else:
                assert error is not None and error.name in AUTH_ERRORS, label
                assert error.args_ == (address, role_id(gate)), label
        checked.append(fn_name)
    assert len(checked) >= 3


def test_the_deployer_keeps_no_role_and_the_timelock_holds_the_daos(dao):
    dep, w3 = dao["deployment"], dao["w3"]
    holders = role_holders(dep)
    for name, roles in role_table()["holders"].items():
        c = w3.eth.contract(address=dep.address(name), abi=load_artifact(name).abi)
        for role, who in roles.items():
            assert not c.functions.hasRole(role_id(role), dao["deployer"].address).call(), role
            for h in who:
                assert c.functions.hasRole(role_id(role), holders[h]).call(), (name, role, h)


def test_the_guardian_pauses_but_cannot_change_a_parameter(dao):
    w3, dep, g = dao["w3"], dao["deployment"], dao["guardian"]
    guardian = DaoClient(w3, dep, g)
    guardian.send(guardian.plan(["pause"]))
    assert guardian.chain.green_proof.functions.paused().call()
    guardian.send(guardian.plan(["unpause"]))
    with pytest.raises(GovernanceError, match=r"is the DAO's \(PARAMS_ROLE is held by the "
                                              r"timelock .*propose it"):
        guardian.send(guardian.plan(["set-intensity", "KR", "1", "--from", "1900000000"]))
    # And on-chain, without the client's check: the raw call is refused by the contract.
    gp = guardian.chain.green_proof
    fn = gp.functions.setRegionIntensity(b"KR".ljust(32, b"\0"), 1, 1_900_000_000)
    data = fn._encode_transaction_data()
    with pytest.raises(ContractLogicError) as e:
        w3.eth.call({"from": g.address, "to": dep.green_proof, "data": data})
    err = guardian.chain.decoder.decode(revert_data_from_exception(e.value))
    assert (err.name, err.args_) == ("AccessControlUnauthorizedAccount",
                                     (g.address, role_id("PARAMS_ROLE")))


def test_a_proposal_cannot_carry_a_guardian_action(dao):
    client = DaoClient(dao["w3"], dao["deployment"], dao["voters"][0])
    with pytest.raises(GovernanceError, match="needs PAUSER_ROLE, held by the guardian"):
        client.propose(client.plan(["pause"]), "pause everything")


def test_certificate_claims_is_classified_and_holds_no_roles():
    """CertificateClaims has no AccessControl: its state-changing functions are the operator's
    (or its authorised claimants'), each listed in the role table."""
    abi = load_artifact("CertificateClaims").abi
    assert _state_changing(abi) == sorted(role_table()["functions"]["CertificateClaims"])
    assert set(role_table()["functions"]["CertificateClaims"].values()) == {"operator"}
    assert not [e for e in abi if e.get("name") in ("grantRole", "hasRole")]
    assert "CertificateClaims" not in role_table()["holders"]
