"""`Evidence`: everything the checks of `verify.checks` look at, and how `ecoai verify` fetches
it straight from an Ethereum node.

For certificate ``id``: its record -- carried by its ``CertificateSubmitted`` log and checked
against the hash GreenProof stores for it (``recordOf``, which also gives the revoked and
released flags) --, the submitting transaction's calldata decoded into (certificate, proof,
signature), and the chain's view at that block (node attestor, region intensity, workload
baseline). The API builds the same `Evidence` from the index instead (`ecoai_chain.api.verify`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web3.exceptions import Web3Exception

from ecoai_chain.chain.client import GreenProofClient
from ecoai_chain.chain.client_certificates import certificate_view
from ecoai_chain.errors import ChainError, ValidationError
from ecoai_chain.indexer.abi import CallDecoder


@dataclass
class Evidence:
    certificate_id: int | None          # None for a bundle not (yet) on chain
    stored: dict[str, Any] | None       # the record + flags (GreenProofClient.get_certificate),
                                        # ABI names; None for a bundle
    submitted: dict[str, Any] | None    # the signed Certificate struct from calldata (None:
                                        # the transaction was not decoded)
    proof_solidity: dict[str, Any] | None  # {a, b, c} as sent to the contract
    signature: bytes | None
    tx_hash: str
    block_number: int
    block_timestamp_s: int
    node_at_block: dict[str, Any]       # getNode(nodeId) at the submission block
    intensity_at_block: int | None      # regionIntensityAt(region, epochStart) at that block
                                        # (None: the index cannot tell, see not_run)
    baseline_at_block: tuple[int, bool] # (ng per work, is set): the workload class's baseline
                                        # in force at the epoch start, as scheduled by that block
    chain_id: int | None                # None: no manifest, the signature domain is unknown
    green_proof: str | None
    source: str = "chain RPC"           # where the evidence came from ("chain RPC", "index")
    not_run: dict[str, str] = field(default_factory=dict)  # check -> why it cannot run here
    calldata_note: str | None = None    # why ``submitted`` is None, when it is
    # Eco Credits: the efficiency ceiling in force at the epoch start (work units per kWh; None:
    # unset, or unknown to this evidence -- then "ceiling" is in not_run), the epoch length (s)
    # and, for a bundle, certificateOf(node, epochStart) (0: the epoch has not landed).
    ceiling_at_epoch: int | None = None
    epoch_length_s: int | None = None
    landed_certificate_id: int | None = None

    def proof_snarkjs(self) -> dict[str, Any]:
        """The proof in snarkjs form (undo the contract's G2 coordinate order)."""
        a, b, c = (self.proof_solidity[k] for k in ("a", "b", "c"))
        return {
            "pi_a": [str(a[0]), str(a[1]), "1"],
            "pi_b": [[str(b[0][1]), str(b[0][0])], [str(b[1][1]), str(b[1][0])], ["1", "0"]],
            "pi_c": [str(c[0]), str(c[1]), "1"],
            "protocol": "groth16",
            "curve": "bn128",
        }


def _events_until(client: GreenProofClient, name: str, block: int, **filters: Any) -> list:
    return client.events(name, to_block=block, **filters)


def _attestor_at(client: GreenProofClient, node_id: int, block: int) -> str:
    regs = _events_until(client, "NodeRegistered", block, nodeId=node_id)
    if not regs:
        raise ChainError(f"node {node_id} has no NodeRegistered event up to block {block}")
    attestor = regs[0]["attestor"]
    for rot in _events_until(client, "AttestorRotated", block, nodeId=node_id):
        attestor = rot["newAttestor"]
    return attestor


def _baseline_at(client: GreenProofClient, workload_class: Any, epoch_start_s: int,
                 block: int) -> tuple[int, bool]:
    """The baseline the contract used: of the BaselineSet events up to ``block``, the entry in
    force at the epoch start (the latest effectiveFrom <= epoch start; a later set for the same
    effective time replaces the earlier, as in the contract's schedule)."""
    sets = [e for e in _events_until(client, "BaselineSet", block, workloadClass=workload_class)
            if int(e["effectiveFrom"]) <= epoch_start_s]
    if not sets:
        return (0, False)
    best = max(sets, key=lambda e: (int(e["effectiveFrom"]), e["block_number"], e["log_index"]))
    return (int(best["baselineNgPerWork"]), True)


def fetch_evidence(client: GreenProofClient, certificate_id: int) -> Evidence:
    try:
        return _fetch_evidence(client, certificate_id)
    except (Web3Exception, OSError) as e:  # RPC error answers, a plain provider's transport
        raise ChainError(f"certificate {certificate_id}: cannot read the chain: {e}") from e


def _fetch_evidence(client: GreenProofClient, certificate_id: int) -> Evidence:
    if certificate_id < 1:
        raise ValidationError("certificate_id", f"must be >= 1, got {certificate_id}")
    count = client.certificate_count()
    if certificate_id > count:
        raise ValidationError("certificate_id", f"no certificate {certificate_id}: the contract "
                              f"holds {count}")
    # The record from its log, checked against the contract's slot (no log: UnknownCertificate)
    log = client.submission_log(certificate_id)
    stored = certificate_view(log)
    header = client.block_header(log["block_number"])
    decoder = CallDecoder(client.green_proof.abi)
    items = decoder.decode(client.transaction_input(log["tx_hash"]))
    match = [it for it in items
             if int(it["cert"]["nodeId"]) == int(stored["nodeId"])
             and int(it["cert"]["epochStart"]) == int(stored["epochStart"])]
    if len(match) != 1:
        raise ChainError(f"transaction {log['tx_hash']} carries no submission "
                         f"matching certificate {certificate_id} (called through another "
                         "contract? only direct submitCertificate(s) calls are decoded)")
    item = match[0]
    cert = dict(item["cert"])
    proof = {k: _ints(v) for k, v in item["proof"].items()}
    at = log["block_number"]
    node = client.get_node(int(stored["nodeId"]))
    # The chain's view at the submission block, rebuilt from events so that no archive node is
    # needed: the attestor then (registration + rotations) and the class baseline then.
    node["attestor"] = _attestor_at(client, int(stored["nodeId"]), at)
    baseline = _baseline_at(client, stored["workloadClass"], int(stored["epochStart"]), at)
    # The intensity table is append-only by effective-from time: asking it now for the epoch
    # start gives the value the contract used, unless an entry for that exact time was replaced.
    intensity = client.region_intensity_at(node["region"], int(stored["epochStart"]))
    return Evidence(
        certificate_id=certificate_id, stored=stored, submitted=cert, proof_solidity=proof,
        signature=bytes.fromhex(item["signature"][2:]), tx_hash=log["tx_hash"],
        block_number=at, block_timestamp_s=header.timestamp_s, node_at_block=node,
        intensity_at_block=int(intensity), baseline_at_block=(int(baseline[0]), bool(baseline[1])),
        chain_id=client.chain_id(), green_proof=client.green_proof.address,
        ceiling_at_epoch=client.efficiency_ceiling_at(stored["workloadClass"],
                                                      int(stored["epochStart"])),
        epoch_length_s=client.epoch_length_s(),
    )


def _ints(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_ints(x) for x in v]
    return int(v)


def bundle_evidence(client: GreenProofClient, bundle: dict[str, Any]) -> Evidence:
    """Evidence for a certificate bundle that is not on chain (``{"certificate", "proof",
    "signature"}``), judged against the chain's node and its parameters in force at the
    bundle's epoch start."""
    from ecoai_chain.chain.client import proof_struct
    from ecoai_chain.chain.eip712 import certificate_struct

    try:
        cert = certificate_struct(bundle["certificate"])
        a, b, c = proof_struct(bundle["proof"])
        sig = bytes.fromhex(str(bundle["signature"]).removeprefix("0x"))
    except KeyError as e:
        raise ValidationError("bundle", f"missing key {e}") from e
    except ValueError as e:
        raise ValidationError("bundle", str(e)) from e
    header = client.block_header("latest")
    node = client.get_node(cert["nodeId"])
    intensity = client.region_intensity_at(node["region"], cert["epochStart"])
    value = client.baseline_at(cert["workloadClass"], cert["epochStart"])
    baseline = (value or 0, value is not None)
    return Evidence(
        certificate_id=None, stored=None, submitted=cert, proof_solidity={"a": a, "b": b, "c": c},
        signature=sig, tx_hash="(not on chain)", block_number=header.number,
        block_timestamp_s=header.timestamp_s, node_at_block=node,
        intensity_at_block=int(intensity), baseline_at_block=(int(baseline[0]), bool(baseline[1])),
        chain_id=client.chain_id(), green_proof=client.green_proof.address,
        ceiling_at_epoch=client.efficiency_ceiling_at(cert["workloadClass"], cert["epochStart"]),
        epoch_length_s=client.epoch_length_s(),
        landed_certificate_id=client.certificate_of(cert["nodeId"], cert["epochStart"]),
    )
