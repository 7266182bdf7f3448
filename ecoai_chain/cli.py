"""The `ecoai` command line.

Each domain contributes a Typer sub-app from its own module (``ecoai_chain/<domain>/cli.py``
or ``attestor/cli.py``) exposing ``app`` (a group) or ``register(root_app)`` (top-level
commands). Usage errors print the usage line and exit 2 (typer formats them); errors derived
from `EcoAIError` become one clear line on stderr and exit code 1; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys

import typer

from ecoai_chain import __version__
from ecoai_chain.errors import EcoAIError

app = typer.Typer(
    name="ecoai",
    help="EcoAI Chain: metered GPU energy, zero-knowledge carbon certificates, Eco Credits.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# (group name or None for top-level commands, module). A missing module is simply not offered.
_DOMAINS: list[tuple[str | None, str]] = [
    ("zk", "ecoai_chain.zk.cli"),
    ("chain", "ecoai_chain.chain.cli"),
    ("dao", "ecoai_chain.dao.cli"),
    ("attestor", "attestor.cli"),
    ("indexer", "ecoai_chain.indexer.cli"),
    ("api", "ecoai_chain.api.cli"),
    ("relay", "ecoai_chain.relay.cli"),
    (None, "ecoai_chain.carbon.cli"),
    (None, "ecoai_chain.optimizer.cli"),
    (None, "ecoai_chain.verify.cli"),
    (None, "ecoai_chain.network.cli"),
    (None, "ecoai_chain.chain.claims_cli"),
    (None, "ecoai_chain.challenge.cli"),
]


@functools.cache
def _register() -> None:
    """Add every domain's commands to `app`, once per process: `app` keeps them, and adding
    them again on each `main()` call grew the command tree by one copy per call."""
    for group, module in _DOMAINS:
        if importlib.util.find_spec(module.rsplit(".", 1)[0]) is None:
            continue
        if importlib.util.find_spec(module) is None:
            continue
        mod = importlib.import_module(module)
        if hasattr(mod, "register"):
            mod.register(app)
        elif group is not None:
            app.add_typer(mod.app, name=group)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main(argv: list[str] | None = None) -> int:
    _register()
    try:
        # Standalone mode: typer's own click formats its usage errors (unknown option, missing
        # parameter, unknown command: usage line + error, exit 2) and turns typer.Exit into
        # SystemExit. Catching click's exception types here broke when typer began to vendor
        # its own click (the installed `click` package is then a different class hierarchy).
        app(args=argv, prog_name="ecoai")
    except EcoAIError as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        return 1
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        typer.echo(str(e.code), err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
