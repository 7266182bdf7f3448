"""`ecoai relay serve`: the relayer (uvicorn), signing batches with its own funded key."""

from __future__ import annotations

from pathlib import Path

import typer

from ecoai_chain.chain.cli import Signer, signing_command

app = typer.Typer(help="Batch attestors' certificates into submitCertificates transactions.",
                  no_args_is_help=True)


@app.command()
@signing_command
def serve(
    db: Path = typer.Option(Path("relay.db"), envvar="ECOAI_RELAY_DB",  # noqa: B008
                            help="the queue (SQLite); a restart resumes from it"),
    host: str = typer.Option("127.0.0.1", envvar="ECOAI_RELAY_HOST"),
    port: int = typer.Option(8070, min=1, max=65535, envvar="ECOAI_RELAY_PORT"),
    max_batch_size: int = typer.Option(32, min=1, max=256, envvar="ECOAI_RELAY_MAX_BATCH_SIZE",
                                       help="send as soon as this many items wait"),
    max_age_s: float = typer.Option(30.0, min=0, envvar="ECOAI_RELAY_MAX_AGE_S",
                                    help="or when the oldest item has waited this long"),
    tick_s: float = typer.Option(1.0, min=0.05, envvar="ECOAI_RELAY_TICK_S",
                                 help="how often the worker looks at the queue"),
    vkey: Path = typer.Option(None, envvar="ECOAI_VKEY_PATH",  # noqa: B008
                              help="verification key JSON (default: the committed one)"),
    proof_check: str = typer.Option("chain", envvar="ECOAI_RELAY_PROOF_CHECK",
                                    help="check posted proofs by eth_call to the deployment's "
                                         "Groth16Verifier (chain; local if the node fails to "
                                         "answer) or in this process (local)"),
    *, signer: Signer,
) -> None:
    """Serve until interrupted. The key (--key-file, or --dev-account on a local chain) pays
    for the batches; it is never printed or logged."""
    import uvicorn

    from ecoai_chain.chain.client import GreenProofClient
    from ecoai_chain.relay.app import create_app
    from ecoai_chain.relay.relayer import Relayer
    from ecoai_chain.relay.store import RelayStore
    from ecoai_chain.zk.verifier import load_vkey

    deployment, w3 = signer.connect()
    client = GreenProofClient(w3, deployment, signer.account(w3))
    if vkey is None:
        from ecoai_chain.zk.artifacts import zk_artifacts

        vkey = zk_artifacts().vkey
    relayer = Relayer(RelayStore(db), client, load_vkey(vkey), max_batch_size=max_batch_size,
                      max_age_s=max_age_s, proof_check=proof_check)
    typer.echo(f"relayer {client.account.address} on http://{host}:{port}/relay/v1 "
               f"(batches of {max_batch_size} or every {max_age_s:g} s; proofs checked "
               f"{relayer.proof_check.name})")
    uvicorn.run(create_app(relayer, tick_s=tick_s), host=host, port=port,
                log_level="warning", access_log=False)
