"""``ecoai chain ...``: deploy the contracts and look at a deployment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ecoai_chain.errors import ChainError, ConfigError

app = typer.Typer(
    help="Deploy and inspect the GreenProof / EcoCredit contracts.", no_args_is_help=True
)


def _web3(rpc: str):
    from web3 import HTTPProvider, Web3

    w3 = Web3(HTTPProvider(rpc, request_kwargs={"timeout": 30}))
    try:
        _ = w3.eth.chain_id
    except Exception as e:  # connection refused, bad URL: one clear line
        raise ChainError(f"cannot reach RPC {rpc}: {e}") from e
    return w3


@app.command()
def deploy(
    rpc: Annotated[str, typer.Option("--rpc", help="JSON-RPC URL, e.g. http://127.0.0.1:8545")],
    epoch_length_s: Annotated[
        int, typer.Option("--epoch-length-s", help="epoch length (s)")
    ] = 3600,
    out: Annotated[Path, typer.Option("--out", help="manifest JSON to write")] = Path(
        "deployment.json"
    ),
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="deployer V3 keystore")
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option(
            "--password-file", help="keystore password (else $ECOAI_KEYSTORE_PASSWORD or prompt)"
        ),
    ] = None,
    dev_account: Annotated[
        int | None,
        typer.Option("--dev-account", help="anvil dev account N (local chains 31337/1337 only)"),
    ] = None,
    verifier: Annotated[
        str | None, typer.Option("--verifier", help="reuse a Groth16Verifier")
    ] = None,
    admin: Annotated[str | None, typer.Option("--admin", help="admin of all roles")] = None,
) -> None:
    """Deploy Groth16Verifier, EcoCredit and GreenProof, wire roles, write the manifest."""
    from ecoai_chain.chain.deployment import deploy_all
    from ecoai_chain.chain.keys import dev_account as dev_acct
    from ecoai_chain.chain.keys import keystore_account, read_password

    if (key_file is None) == (dev_account is None):
        raise ConfigError("give exactly one of --key-file KEYSTORE or --dev-account N")
    if epoch_length_s <= 0:
        raise ConfigError(f"--epoch-length-s must be positive, got {epoch_length_s}")
    w3 = _web3(rpc)
    chain_id = w3.eth.chain_id
    if dev_account is not None:
        account = dev_acct(dev_account, chain_id)
    else:
        account = keystore_account(key_file, read_password(password_file))
    deployment = deploy_all(w3, account, epoch_length_s, verifier, admin=admin, rpc_url=rpc)
    deployment.save(out)
    for name, ref in deployment.contracts.items():
        typer.echo(f"{name:16} {ref.address}  (block {ref.block})")
    typer.echo(f"chain {deployment.chain_id}, epoch {deployment.epoch_length_s} s -> {out}")


@app.command()
def status(
    manifest: Annotated[Path, typer.Option("--manifest", help="manifest")] = Path(
        "deployment.json"
    ),
    rpc: Annotated[
        str | None, typer.Option("--rpc", help="override the manifest's RPC URL")
    ] = None,
) -> None:
    """Print the deployment's parameters and counters as the chain reports them."""
    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.chain.deployment import load_manifest

    deployment = load_manifest(manifest)
    w3 = _web3(rpc or deployment.rpc_url)
    if w3.eth.chain_id != deployment.chain_id:
        raise ConfigError(
            f"RPC chain id {w3.eth.chain_id} != manifest chain id {deployment.chain_id}"
        )
    client = GreenProofClient(w3, deployment)
    typer.echo(f"GreenProof     {deployment.green_proof}")
    typer.echo(f"EcoCredit      {deployment.eco_credit}")
    typer.echo(f"verifier       {deployment.verifier}")
    typer.echo(f"epoch length   {client.epoch_length_s()} s")
    typer.echo(f"nodes          {client.node_count()}")
    typer.echo(f"certificates   {client.certificate_count()}")
