"""``ecoai chain ...``: deploy the contracts and look at a deployment."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from ecoai_chain.errors import ChainError, ConfigError

app = typer.Typer(
    help="Deploy and inspect the GreenProof / EcoCredit contracts.", no_args_is_help=True
)


def _web3(rpc: str):
    from web3.exceptions import Web3Exception

    from ecoai_chain.chain.rpc import http_web3
    from ecoai_chain.redact import redact_url

    w3 = http_web3(rpc, timeout_s=30)  # transport failures are ChainError, URL redacted
    try:
        _ = w3.eth.chain_id
    except (ChainError, Web3Exception) as e:  # connection refused, an error answer
        raise ChainError(f"cannot reach RPC {redact_url(rpc)}: {e}") from e
    return w3


KeyFileOpt = typer.Option("--key-file", help="deployer V3 keystore")
PasswordFileOpt = typer.Option(
    "--password-file", help="keystore password (else $ECOAI_KEYSTORE_PASSWORD or prompt)"
)
DevAccountOpt = typer.Option(
    "--dev-account", help="anvil dev account N (local chains 31337/1337 only)"
)
ManifestOpt = typer.Option("--manifest", help="deployment manifest")
RpcOpt = typer.Option("--rpc", help="override the manifest's RPC URL")
DryRunOpt = typer.Option("--dry-run", help="print the call and stop")


def _connect(manifest: Path, rpc: str | None):
    """The deployment of ``manifest`` and a Web3 on its RPC (or ``rpc``), refused unless that
    node is on the manifest's chain."""
    from ecoai_chain.chain.deployment import load_manifest

    deployment = load_manifest(manifest)
    w3 = _web3(rpc or deployment.rpc_url)
    if w3.eth.chain_id != deployment.chain_id:
        raise ConfigError(
            f"RPC chain id {w3.eth.chain_id} != manifest chain id {deployment.chain_id}"
        )
    return deployment, w3


def _account(w3, key_file: Path | None, password_file: Path | None, dev_account: int | None):
    from ecoai_chain.chain.keys import dev_account as dev_acct
    from ecoai_chain.chain.keys import keystore_account, read_password

    if (key_file is None) == (dev_account is None):
        raise ConfigError("give exactly one of --key-file KEYSTORE or --dev-account N")
    if dev_account is not None:
        return dev_acct(dev_account, w3.eth.chain_id)
    return keystore_account(key_file, read_password(password_file))


@dataclass(frozen=True)
class Signer:
    """The options of a command that sends transactions: the deployment, the node to send
    through, and the key that signs (a keystore, or an anvil dev account on a local chain)."""

    manifest: Path
    rpc: str | None
    key_file: Path | None
    password_file: Path | None
    dev_account: int | None

    def connect(self):
        """(deployment, w3), checked to be the same chain (`_connect`)."""
        return _connect(self.manifest, self.rpc)

    def account(self, w3):
        return _account(w3, self.key_file, self.password_file, self.dev_account)


_SIGNER_OPTIONS = (
    ("manifest", Annotated[Path, ManifestOpt], Path("deployment.json")),
    ("rpc", Annotated[str | None, RpcOpt], None),
    ("key_file", Annotated[Path | None, KeyFileOpt], None),
    ("password_file", Annotated[Path | None, PasswordFileOpt], None),
    ("dev_account", Annotated[int | None, DevAccountOpt], None),
)


def signing_command(command: Callable[..., None]) -> Callable[..., None]:
    """``command(..., signer: Signer)`` as Typer sees it: the `Signer` options (--manifest,
    --rpc, --key-file, --password-file, --dev-account) after the command's own parameters, in
    place of ``signer`` (click's shared-options decorator; Typer reads ``__signature__``)."""
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values()
           if p.name != "signer"]
    options = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                 annotation=annotation)
               for name, annotation, default in _SIGNER_OPTIONS]

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        signer = Signer(*(kwargs.pop(name) for name, _, _ in _SIGNER_OPTIONS))
        command(**kwargs, signer=signer)

    run.__signature__ = inspect.Signature([*own, *options])  # type: ignore[attr-defined]
    return run


