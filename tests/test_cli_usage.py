"""Usage errors through the installed `ecoai` entry point: one usage line, exit 2, no
traceback (issue 12 item 11). The installed typer carries its own copy of click, so this runs
the real console script, not an in-process stand-in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ECOAI = Path(sys.executable).parent / "ecoai"

CASES = [
    pytest.param(["verify", "--bogus"], "No such option: --bogus", id="unknown-option"),
    pytest.param(["verify"], "--rpc", id="missing-parameter"),
    pytest.param(["nosuchcmd"], "No such command 'nosuchcmd'", id="unknown-command"),
    pytest.param(["chain", "nosuchcmd"], "No such command 'nosuchcmd'", id="unknown-subcommand"),
    pytest.param(["attestor", "status", "--bogus"], "No such option: --bogus",
                 id="unknown-option-in-group"),
]


def _ecoai(args: list[str]) -> subprocess.CompletedProcess:
    assert ECOAI.is_file(), f"{ECOAI}: the package is not installed in this venv"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run([str(ECOAI), *args], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("args", "says"), CASES)
def test_usage_error_is_one_usage_line_and_exit_2(args, says):
    r = _ecoai(args)
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert r.returncode == 2, r.stderr
    usage = [ln for ln in r.stderr.splitlines() if ln.startswith("Usage: ecoai")]
    assert len(usage) == 1, r.stderr
    assert says in r.stderr
    assert r.stdout == ""


def test_help_and_errors_still_behave():
    """--help exits 0 on stdout; a product error stays one line and exit 1."""
    r = _ecoai(["verify", "--help"])
    assert (r.returncode, "Usage: ecoai verify" in r.stdout) == (0, True), r.stderr
    r = _ecoai(["report", "--format", "pdf"])
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_in_process_main_returns_2_for_usage_errors(capsys):
    from ecoai_chain.cli import main

    assert main(["verify", "--bogus"]) == 2
    assert "No such option: --bogus" in capsys.readouterr().err


def test_in_process_main_registers_each_command_once(capsys):
    """Every `main()` call used to add the domains' sub-apps again, so each call in a process
    rebuilt a command tree one copy larger than the last (the tests call `main` in-process
    hundreds of times)."""
    from ecoai_chain.cli import app, main

    assert main(["version"]) == 0
    shape = (len(app.registered_groups), len(app.registered_commands))
    assert main(["version"]) == 0
    assert (len(app.registered_groups), len(app.registered_commands)) == shape
    names = [g.name for g in app.registered_groups]
    assert len(names) == len(set(names)), names
    capsys.readouterr()
