"""``ecoai dao ...``: typed actions as proposals (governed) or direct transactions (plain roles),
delegation, votes, queue / execute / cancel, and the state of every proposal.

Every command that sends prints, before sending, exactly which contract function it calls with
which arguments (and the calldata); ``--dry-run`` stops there. Keys come from keystores
(``--key-file``) or, on a local chain only, anvil's dev accounts (``--dev-account``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ecoai_chain.errors import ValidationError

app = typer.Typer(help="The DAO: propose, vote, queue, execute, cancel; direct actions.",
                  no_args_is_help=True)
_EXTRA = {"allow_extra_args": True, "ignore_unknown_options": True}

ManifestOpt = Annotated[Path, typer.Option("--manifest", help="deployment manifest")]
RpcOpt = Annotated[str | None, typer.Option("--rpc", help="override the manifest's RPC URL")]
KeyOpt = Annotated[Path | None, typer.Option("--key-file", help="V3 keystore of the sender")]
PwOpt = Annotated[Path | None, typer.Option(
    "--password-file", help="keystore password (else $ECOAI_KEYSTORE_PASSWORD or prompt)")]
DevOpt = Annotated[int | None, typer.Option(
    "--dev-account", help="anvil dev account N (local chains 31337/1337 only)")]
DEFAULT_MANIFEST = Path("deployment.json")


def _client(manifest: Path, rpc: str | None, key_file: Path | None = None,
            password_file: Path | None = None, dev_account: int | None = None,
            need_key: bool = True):
    from ecoai_chain.chain.cli import _account, _connect
    from ecoai_chain.dao.client import DaoClient

    deployment, w3 = _connect(manifest, rpc)
    account = _account(w3, key_file, password_file, dev_account) if need_key else None
    return DaoClient(w3, deployment, account)


def parse_proposal_id(text: str) -> int:
    t = text.strip()
    try:
        value = int(t, 16) if t.startswith("0x") else int(t) if t.isdigit() else -1
    except ValueError:
        value = -1
    if not 0 <= value < 2**256:
        raise ValidationError("PROPOSAL_ID", f"a decimal or 0x-hex uint256, got {text!r}")
    return value


def _when(ts: int | None) -> str:
    if not ts:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _eco(units: int) -> str:
    return f"{units / 10**18:,.6f} ECO"


def _show_calls(calls: list[Any], verb: str) -> None:
    for i, call in enumerate(calls, 1):
        typer.echo(f"{verb} [{i}/{len(calls)}] {call.describe()}")
        typer.echo(f"      {call.signature}  calldata 0x{call.calldata.hex()}")


@app.command("actions")
def actions() -> None:
    """List the typed actions: arguments and the contract function each calls."""
    from ecoai_chain.dao.actions import usage_lines

    for line in usage_lines():
        typer.echo(line)


@app.command("propose", context_settings=_EXTRA)
def propose(ctx: typer.Context,
            description: Annotated[str, typer.Option("--description", "-m",
                                                     help="what and why (on-chain)")],
            manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None,
            key_file: KeyOpt = None, password_file: PwOpt = None, dev_account: DevOpt = None,
            dry_run: Annotated[bool, typer.Option("--dry-run", help="print only")] = False,
            ) -> None:
    """Propose ACTION ARGS... [+ ACTION ARGS...] (see `ecoai dao actions`)."""
    dao = _client(manifest, rpc, key_file, password_file, dev_account, need_key=not dry_run)
    calls = dao.plan(list(ctx.args))
    _show_calls(calls, "proposal will call")
    if dry_run:
        return
    pid = dao.propose(calls, description)
    p = dao.proposal(pid)
    typer.echo(f"proposal {pid}: {p.state}; voting {_when(p.snapshot_s)} .. {_when(p.deadline_s)}")
    typer.echo(json.dumps({"proposal_id": str(pid), "state": p.state}))


@app.command("send", context_settings=_EXTRA)
def send(ctx: typer.Context, manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None,
         key_file: KeyOpt = None, password_file: PwOpt = None, dev_account: DevOpt = None,
         dry_run: Annotated[bool, typer.Option("--dry-run", help="print only")] = False) -> None:
    """Send ACTION ARGS... [+ ...] directly with the role holder's key: every action of a
    --no-governor deployment, the guardian's pause/unpause of a governed one."""
    dao = _client(manifest, rpc, key_file, password_file, dev_account, need_key=not dry_run)
    calls = dao.plan(list(ctx.args))
    _show_calls(calls, "will call")
    if dry_run:
        return
    receipts = dao.send(calls)
    for r in receipts:
        typer.echo(f"sent {r['transactionHash'].hex()} (block {r['blockNumber']}, "
                   f"gas {r['gasUsed']})")


@app.command("delegate")
def delegate(to: Annotated[str | None, typer.Argument(help="delegate (default: yourself)")]
             = None, manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None,
             key_file: KeyOpt = None, password_file: PwOpt = None,
             dev_account: DevOpt = None) -> None:
    """Delegate your Eco Credits' votes (to yourself to vote with them): they count from
    the next proposal's snapshot on."""
    dao = _client(manifest, rpc, key_file, password_file, dev_account)
    target = to or dao.account.address
    typer.echo(f"will call EcoCredit({dao.deployment.eco_credit}).delegate(delegatee={target})")
    dao.delegate(target)
    votes = dao.contracts["EcoCredit"].functions.getVotes(target).call()
    typer.echo(f"{target} now has {_eco(votes)} of votes")