def _governance(guardian: str | None, voting_delay_s: int, voting_period_s: int,
                timelock_delay_s: int, quorum_percent: int, threshold: int):
    from ecoai_chain.chain.deployment import GovernanceConfig

    if guardian is None:
        raise ConfigError("--guardian ADDRESS is needed (a multisig that may pause and cancel "
                          "queued proposals), or --no-governor for plain roles")
    return GovernanceConfig(guardian, voting_delay_s, voting_period_s, timelock_delay_s,
                            quorum_percent, threshold)


def _genesis(w3, account, deployment, intensities: list[str], baselines: list[str],
             ceilings: list[str] | None = None) -> None:
    """Set the --intensity / --baseline / --ceiling values with the deployer's plain roles,
    from the next blocks on (parameters never apply to the past), printing each call first
    (the same typed actions as ``ecoai dao send``)."""
    from ecoai_chain.dao.client import DaoClient

    start = str(int(w3.eth.get_block("latest")["timestamp"]) + 30)
    words: list[str] = []
    for option, action, items, shape in (
        ("--intensity", "set-intensity", intensities, "REGION=MG_PER_KWH"),
        ("--baseline", "set-baseline", baselines, "CLASS=NG_PER_WORK"),
        ("--ceiling", "set-ceiling", ceilings or [], "CLASS=WORK_PER_KWH"),
    ):
        for item in items:
            key, _, value = item.partition("=")
            if not value:
                raise ConfigError(f"{option} wants {shape}, got {item!r}")
            words += ["+", action, key, value, "--from", start]
    if not words:
        return
    dao = DaoClient(w3, deployment, account)
    calls = dao.plan(words[1:])
    for call in calls:
        typer.echo(f"genesis: {call.describe()}")
    dao.send(calls)


@app.command()
def deploy(
    rpc: Annotated[str, typer.Option("--rpc", help="JSON-RPC URL, e.g. http://127.0.0.1:8545")],
    epoch_length_s: Annotated[
        int, typer.Option("--epoch-length-s", help="epoch length (s)")
    ] = 3600,
    out: Annotated[Path, typer.Option("--out", help="manifest JSON to write")] = Path(
        "deployment.json"
    ),
    key_file: Annotated[Path | None, KeyFileOpt] = None,
    password_file: Annotated[Path | None, PasswordFileOpt] = None,
    dev_account: Annotated[int | None, DevAccountOpt] = None,
    verifier: Annotated[
        str | None, typer.Option("--verifier", help="reuse a Groth16Verifier")
    ] = None,
    no_governor: Annotated[bool, typer.Option(
        "--no-governor", help="keep plain roles (private deployments): the --admin account "
        "holds them and sends actions with `ecoai dao send`")] = False,
    admin: Annotated[str | None, typer.Option(
        "--admin", help="with --no-governor: the holder of every role (default the deployer)")
    ] = None,
    guardian: Annotated[str | None, typer.Option(
        "--guardian", help="may pause and cancel queued proposals (e.g. a multisig)")] = None,
    voting_delay_s: Annotated[int, typer.Option(help="seconds before a vote opens")] = 86_400,
    voting_period_s: Annotated[int, typer.Option(help="seconds a vote is open")] = 604_800,
    timelock_delay_s: Annotated[int, typer.Option(help="seconds from queue to execute")] = 172_800,
    quorum_percent: Annotated[int, typer.Option(help="quorum, % of the supply")] = 4,
    proposal_threshold_units: Annotated[int, typer.Option(
        help="EcoCredit units needed to propose")] = 0,
    intensity: Annotated[list[str] | None, typer.Option(
        "--intensity", help="genesis REGION=MG_PER_KWH, set before the hand-over (repeat)")
    ] = None,
    baseline: Annotated[list[str] | None, typer.Option(
        "--baseline", help="genesis CLASS=NG_PER_WORK, set before the hand-over (repeat)")
    ] = None,
    ceiling: Annotated[list[str] | None, typer.Option(
        "--ceiling", help="genesis efficiency ceiling CLASS=WORK_PER_KWH (a class without one "
        "accepts no certificate), set before the hand-over (repeat)")
    ] = None,
) -> None:
    """Deploy Groth16Verifier, EcoCredit and GreenProof, set any genesis parameters, then hand
    every role to an EcoTimelock driven by an EcoGovernor (unless --no-governor); write the
    manifest."""
    from ecoai_chain.chain.deployment import deploy_all
    from ecoai_chain.chain.governance import hand_over_to_dao

    if epoch_length_s <= 0:
        raise ConfigError(f"--epoch-length-s must be positive, got {epoch_length_s}")
    if no_governor and guardian:
        raise ConfigError("--guardian is for a governed deployment; drop it or --no-governor")
    if admin and not no_governor:
        raise ConfigError("--admin is for --no-governor: a governed deployment's roles are the "
                          "timelock's")
    if (key_file is None) == (dev_account is None):
        raise ConfigError("give exactly one of --key-file KEYSTORE or --dev-account N")
    w3 = _web3(rpc)
    account = _account(w3, key_file, password_file, dev_account)
    governance = None if no_governor else _governance(
        guardian, voting_delay_s, voting_period_s, timelock_delay_s, quorum_percent,
        proposal_threshold_units)
    deployment = deploy_all(w3, account, epoch_length_s, verifier, admin=admin, rpc_url=rpc)
    _genesis(w3, account, deployment, intensity or [], baseline or [], ceiling or [])
    if governance is not None:
        deployment = hand_over_to_dao(w3, account, deployment, governance)
    deployment.save(out)
    _print_deployment(deployment)
    typer.echo(f"chain {deployment.chain_id}, epoch {deployment.epoch_length_s} s -> {out}")


