"""`ecoai zk ...`: trusted setup and artifact checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Zero-knowledge circuit: trusted setup, artifact checks.", no_args_is_help=True
)


@app.command()
def setup(
    ptau: Annotated[
        Path | None,
        typer.Option(
            "--ptau",
            help="Public ceremony file (Hermez powersOfTau28_hez_final_NN.ptau); its blake2b "
            "must match a known one. Default: a dev-only phase 1 made locally once.",
        ),
    ] = None,
    contributions: Annotated[
        int, typer.Option("--contributions", min=1, help="Phase-2 contributions.")
    ] = 1,
) -> None:
    """Compile the circuit, run phase 1 (or check a ceremony file) and phase 2, export the
    verification key and Solidity verifier, write circuits/setup/manifest.json."""
    from ecoai_chain.zk.setup import run_setup

    m = run_setup(ptau=ptau, contributions=contributions, log=lambda s: typer.echo(s, err=True))
    typer.echo(
        f"constraints={m['constraints']} power={m['power']} zkey_sha256={m['sha256']['zkey']}"
    )


@app.command()
def check(
    recompile: bool = typer.Option(True, help="Recompile the circuit and compare the r1cs hash."),
) -> None:
    """Check the committed zkey, vkey, verifier and wasm against each other and the circuit."""
    from ecoai_chain.zk.artifacts import check_artifacts

    for line in check_artifacts(recompile=recompile):
        typer.echo(line)
