"""`GreenProofClient`: every GreenProof / EcoCredit function from Python, errors decoded.

A revert becomes `ContractRevert(name, args)` (e.g. ``GreenProofEpochNotAfterLast``), whether
the node reports it while estimating gas / calling, or a mined transaction failed (then the call
is replayed against the state before its block to recover the revert data).

``client = GreenProofClient(w3, load_manifest("deployment.json"), account)``; ``account`` is an
eth-account LocalAccount (None for read-only use); ``client.with_account(other)`` switches signer.
"""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from ecoai_chain.chain.artifacts import load_artifact
from ecoai_chain.chain.client_certificates import CertificatesMixin
from ecoai_chain.chain.client_claims import CLAIMS_CONTRACT, ClaimsMixin
from ecoai_chain.chain.client_credits import CreditsMixin, Param  # noqa: F401 - re-exported
from ecoai_chain.chain.deployment import GOVERNANCE_CONTRACTS, Deployment
from ecoai_chain.chain.node_errors import node_call
from ecoai_chain.chain.reads import ChainReads
from ecoai_chain.chain.revert import RevertDecoder, revert_data_from_exception
from ecoai_chain.chain.submission import BatchItemOutcome, CertificateSubmission
from ecoai_chain.chain.tx import gas_limit
from ecoai_chain.core.bytes32 import to_bytes32
from ecoai_chain.core.certificate import Certificate
from ecoai_chain.errors import ChainError, ValidationError


def proof_struct(proof: Any) -> tuple:
    """(a, b, c) for the contract from: a zk ProofBundle (or its to_json() dict), a snarkjs
    proof.json dict ({"pi_a","pi_b","pi_c"}; b's G2 coordinates get swapped), {"a","b","c"}
    already in contract order, or an (a, b, c) sequence."""
    if hasattr(proof, "solidity_calldata"):  # ecoai_chain.zk.bundle.ProofBundle
        a, b, c, _ = proof.solidity_calldata()
    elif isinstance(proof, dict) and isinstance(proof.get("proof"), dict):
        return proof_struct(proof["proof"])
    elif isinstance(proof, dict) and "pi_a" in proof:
        a = [proof["pi_a"][0], proof["pi_a"][1]]
        b = [[proof["pi_b"][0][1], proof["pi_b"][0][0]], [proof["pi_b"][1][1], proof["pi_b"][1][0]]]
        c = [proof["pi_c"][0], proof["pi_c"][1]]
    elif isinstance(proof, dict) and {"a", "b", "c"} <= set(proof):
        a, b, c = proof["a"], proof["b"], proof["c"]
    elif isinstance(proof, list | tuple) and len(proof) == 3:
        a, b, c = proof
    else:
        raise ValidationError(
            "proof", "expected a ProofBundle, {a,b,c}, snarkjs {pi_a,pi_b,pi_c} or (a, b, c)"
        )
    try:
        return ([int(x) for x in a], [[int(x) for x in row] for row in b], [int(x) for x in c])
    except (TypeError, ValueError) as e:
        raise ValidationError("proof", f"coordinates must be integers: {e}") from e


def certificate_tuple(cert: Any) -> tuple:
    """The Certificate struct tuple, in ABI order, from a `Certificate` or a certificate dict in
    either naming (see eip712)."""
    return Certificate.from_mapping(cert).as_tuple()


def _named(abi_outputs: list[dict[str, Any]], value: Any) -> Any:
    """Turn a returned struct tuple into a dict keyed by the ABI component names."""
    if len(abi_outputs) == 1 and abi_outputs[0]["type"] == "tuple":
        comps = abi_outputs[0]["components"]
        return {c["name"]: v for c, v in zip(comps, value, strict=True)}
    return value


