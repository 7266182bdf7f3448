"""``ecoai challenge CERT`` and ``ecoai challenge-finalize ID`` (top-level commands), for anyone.

``challenge`` pays the ChallengeManager's deposit in force from the account of a keystore
(``--key-file``) or an anvil dev account, prints the call before sending it, and ends with the
challenge as JSON: its id, randomness block, deadline and the number of slots the node must
open. ``challenge-finalize`` settles a challenge whose deadline passed unanswered (revocation,
slash, the challenger paid); ``challenge-show`` prints a challenge and, once drawn, its slots.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ecoai_chain.chain.cli import DryRunOpt, ManifestOpt, RpcOpt, Signer, _connect, signing_command
from ecoai_chain.errors import ConfigError, ContractRevert


def _challenges(manifest: Path, rpc: str | None, signer: Signer | None = None):
    """The deployment's ChallengeClient, signing as ``signer`` (None: read only)."""
    from ecoai_chain.chain.challenges import ChallengeClient
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import load_manifest

    if not ChallengeClient.available(load_manifest(manifest)):
        raise ConfigError(f"{manifest} has no ChallengeManager (deployed before challenges)")
    dep, w3 = _connect(manifest, rpc)
    return ChallengeClient(GreenProofClient(w3, dep, signer.account(w3) if signer else None))


@signing_command
def challenge(
    certificate_id: Annotated[int, typer.Argument(min=1, help="certificate id")],
    dry_run: Annotated[bool, DryRunOpt] = False,
    *,
    signer: Signer,
) -> None:
    """Challenge a vesting certificate: its node must open randomly drawn slots on-chain before
    the deadline, or lose the reward and part of its bond (you get your deposit back and a share
    of the slash). An answered challenge pays your deposit to the node's operator."""
    cm = _challenges(signer.manifest, signer.rpc, signer)
    p = cm.params()
    record = cm.client.certificate_record(certificate_id)  # checked against its slot
    typer.echo(f"sending  ChallengeManager.challenge({certificate_id}, "
               f"{cm.client.describe_record(record)}) with {p.deposit_wei} wei")
    typer.echo(f"  to     {cm.address} (chain {cm.w3.eth.chain_id})")
    typer.echo(f"  from   {cm.client.account.address}")
    if dry_run:
        return
    cid = cm.challenge(certificate_id, p.deposit_wei, record)
    c = cm.get(cid)
    typer.echo(json.dumps({"challenge_id": cid, **c}))


@signing_command
def challenge_finalize(
    challenge_id: Annotated[int, typer.Argument(min=1, help="challenge id")],
    *,
    signer: Signer,
) -> None:
    """Settle a challenge whose answer deadline passed: revoke, slash, pay the challenger."""
    cm = _challenges(signer.manifest, signer.rpc, signer)
    out = cm.finalize(challenge_id)
    typer.echo(json.dumps(out, default=str))


def challenge_show(
    challenge_id: Annotated[int, typer.Argument(min=1, help="challenge id")],
    manifest: Annotated[Path, ManifestOpt] = Path("deployment.json"),
    rpc: Annotated[str | None, RpcOpt] = None,
) -> None:
    """A challenge, and its slots once the randomness block is past."""
    cm = _challenges(manifest, rpc)
    c = cm.get(challenge_id)
    if c["status"] == "none":
        raise ConfigError(f"no challenge {challenge_id}")
    try:
        c["slots"] = cm.slots(challenge_id)
    except ContractRevert as e:
        c["slots"] = None
        c["slots_note"] = e.name
    typer.echo(json.dumps(c))


def register(root: typer.Typer) -> None:
    root.command("challenge")(challenge)
    root.command("challenge-finalize")(challenge_finalize)
    root.command("challenge-show")(challenge_show)
