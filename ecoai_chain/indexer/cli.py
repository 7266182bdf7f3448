"""`ecoai indexer run`: follow the chain into the database, with a backfill progress bar;
`ecoai indexer status`: where the index stands, and the logs it had to quarantine."""

from __future__ import annotations

import signal
import threading

import typer

from ecoai_chain.errors import IndexerStopped
from ecoai_chain.indexer.db import DEFAULT_DB_URL

app = typer.Typer(help="Index GreenProof and EcoCredit events into SQL.", no_args_is_help=True)


@app.command()
def run(
    manifest: str = typer.Option(..., help="deployment manifest JSON (ecoai chain deploy)"),
    rpc: str = typer.Option(None, help="JSON-RPC URL (default: the manifest's rpc_url)"),
    db: str = typer.Option(DEFAULT_DB_URL, envvar="ECOAI_DB_URL",
                           help="sqlite:///PATH or postgresql://USER@HOST/DB"),
    confirmations: int = typer.Option(2, min=0, help="blocks behind head before indexing"),
    poll_s: float = typer.Option(2.0, min=0.05, help="seconds between polls when caught up"),
    once: bool = typer.Option(False, help="catch up with the chain, then exit"),
) -> None:
    """Backfill from the deployment block, then follow new blocks until interrupted."""
    from ecoai_chain.chain.deployment import load_manifest
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.follower import Indexer
    from ecoai_chain.indexer.manifest import config_from_deployment
    from ecoai_chain.indexer.rpc import JsonRpc
    from ecoai_chain.indexer.store import IndexStore

    dep = load_manifest(manifest)
    cfg = config_from_deployment(dep, confirmations=confirmations)
    url = rpc or dep.rpc_url
    if not url:
        raise typer.BadParameter("no --rpc given and the manifest has no rpc_url",
                                 param_hint="--rpc")
    # SIGTERM from the start: during the backfill it stops between ranges (each range is
    # applied atomically with its checkpoint), so a stop is always clean.
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    rpc_client = JsonRpc(url)
    try:
        ix = Indexer(rpc_client, IndexStore(make_engine(db)), cfg)
        _follow(ix, stop, once, poll_s)
    except (KeyboardInterrupt, IndexerStopped):
        stop.set()
    finally:
        signal.signal(signal.SIGTERM, previous)
        rpc_client.close()


def _follow(ix, stop: threading.Event, once: bool, poll_s: float) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    start = ix.checkpoint
    with Progress(TextColumn("[bold]indexing[/] blocks"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[logs]} events"),
                  TextColumn("{task.fields[held]} quarantined (ecoai indexer status)"),
                  transient=False) as bar:
        task = bar.add_task("backfill", total=None, logs=0, held=0)
        seen = held = 0

        def progress(res) -> None:
            nonlocal seen, held
            seen, held = seen + res.logs, held + res.quarantined
            bar.update(task, total=max(res.safe_head - start, 1),
                       completed=res.to_block - start, logs=seen, held=held)
            if stop.is_set():
                raise IndexerStopped

        ix.sync(progress)
        if not once:
            ix.run(stop, poll_s=poll_s, on_progress=progress)


@app.command()
def status(
    db: str = typer.Option(DEFAULT_DB_URL, envvar="ECOAI_DB_URL",
                           help="sqlite:///PATH or postgresql://USER@HOST/DB"),
    limit: int = typer.Option(20, min=0, help="how many quarantined logs to list"),
) -> None:
    """Indexed block, deployment, and every log quarantined (not decodable or storable)."""
    from pathlib import Path

    from ecoai_chain.errors import ConfigError
    from ecoai_chain.indexer import quarantine
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.indexer.store import IndexStore

    path = db.removeprefix("sqlite:///") if db.startswith("sqlite:///") else None
    if path is not None and not Path(path).is_file():
        raise ConfigError(f"db: no index database at {path} (run `ecoai indexer run` first)")
    store = IndexStore(make_engine(db))
    with store.engine.connect() as conn:
        held, rows = quarantine.count(conn), quarantine.latest(conn, limit)
        checkpoint = store.get_meta("checkpoint_block", conn)
        deployment = store.get_meta("deployment", conn)
    typer.echo(f"indexed block: {checkpoint if checkpoint is not None else 'none yet'}")
    typer.echo(f"deployment: {deployment or 'none yet'}")
    typer.echo(f"quarantined logs: {held}")
    for r in rows:
        typer.echo(f"  block {r['block_number']} tx {r['tx_hash']} log {r['log_index']} "
                   f"({r['address']}): {r['reason']}")
    if held > len(rows):
        typer.echo(f"  ... and {held - len(rows)} more")
