"""signing_command: the Signer options are declared once and reach the command as a Signer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.testing import CliRunner

from ecoai_chain.chain.cli import Signer, signing_command


def _app(seen: list) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    @signing_command
    def send(amount: Annotated[int, typer.Argument()], note: str = "", *,
             signer: Signer) -> None:
        seen.append((amount, note, signer))

    @app.command()
    def other() -> None:  # a second command, so Typer keeps "send" as a subcommand
        pass

    return app


def test_the_options_reach_the_command_as_a_signer(tmp_path: Path) -> None:
    seen: list = []
    key = tmp_path / "key.json"
    r = CliRunner().invoke(_app(seen), ["send", "7", "--note", "n", "--rpc", "http://x:1",
                                        "--key-file", str(key), "--manifest", "m.json"])
    assert r.exit_code == 0, r.output
    assert seen == [(7, "n", Signer(Path("m.json"), "http://x:1", key, None, None))]


def test_the_defaults_are_the_manifest_in_the_working_directory_and_no_key() -> None:
    seen: list = []
    r = CliRunner().invoke(_app(seen), ["send", "1", "--dev-account", "2"])
    assert r.exit_code == 0, r.output
    assert seen == [(1, "", Signer(Path("deployment.json"), None, None, None, 2))]


def test_help_lists_the_signer_options_and_not_the_parameter() -> None:
    r = CliRunner().invoke(_app([]), ["send", "--help"], env={"COLUMNS": "120"})
    assert r.exit_code == 0, r.output
    for opt in ("--manifest", "--rpc", "--key-file", "--password-file", "--dev-account",
                "--note"):
        assert opt in r.output
    assert "--signer" not in r.output
