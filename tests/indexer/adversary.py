"""A stranger on a real chain: GreenProof deployed with the real verifier, the two vector nodes
registered and active, and the tools a stranger has -- raw calldata from any account, a relay
contract (CertificateRelay) that resubmits an honest attestor's certificate, and an emitter of
GreenProof's events with any arguments (HostileEventEmitter), followed beside the real
contracts. Used by test_hostile_input.py and the never-halt property test."""

from __future__ import annotations

import json
from pathlib import Path

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak
from web3 import HTTPProvider, Web3

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client import GreenProofClient, certificate_tuple, proof_struct
from ecoai_chain.chain.deployment import deploy_all
from ecoai_chain.chain.devnet import dev_private_key
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.chain.tx import deploy, send_tx
from ecoai_chain.indexer.follower import IndexerConfig
from ecoai_chain.indexer.manifest import config_from_deployment
from tests.vector_chain import past_vector_epochs, schedule_vector_params

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" /
                      "contract_proofs.json").read_text())
REGISTER_NODE = keccak(text="registerNode(address,bytes32,uint256,string)")[:4]
SUBMIT = keccak(text="submitCertificate((uint256,uint256,uint256,uint256,uint256,uint256,uint256,"
                     "uint256,uint256,uint256,bytes32),(uint256[2],uint256[2][2],uint256[2]),"
                     "bytes)")[:4]