class GreenProofClient(CertificateSubmission, ChainReads, CertificatesMixin, ClaimsMixin,
                       CreditsMixin):
    """Contract functions and views; the outbox's build/send/find methods come from
    `CertificateSubmission`, events/blocks/calldata from `ChainReads`, each certificate's
    record and the calls that take it (release, revoke, hold) from `CertificatesMixin`,
    retirements and claims from `ClaimsMixin`, scheduled parameters, escrow, debt, bonds and
    the reward bound from `CreditsMixin`. Node errors arrive typed
    (`ecoai_chain.chain.node_errors`)."""

    def __init__(
        self, w3: Web3, deployment: Deployment, account: LocalAccount | None = None
    ) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.account = account
        gp_abi = load_artifact("GreenProof").abi
        eco_abi = load_artifact("EcoCredit").abi
        self.green_proof = w3.eth.contract(address=deployment.green_proof, abi=gp_abi)
        self.eco_credit = w3.eth.contract(address=deployment.eco_credit, abi=eco_abi)
        # A governed deployment's calls can also fail in the Governor or the timelock.
        extra = [load_artifact(n).abi for n in (*GOVERNANCE_CONTRACTS, CLAIMS_CONTRACT)
                 if n in deployment.contracts]
        if "ChallengeManager" in deployment.contracts:  # its errors and the hashers'
            extra += [load_artifact("ChallengeManager").abi, load_artifact("PoseidonHasher").abi]
        self.decoder = RevertDecoder(gp_abi, eco_abi, *extra)
        self.last_receipt: Any = None

    def with_account(self, account: LocalAccount | None) -> GreenProofClient:
        other = GreenProofClient.__new__(GreenProofClient)
        other.__dict__.update(self.__dict__)
        other.account = account
        other.last_receipt = None
        return other

    # ------------------------------------------------------------------ plumbing
    def decode_error(self, exc: BaseException) -> ChainError:
        """ContractRevert(name, args) for a web3 revert exception, else a generic ChainError."""
        return self._revert(exc)

    def _revert(self, exc: BaseException) -> ChainError:
        decoded = self.decoder.decode(revert_data_from_exception(exc))
        return decoded if decoded is not None else ChainError(f"call reverted: {exc}")

    def send(self, fn: Any, gas: int | None = None) -> Any:
        """Sign and send any bound contract function (of any contract) with this client's
        account; reverts become `ContractRevert` as for GreenProof's own calls."""
        return self._transact(fn, gas)

    def call(self, fn: Any) -> Any:
        """Call any bound contract function; reverts become `ContractRevert`."""
        return self._call(fn)

    def _call(self, fn: Any) -> Any:
        try:
            with node_call(f"eth_call {fn.fn_name}"):
                return fn.call()
        except ContractLogicError as e:
            raise self._revert(e) from e

    def _transact(self, fn: Any, gas: int | None = None, value: int = 0) -> Any:
        if self.account is None:
            raise ChainError("this client has no account: pass one to GreenProofClient(...)")
        sender = self.account.address
        with node_call("eth_getTransactionCount"):
            params: dict[str, Any] = {
                "from": sender,
                "chainId": self.w3.eth.chain_id,
                "nonce": self.w3.eth.get_transaction_count(sender, "pending"),
            }
        if gas is not None:
            params["gas"] = gas
        if value:
            params["value"] = value
        try:
            with node_call("eth_estimateGas"):
                tx = fn.build_transaction(params)  # estimates gas: most reverts surface here
        except ContractLogicError as e:
            raise self._revert(e) from e
        if gas is None:
            tx["gas"] = gas_limit(tx["gas"])
        signed = self.account.sign_transaction(tx)
        try:  # node refusals, connection errors, timeouts arrive typed (node_errors)
            with node_call("eth_sendRawTransaction", "0x" + bytes(signed.hash).hex()):
                tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
                receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        except ContractLogicError as e:
            raise self._revert(e) from e
        self.last_receipt = receipt
        if receipt["status"] != 1:
            raise self._replay_failure(tx, receipt)
        return receipt

    def _replay_failure(self, tx: dict[str, Any], receipt: Any) -> ChainError:
        """Re-run a mined, failed transaction as a call on the state before its block."""
        call = {k: tx[k] for k in ("from", "to", "data", "value", "gas") if k in tx}
        block = max(receipt["blockNumber"] - 1, 0)
        try:
            self.w3.eth.call(call, block_identifier=block)
        except ContractLogicError as e:
            return self._revert(e)
        except Exception as e:  # noqa: BLE001 - any provider error: report what we know
            return ChainError(f"transaction {receipt['transactionHash'].hex()} reverted: {e}")
        return ChainError(
            f"transaction {receipt['transactionHash'].hex()} reverted in block "
            f"{receipt['blockNumber']} (the replay did not revert: state changed in between)"
        )

    def _events(self, receipt: Any, contract: Any, name: str) -> list[Any]:
        return list(getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD))

    # ------------------------------------------------------------------ nodes
    def register_node(
        self,
        attestor: str,
        region: str | bytes,
        max_power_mw: int,
        metadata_uri: str = "",
        bond_wei: int | None = None,
    ) -> int:
        """Register a node operated by this account, locking ``bond_wei`` (default: the bond
        the contract asks for now, `bond_for(max_power_mw)`)."""
        fn = self.green_proof.functions.registerNode(
            to_checksum_address(attestor),
            to_bytes32(region, "region"),
            max_power_mw,
            metadata_uri,
        )
        value = self.bond_for(max_power_mw) if bond_wei is None else bond_wei
        receipt = self._transact(fn, value=value)
        (event,) = self._events(receipt, self.green_proof, "NodeRegistered")
        return int(event.args["nodeId"])

    def activate_node(self, node_id: int) -> Any:
        return self._transact(self.green_proof.functions.activateNode(node_id))

    def suspend_node(self, node_id: int, reason: str) -> Any:
        return self._transact(self.green_proof.functions.suspendNode(node_id, reason))

    def rotate_attestor(self, node_id: int, new_attestor: str, signature: bytes) -> Any:
        """Operator-side rotation; ``signature`` from eip712.rotate_attestor_typed_data."""
        return self._transact(
            self.green_proof.functions.rotateAttestor(
                node_id, to_checksum_address(new_attestor), bytes(signature)
            )
        )

    def set_attestor(self, node_id: int, new_attestor: str) -> Any:
        return self._transact(
            self.green_proof.functions.setAttestor(node_id, to_checksum_address(new_attestor))
        )

    # ------------------------------------------------------------------ parameters
    def set_region_intensity(
        self, region: str | bytes, intensity_mg_per_kwh: int, effective_from_s: int
    ) -> Any:
        return self._transact(
            self.green_proof.functions.setRegionIntensity(
                to_bytes32(region, "region"), intensity_mg_per_kwh, effective_from_s
            )
        )

    def set_epoch_length(self, epoch_length_s: int) -> Any:
        return self._transact(self.green_proof.functions.setEpochLength(epoch_length_s))

    def pause(self) -> Any:
        return self._transact(self.green_proof.functions.pause())

    def unpause(self) -> Any:
        return self._transact(self.green_proof.functions.unpause())

    def grant_role(self, role_name: str, account: str) -> Any:
        role = getattr(self.green_proof.functions, role_name)().call()
        return self._transact(
            self.green_proof.functions.grantRole(role, to_checksum_address(account))
        )

    # ------------------------------------------------------------------ certificates
    def submit_certificate(self, cert: dict[str, Any], proof: Any, signature: bytes) -> int:
        """Submit one certificate; returns its id. ``proof``: see `proof_struct`."""
        fn = self.green_proof.functions.submitCertificate(
            certificate_tuple(cert), proof_struct(proof), bytes(signature)
        )
        receipt = self._transact(fn)
        (event,) = self._events(receipt, self.green_proof, "CertificateSubmitted")
        return int(event.args["certificateId"])

    def submit_batch(
        self, certs: list[dict[str, Any]], proofs: list[Any], signatures: list[bytes]
    ) -> list[int]:
        """Batch submission; the certificate id of every item, in order: its new id, the
        landed one if its epoch was certified already (relayed by someone else, or the same
        item twice), 0 if it was skipped for another reason (`submit_batch_outcome` says
        which and why). Bad items never revert the batch; see IGreenProof.submitCertificates."""
        return [o.certificate_id or 0 for o in self.submit_batch_outcome(certs, proofs, signatures)]

    def submit_batch_outcome(
        self, certs: list[dict[str, Any]], proofs: list[Any], signatures: list[bytes]
    ) -> list[BatchItemOutcome]:
        """Batch submission; per item, in order, what the contract did with it."""
        receipt = self._transact(self._batch_fn(certs, proofs, signatures))
        items = self.batch_items(receipt)
        return [items[i] for i in range(len(certs))]

    # ------------------------------------------------------------------ views
    def get_node(self, node_id: int) -> dict[str, Any]:
        fn = self.green_proof.functions.getNode(node_id)
        return _named(fn.abi["outputs"], self._call(fn))

    def last_epoch_start(self, node_id: int) -> int:
        return self._call(self.green_proof.functions.lastEpochStart(node_id))

    def next_epoch_start(self, node_id: int) -> int:
        return self._call(self.green_proof.functions.nextEpochStart(node_id))

    def region_intensity_at(self, region: str | bytes, timestamp_s: int) -> int:
        return self._call(
            self.green_proof.functions.regionIntensityAt(
                to_bytes32(region, "region"), timestamp_s
            )
        )

    def baseline_of(self, workload_class: str | bytes) -> tuple[int, bool]:
        return tuple(
            self._call(self.green_proof.functions.baselineOf(to_bytes32(workload_class)))
        )

    def epoch_length_s(self) -> int:
        return self._call(self.green_proof.functions.epochLengthS())

    def node_count(self) -> int:
        return self._call(self.green_proof.functions.nodeCount())

    def certificate_count(self) -> int:
        return self._call(self.green_proof.functions.certificateCount())

    def compute_reward(
        self, baseline_ng_per_work: int, work: int, carbon_mg: int
    ) -> tuple[int, int, int]:
        return tuple(
            self._call(
                self.green_proof.functions.computeReward(baseline_ng_per_work, work, carbon_mg)
            )
        )

    def eco_balance(self, address: str) -> int:
        return self._call(self.eco_credit.functions.balanceOf(to_checksum_address(address)))

    def has_role(self, role_name: str, account: str) -> bool:
        role = getattr(self.green_proof.functions, role_name)().call()
        return self._call(self.green_proof.functions.hasRole(role, to_checksum_address(account)))
