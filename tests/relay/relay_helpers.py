"""Factories for the relayer tests: a relayer on the `ready` chain, signed vector items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eth_account import Account

from ecoai_chain.chain.devnet import dev_private_key
from ecoai_chain.chain.eip712 import sign_certificate
from ecoai_chain.relay.relayer import Relayer
from ecoai_chain.relay.store import RelayStore
from ecoai_chain.relay.wire import item_body
from ecoai_chain.zk.artifacts import zk_artifacts
from ecoai_chain.zk.verifier import load_vkey

RELAYER_KEY = dev_private_key(5)  # funded by anvil, used by no other fixture


def vector_item(ready: dict, proof_vectors: dict, i: int | str, signer: Any = None,
                **changes: Any) -> tuple[dict, dict, bytes]:
    """(certificate, snarkjs proof, signature) of vector ``i`` (an index or a ceiling case),
    signed by its node's attestor (or ``signer``); ``changes`` alter certificate fields
    before signing."""
    item = (proof_vectors["ceiling_cases"][i] if isinstance(i, str)
            else proof_vectors["certificates"][i])
    cert = {k: (v if k == "workloadClass" else int(v)) for k, v in item["cert"].items()}
    cert.update(changes)
    client = ready["client"]
    who = signer or ready["attestors"][cert["nodeId"] - 1]
    sig = sign_certificate(who, client.w3.eth.chain_id, client.deployment.green_proof, cert)
    return cert, item["snarkjs_proof"], sig


def body(ready: dict, proof_vectors: dict, i: int | str, **kw: Any) -> dict:
    return item_body(*vector_item(ready, proof_vectors, i, **kw))


def make_relayer(ready: dict, db: Path, **kw: Any) -> Relayer:
    client = ready["client"].with_account(Account.from_key(RELAYER_KEY))
    return Relayer(RelayStore(db), client, load_vkey(zk_artifacts().vkey), **kw)