class Adversary:
    """``baseline_ng_per_work`` / ``ceiling_work_per_kwh`` replace the vectors' values in the
    parameters scheduled before the epochs (the chain must start at ``ANVIL_ARGS``' time);
    ``extra_classes`` get the same baseline and ceiling (bytes32 workload classes)."""

    def __init__(self, rpc_url: str, baseline_ng_per_work: int | None = None,
                 ceiling_work_per_kwh: int | None = None,
                 extra_classes: tuple[bytes, ...] = ()) -> None:
        self.w3 = Web3(HTTPProvider(rpc_url, request_kwargs={"timeout": 60}))
        self.accounts = [Account.from_key(dev_private_key(i)) for i in range(6)]
        self.admin, op1, att1, op2, att2, self.stranger = self.accounts
        self.dep = deploy_all(self.w3, self.admin, VECTORS["epoch_length_s"])
        self.client = GreenProofClient(self.w3, self.dep, self.admin)
        self.operators, self.attestors = [op1, op2], [att1, att2]
        for node, op, att in zip(VECTORS["nodes"], self.operators, self.attestors, strict=True):
            nid = self.client.with_account(op).register_node(att.address, node["region"],
                                                             node["max_power_mw"], "ipfs://n")
            self.client.activate_node(nid)
        params = dict(VECTORS)
        if baseline_ng_per_work is not None:
            params["baseline_ng_per_work"] = str(baseline_ng_per_work)
        if ceiling_work_per_kwh is not None:
            params["efficiency_ceiling_work_per_kwh"] = str(ceiling_work_per_kwh)
        schedule_vector_params(self.client, params)
        t = VECTORS["params_effective_from_s"]
        for wc in extra_classes:
            self.client.set_baseline(wc, int(params["baseline_ng_per_work"]), t)
            self.client.set_efficiency_ceiling(
                wc, int(params["efficiency_ceiling_work_per_kwh"]), t)
        past_vector_epochs(self.w3)
        self.gp = self.client.green_proof
        relay = load_artifact("CertificateRelay", "test/IndexerAdversary.sol")
        self.relay = deploy(self.w3, self.stranger, relay, self.dep.green_proof)
        self.outer_relay = deploy(self.w3, self.stranger, relay, self.relay.address)  # nested
        self.decoy_relay = deploy(self.w3, self.stranger, load_artifact(
            "CertificateDecoyRelay", "test/IndexerAdversary.sol"), self.dep.green_proof)
        self.emitter = deploy(self.w3, self.stranger,
                              load_artifact("HostileEventEmitter", "test/IndexerAdversary.sol"))
        self.used: set[int] = set()

    def config(self, hostile: bool = False) -> IndexerConfig:
        cfg = config_from_deployment(self.dep, confirmations=0)
        if hostile:  # follow the emitter too, decoding its logs with GreenProof's ABI
            cfg.addresses.append(self.emitter.address)
        return cfg

    # --- raw transactions -------------------------------------------------------------------
    def send(self, to: str, data: bytes, account=None):
        account = account or self.stranger
        return send_tx(self.w3, account, {"to": to, "data": "0x" + data.hex(), "value": 0},
                       gas=3_000_000)

    def register_raw(self, region: bytes, metadata: bytes, account=None):
        """registerNode with any bytes as metadataURI: the ABI encodes string like bytes."""
        args = abi_encode(["address", "bytes32", "uint256", "bytes"],
                          [self.stranger.address, region.ljust(32, b"\0"), 700_000, metadata])
        return self.send(self.dep.green_proof, REGISTER_NODE + args, account)

    def tx(self, fn, account=None):
        account = account or self.stranger
        return send_tx(self.w3, account, fn.build_transaction({"from": account.address}),
                       gas=3_000_000)

    # --- certificates -------------------------------------------------------------------------
    def signed(self, i: int | str, **changes) -> tuple[dict, dict, bytes]:
        """Vector certificate ``i`` (or ceiling case ``i``: "at_ceiling", ...) signed by its
        node's attestor (what the mempool shows)."""
        item = VECTORS["ceiling_cases"][i] if isinstance(i, str) else VECTORS["certificates"][i]
        cert = {k: (v if k == "workloadClass" else int(v)) for k, v in item["cert"].items()}
        cert.update(changes)
        att = self.attestors[cert["nodeId"] - 1]
        return cert, item["proof"], sign_certificate(att, self.w3.eth.chain_id,
                                                     self.dep.green_proof, cert)

    def submit_call(self, i: int) -> bytes:
        """The calldata of GreenProof.submitCertificate for vector certificate ``i``."""
        cert, proof, sig = self.signed(i)
        self.used.add(i)
        return bytes.fromhex(self.gp.encode_abi("submitCertificate", args=[
            certificate_tuple(cert), proof_struct(proof), sig])[2:])

    def next_unused(self) -> int | None:
        """The next vector certificate GreenProof would still accept (epochs go forward)."""
        last = {1: -1, 2: -1}
        for i in self.used:
            node = int(VECTORS["certificates"][i]["cert"]["nodeId"])
            last[node] = max(last[node], i)
        for i, item in enumerate(VECTORS["certificates"]):
            if i not in self.used and i > last[int(item["cert"]["nodeId"])]:
                return i
        return None

    def relay_tagged(self, i: int, tag: bytes = SUBMIT):
        """Relay certificate ``i``: the tx's calldata starts with ``tag`` (by default
        submitCertificate's selector) followed by the real call, so it does not decode."""
        return self.send(self.relay.address, tag + self.submit_call(i))

    def relay_nested(self, i: int):
        """outer relay -> relay -> GreenProof."""
        inner = bytes.fromhex(self.relay.encode_abi("relayTo", args=[
            self.dep.green_proof, self.submit_call(i)])[2:])
        return self.tx(self.outer_relay.functions.relayTo(self.relay.address, inner))

    def relay_decoy(self, i: int):
        """The relay's own calldata is a well-formed submitCertificate of a decoy (same node and
        epoch, a wrong proof and signature); what reaches GreenProof is certificate ``i``."""
        self.tx(self.decoy_relay.functions.stash(self.submit_call(i)))
        cert, _, _ = self.signed(i)
        decoy = ([1, 2], [[3, 4], [5, 6]], [7, 8])
        return self.tx(self.decoy_relay.functions.submitCertificate(certificate_tuple(cert), decoy,
                                                              b"\x01" * 65))


def big_reward_adversary(rpc_url: str) -> tuple[Adversary, int]:
    """(adversary, id of its certificate): the vectors' most productive epoch (work at the
    ceiling) under a DAO baseline near 2^61 ng and a ceiling of 2^64 - 1, both within the
    contract's range: a reward of ~9.2e30 units, avoided_mg >= 2^63 (past BIGINT and 2^53)."""
    at = VECTORS["ceiling_cases"]["at_ceiling"]["cert"]
    baseline = 2 * (2**63 + int(at["carbonMg"])) * 10**6 // int(at["work"])
    adv = Adversary(rpc_url, baseline_ng_per_work=baseline, ceiling_work_per_kwh=2**64 - 1)
    cert, proof, sig = adv.signed("at_ceiling")
    return adv, adv.client.submit_certificate(cert, proof, sig)