@app.command("vote")
def vote(proposal: Annotated[str, typer.Argument(help="proposal id")],
         support: Annotated[str, typer.Argument(help="for | against | abstain")],
         reason: Annotated[str, typer.Option("--reason", help="on-chain reason")] = "",
         manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None,
         key_file: KeyOpt = None, password_file: PwOpt = None,
         dev_account: DevOpt = None) -> None:
    """Vote on an Active proposal."""
    from ecoai_chain.dao.client import SUPPORT

    pid = parse_proposal_id(proposal)
    if support not in SUPPORT:
        raise ValidationError("SUPPORT", f"one of {', '.join(SUPPORT)}, got {support!r}")
    dao = _client(manifest, rpc, key_file, password_file, dev_account)
    typer.echo(f"will call EcoGovernor({dao.governor.address}).castVoteWithReason("
               f"proposalId={pid}, support={SUPPORT[support]} ({support}), reason={reason!r})")
    weight = dao.vote(pid, support, reason)
    typer.echo(f"voted {support} with {_eco(weight)}")


def _simple(verb: str, proposal: str, manifest: Path, rpc: str | None, key_file: Path | None,
            password_file: Path | None, dev_account: int | None) -> tuple[Any, int]:
    pid = parse_proposal_id(proposal)
    dao = _client(manifest, rpc, key_file, password_file, dev_account)
    typer.echo(f"will call EcoGovernor({dao.governor.address}).{verb}(proposalId={pid})")
    return dao, pid


@app.command("queue")
def queue(proposal: Annotated[str, typer.Argument(help="proposal id")],
          manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None, key_file: KeyOpt = None,
          password_file: PwOpt = None, dev_account: DevOpt = None) -> None:
    """Queue a Succeeded proposal in the timelock (anyone may)."""
    dao, pid = _simple("queue", proposal, manifest, rpc, key_file, password_file, dev_account)
    eta = dao.queue(pid)
    typer.echo(f"queued; executable from {_when(eta)}")


@app.command("execute")
def execute(proposal: Annotated[str, typer.Argument(help="proposal id")],
            manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None,
            key_file: KeyOpt = None, password_file: PwOpt = None,
            dev_account: DevOpt = None) -> None:
    """Execute a Queued proposal after its ETA (anyone may)."""
    dao, pid = _simple("execute", proposal, manifest, rpc, key_file, password_file, dev_account)
    _show_calls(list(dao.proposal(pid).actions), "executes")
    dao.execute(pid)
    typer.echo("executed")


@app.command("cancel")
def cancel(proposal: Annotated[str, typer.Argument(help="proposal id")],
           manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None, key_file: KeyOpt = None,
           password_file: PwOpt = None, dev_account: DevOpt = None) -> None:
    """Cancel: the proposer while Pending; the guardian once Queued (timelock cancel)."""
    pid = parse_proposal_id(proposal)
    dao = _client(manifest, rpc, key_file, password_file, dev_account)
    state = dao.state(pid)
    where = (f"EcoTimelock({dao.deployment.address('EcoTimelock')}).cancel(id)"
             if state == "Queued" else f"EcoGovernor({dao.governor.address}).cancel("
             f"proposalId={pid})")
    typer.echo(f"proposal is {state}: will call {where}")
    dao.cancel(pid)
    typer.echo("canceled")


@app.command("status")
def status(proposal: Annotated[str, typer.Argument(help="proposal id")],
           manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """A proposal's state, times, votes against quorum, and decoded actions."""
    from ecoai_chain.dao.explain import state_hint

    pid = parse_proposal_id(proposal)
    dao = _client(manifest, rpc, need_key=False)
    p = dao.proposal(pid)
    if as_json:
        typer.echo(json.dumps(p.to_json(), indent=2))
        return
    typer.echo(f"proposal   {pid}")
    typer.echo(f"state      {p.state}: {state_hint(dao, pid, p.state)}")
    typer.echo(f"proposer   {p.proposer}")
    typer.echo(f"voting     {_when(p.snapshot_s)} .. {_when(p.deadline_s)}")
    typer.echo(f"eta        {_when(p.eta_s)}")
    typer.echo(f"votes      for {_eco(p.for_units)}, against {_eco(p.against_units)}, "
               f"abstain {_eco(p.abstain_units)}")
    reached = p.for_units + p.abstain_units >= p.quorum_units
    typer.echo(f"quorum     {_eco(p.quorum_units)} ({'reached' if reached else 'not reached'})")
    _show_calls(list(p.actions), "action")


@app.command("list")
def list_(manifest: ManifestOpt = DEFAULT_MANIFEST, rpc: RpcOpt = None) -> None:
    """Every proposal of the Governor, newest last."""
    dao = _client(manifest, rpc, need_key=False)
    ids = dao.proposal_ids()
    if not ids:
        typer.echo("no proposals")
    for pid in ids:
        p = dao.proposal(pid)
        first = p.actions[0].describe() if p.actions else "-"
        more = f" (+{len(p.actions) - 1} more)" if len(p.actions) > 1 else ""
        typer.echo(f"{pid}  {p.state:9} for {_eco(p.for_units)} against "
                   f"{_eco(p.against_units)}  {first}{more}")