@app.command("hand-over")
def hand_over(
    manifest: Annotated[Path, typer.Option("--manifest", help="manifest")] = Path(
        "deployment.json"),
    rpc: Annotated[str | None, typer.Option("--rpc", help="override the manifest's RPC")] = None,
    key_file: Annotated[Path | None, KeyFileOpt] = None,
    password_file: Annotated[Path | None, PasswordFileOpt] = None,
    dev_account: Annotated[int | None, DevAccountOpt] = None,
    guardian: Annotated[str | None, typer.Option("--guardian")] = None,
    voting_delay_s: Annotated[int, typer.Option()] = 86_400,
    voting_period_s: Annotated[int, typer.Option()] = 604_800,
    timelock_delay_s: Annotated[int, typer.Option()] = 172_800,
    quorum_percent: Annotated[int, typer.Option()] = 4,
    proposal_threshold_units: Annotated[int, typer.Option()] = 0,
) -> None:
    """Hand an ungoverned deployment (genesis nodes and parameters set) to a new EcoGovernor
    + EcoTimelock; the admin renounces every role. Updates the manifest."""
    from ecoai_chain.chain.deployment import load_manifest
    from ecoai_chain.chain.governance import hand_over_to_dao

    deployment = load_manifest(manifest)
    w3 = _web3(rpc or deployment.rpc_url)
    account = _account(w3, key_file, password_file, dev_account)
    governance = _governance(guardian, voting_delay_s, voting_period_s, timelock_delay_s,
                             quorum_percent, proposal_threshold_units)
    deployment = hand_over_to_dao(w3, account, deployment, governance)
    deployment.save(manifest)
    _print_deployment(deployment)


def _print_deployment(deployment) -> None:
    for name, ref in deployment.contracts.items():
        typer.echo(f"{name:16} {ref.address}  (block {ref.block})")
    g = deployment.governance
    if g is None:
        typer.echo(f"roles            plain: held by {deployment.role_admin} (--no-governor)")
    else:
        typer.echo(f"guardian         {g.guardian} (pause, cancel queued proposals)")
        typer.echo(f"governance       vote opens after {g.voting_delay_s} s, lasts "
                   f"{g.voting_period_s} s, timelock {g.timelock_delay_s} s, quorum "
                   f"{g.quorum_percent}%")


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

    deployment, w3 = _connect(manifest, rpc)
    client = GreenProofClient(w3, deployment)
    typer.echo(f"GreenProof     {deployment.green_proof}")
    typer.echo(f"EcoCredit      {deployment.eco_credit}")
    typer.echo(f"verifier       {deployment.verifier}")
    typer.echo(f"epoch length   {client.epoch_length_s()} s")
    typer.echo(f"nodes          {client.node_count()}")
    typer.echo(f"certificates   {client.certificate_count()}")
    if deployment.governance is None:
        typer.echo(f"roles          plain, held by {deployment.role_admin}")
    else:
        typer.echo(f"governor       {deployment.address('EcoGovernor')}")
        typer.echo(f"timelock       {deployment.address('EcoTimelock')}")
        typer.echo(f"guardian       {deployment.governance.guardian}")
